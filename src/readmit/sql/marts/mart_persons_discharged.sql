-- mart_persons_discharged
-- Grain: one row per discharge year: distinct persons discharged from at
-- least one inpatient stay (any sector) that year, and their stays.
SELECT
    year(discharge_date)                   AS year,
    CAST(count(DISTINCT person_id) AS BIGINT) AS n_persons,
    CAST(count(*) AS BIGINT)               AS n_stays
FROM int_stays
GROUP BY ALL
