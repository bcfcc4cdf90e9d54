-- mart_index_stay_counts
-- Grain: one row per discharge year x trust (institusjonID, the discharging
-- one) x sector x length-of-stay band x ready_for_discharge (0/1) that has
-- at least one index stay of mart_index_stays (so the rule's filters apply).
-- Materialized: table (small: a few thousand rows), so the trend, length of
-- stay and ready-for-discharge analyses read mart_index_stays once.
-- n_index_stays: every index stay; n_index: the eligible ones (counted in
-- rates); n_readmitted: eligible and readmitted; los_days_sum: the los_days
-- of the eligible ones (mean LOS = los_days_sum / n_index).
-- LOS bands (whole days): 0, 1, 2, 3-4, 5-7, 8-14, 15-29, 30+;
-- los_band_order numbers them 1..8 (readmit.analyses.LOS_BANDS).
SELECT
    year,
    "institusjonID",
    sector,
    CASE WHEN los_days <= 2 THEN CAST(los_days AS VARCHAR)
         WHEN los_days <= 4 THEN '3-4'
         WHEN los_days <= 7 THEN '5-7'
         WHEN los_days <= 14 THEN '8-14'
         WHEN los_days <= 29 THEN '15-29'
         ELSE '30+' END                                                AS los_band,
    CASE WHEN los_days <= 2 THEN los_days + 1
         WHEN los_days <= 4 THEN 4
         WHEN los_days <= 7 THEN 5
         WHEN los_days <= 14 THEN 6
         WHEN los_days <= 29 THEN 7
         ELSE 8 END                                                    AS los_band_order,
    ready_for_discharge,
    CAST(count(*) AS BIGINT)                                           AS n_index_stays,
    CAST(count(*) FILTER (WHERE eligible = 1) AS BIGINT)               AS n_index,
    CAST(count(*) FILTER (WHERE eligible = 1 AND readmitted = 1) AS BIGINT)
                                                                       AS n_readmitted,
    CAST(coalesce(sum(los_days) FILTER (WHERE eligible = 1), 0) AS BIGINT)
                                                                       AS los_days_sum
FROM mart_index_stays
GROUP BY ALL
