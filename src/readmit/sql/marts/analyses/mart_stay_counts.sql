-- mart_stay_counts
-- Grain: one row per discharge year x trust (institusjonID, the discharging
-- one) x sector with at least one stay of int_stays -- every stay, index
-- stay or not (a patient who died can have ready-for-discharge days) --
-- after the rule's filters on the stay: $min_age, $sector ('all' or NULL:
-- every sector) and discharge years $first_year..$last_year.
-- Materialized: table (small).
-- n_stays_ready: stays with a ready-for-discharge date (utskrklardato);
-- ukp_days: their ready-for-discharge days (discharge date - utskrklardato).
SELECT
    year(discharge_date)                                  AS year,
    trust_id                                              AS "institusjonID",
    sector,
    CAST(count(*) AS BIGINT)                              AS n_stays,
    CAST(sum(los_days) AS BIGINT)                         AS bed_days,
    CAST(count(ready_date) AS BIGINT)                     AS n_stays_ready,
    CAST(coalesce(sum(ukp_days), 0) AS BIGINT)            AS ukp_days
FROM int_stays
WHERE (CAST($min_age AS INTEGER) IS NULL OR age >= CAST($min_age AS INTEGER))
  AND (CAST($sector AS VARCHAR) IS NULL OR CAST($sector AS VARCHAR) = 'all'
       OR sector = CAST($sector AS VARCHAR))
  AND (CAST($first_year AS INTEGER) IS NULL
       OR year(discharge_date) >= CAST($first_year AS INTEGER))
  AND (CAST($last_year AS INTEGER) IS NULL
       OR year(discharge_date) <= CAST($last_year AS INTEGER))
GROUP BY ALL
