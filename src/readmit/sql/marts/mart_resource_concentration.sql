-- mart_resource_concentration
-- Grain: one row per sector and discharge year: how much of the bed days
-- (los_days) and DRG weight (korrvekt) of the stays discharged that year the
-- top 1 %, 5 % and 10 % of persons used (persons ranked by their own use;
-- the top p % is the first ceil(p * n) persons), and the Gini coefficient
-- of bed days.
WITH person_use AS (
    SELECT sector, year(discharge_date) AS year, person_id,
           sum(los_days) AS bed_days, sum(cost_weight) AS drg_weight
    FROM int_stays
    GROUP BY ALL
),
ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY sector, year ORDER BY bed_days DESC, person_id) AS bed_rank,
        row_number() OVER (PARTITION BY sector, year ORDER BY drg_weight DESC, person_id) AS drg_rank,
        row_number() OVER (PARTITION BY sector, year ORDER BY bed_days ASC, person_id) AS asc_rank,
        count(*) OVER (PARTITION BY sector, year) AS n_persons
    FROM person_use
)
SELECT
    sector,
    year,
    CAST(max(n_persons) AS BIGINT)                                               AS n_persons,
    CAST(sum(bed_days) AS BIGINT)                                                AS bed_days,
    sum(bed_days) FILTER (WHERE bed_rank <= ceil(0.01 * n_persons)) / sum(bed_days) AS top1_bed_share,
    sum(bed_days) FILTER (WHERE bed_rank <= ceil(0.05 * n_persons)) / sum(bed_days) AS top5_bed_share,
    sum(bed_days) FILTER (WHERE bed_rank <= ceil(0.10 * n_persons)) / sum(bed_days) AS top10_bed_share,
    sum(drg_weight) FILTER (WHERE drg_rank <= ceil(0.01 * n_persons)) / sum(drg_weight) AS top1_drg_share,
    sum(drg_weight) FILTER (WHERE drg_rank <= ceil(0.05 * n_persons)) / sum(drg_weight) AS top5_drg_share,
    sum(drg_weight) FILTER (WHERE drg_rank <= ceil(0.10 * n_persons)) / sum(drg_weight) AS top10_drg_share,
    -- Gini = 2 * sum(i * x_i) / (n * sum x) - (n + 1) / n, x ascending, i from 1
    2.0 * sum(asc_rank * bed_days) / (max(n_persons) * sum(bed_days))
        - (max(n_persons) + 1.0) / max(n_persons)                                AS gini_bed_days
FROM ranked
GROUP BY sector, year
