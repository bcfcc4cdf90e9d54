-- mart_stay_summary
-- Grain: one row per discharge year, trust (the discharging one) and sector:
-- stays, their mean length, stays with a ready-for-discharge date and their
-- ready-for-discharge days. Built from int_stays, so every stay counts
-- (index stays or not).
SELECT
    year(discharge_date)                                  AS year,
    trust_id                                              AS "institusjonID",
    sector,
    CAST(count(*) AS BIGINT)                              AS n_stays,
    avg(los_days)                                         AS mean_los_days,
    CAST(sum(los_days) AS BIGINT)                         AS bed_days,
    CAST(count(ready_date) AS BIGINT)                     AS n_ready_stays,
    CAST(coalesce(sum(ukp_days), 0) AS BIGINT)            AS ukp_days
FROM int_stays
GROUP BY ALL
