-- int_readmission_links
-- Grain: one row per stay (stay_id) that has a later acute stay: the first
-- stay of the same person with urgency (innmateHast) 1, 2 or 3 admitted
-- strictly after this stay's discharge, in the same sector, or in any sector
-- when $follow_all_sectors is true. Planned (4) and returned (5) stays are
-- never candidates. An ASOF join finds the nearest such admission; stays
-- without one have no row.
-- Materialized: table (narrow).
WITH stays AS (
    SELECT
        stay_id,
        person_id,
        discharged_at,
        CASE WHEN $follow_all_sectors THEN 'all' ELSE sector END AS follow_group
    FROM int_stays
),
acute AS (
    SELECT
        stay_id,
        person_id,
        admitted_at,
        CASE WHEN $follow_all_sectors THEN 'all' ELSE sector END AS follow_group
    FROM int_stays
    WHERE urgency IN (1, 2, 3)
)
SELECT
    s.stay_id,
    a.admitted_at AS next_acute_admitted_at,
    a.stay_id     AS next_acute_stay_id
FROM stays AS s
ASOF JOIN acute AS a
       ON a.person_id = s.person_id
      AND a.follow_group = s.follow_group
      AND a.admitted_at > s.discharged_at
