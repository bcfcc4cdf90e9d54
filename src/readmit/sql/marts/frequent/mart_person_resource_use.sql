-- mart_person_resource_use
-- Grain: one row per measure, sector, discharge year and person who used
-- some of it (definitions.md, Frequent users: resource concentration):
--   measure 'bed_days'   - the los_days of the person's stays discharged that
--                          year (a stay's sector is its first episode's), over
--                          persons with such a stay (a same-day stay gives 0);
--   measure 'drg_weight' - the korrvekt of the person's episodes of any
--                          omsorgsniva discharged that year in that sector, over
--                          persons with such an episode (a missing korrvekt
--                          adds nothing).
-- Materialized: table (read by mart_resource_use_blocks and by the
-- persistence of the top users).
WITH bed_days AS (
    SELECT 'bed_days' AS measure, sector, year(discharge_date) AS year, person_id,
           CAST(sum(los_days) AS DOUBLE) AS use
    FROM int_stays
    GROUP BY ALL
),
drg_weight AS (
    SELECT 'drg_weight' AS measure, sector, year(discharge_date) AS year, person_id,
           coalesce(sum(cost_weight), 0.0) AS use
    FROM stg_episodes
    GROUP BY ALL
)
SELECT * FROM bed_days
UNION ALL
SELECT * FROM drg_weight
