-- mart_comparison_design
-- Grain: one row per eligible index stay of mart_index_stays (key stay_id):
-- the outcome (readmitted), the units it is compared in (the discharging
-- trust institusjonID; komnr, the municipality of residence of the stay's
-- first episode: int_stays.municipality), its discharge year and sector,
-- and the covariates of the risk model and the LACE index
-- (readmit.comparison), each a category:
--   age_band       0-17, 18-29, 30-44, 45-59, 60-69, 70-79, 80-89, 90+ (age at
--                  admission; 'unknown' when missing)
--   sex            male, female, unknown (kjonn 1, 2, other)
--   charlson_band  0, 1, 2, 3, 4, 5+ of charlson_index (int_stay_comorbidity,
--                  built with this model's comorbidity options)
--   urgency        innmateHast of the first episode as text, '1' ... '5'
--                  (1-3 acute, 4 planned, 5 returned); 'unknown' when missing
--   prior_acute_365_band  0, 1, 2, 3, 4+ of prior_acute_365
--   los_band       0, 1, 2, 3-4, 5-7, 8-14, 15-29, 30+ days (as
--                  mart_index_stay_counts; readmit.analyses.LOS_BANDS)
--   ready_for_discharge   0/1 (an utskrivningsklar date)
-- prior_acute_365 / prior_acute_6m: the person's acute stays (int_stays with
-- urgency 1, 2 or 3, any sector) admitted before this stay's admission and
-- on or after the day 365 days / 6 calendar months before its admission date
-- (index admitted 2019-06-01: from 2018-06-01 / 2018-12-01 on): int_stay_prior_acute.
-- LACE (van Walraven et al., CMAJ 2010), with acute stays in the previous 6
-- months standing in for emergency department visits:
--   lace_l  length of stay: 0 d -> 0, 1 -> 1, 2 -> 2, 3 -> 3, 4-6 -> 4,
--           7-13 -> 5, 14+ -> 7
--   lace_a  acute admission (urgency 1-3) -> 3, else 0
--   lace_c  Charlson index 0-3 -> itself, 4+ -> 5
--   lace_e  prior_acute_6m, at most 4
--   lace_score = lace_l + lace_a + lace_c + lace_e (0-19)
-- Materialized: table (narrow; every comparison query reads it).
-- Join order: as written. The two narrow per-stay tables are the right
-- sides, so they are the hash tables and the eligible stays stream past them;
-- DuckDB's optimizer chose the wide eligible stays as the hash table, which
-- for a somatic rule at 10^8 episodes did not fit in a 4 GB limit (as
-- written: 80 s).
WITH stays AS (
    SELECT
        m.stay_id,
        m.year,
        m.sector,
        m."institusjonID",
        m.municipality                                            AS komnr,
        m.readmitted,
        m.age,
        m.sex,
        m.urgency,
        m.los_days,
        m.ready_for_discharge,
        c.charlson_index,
        p.n_365                                                   AS prior_acute_365,
        p.n_6m                                                    AS prior_acute_6m
    FROM mart_index_stays AS m
    JOIN int_stay_prior_acute AS p ON p.stay_id = m.stay_id
    JOIN int_stay_comorbidity AS c ON c.stay_id = m.stay_id
    WHERE m.eligible = 1
)
SELECT
    stay_id,
    year,
    sector,
    "institusjonID",
    komnr,
    readmitted,
    CASE WHEN age IS NULL THEN 'unknown'
         WHEN age < 18 THEN '0-17'
         WHEN age < 30 THEN '18-29'
         WHEN age < 45 THEN '30-44'
         WHEN age < 60 THEN '45-59'
         WHEN age < 70 THEN '60-69'
         WHEN age < 80 THEN '70-79'
         WHEN age < 90 THEN '80-89'
         ELSE '90+' END                                           AS age_band,
    CASE sex WHEN 1 THEN 'male' WHEN 2 THEN 'female' ELSE 'unknown' END AS sex,
    charlson_index,
    CASE WHEN charlson_index >= 5 THEN '5+'
         ELSE CAST(charlson_index AS VARCHAR) END                 AS charlson_band,
    coalesce(CAST(urgency AS VARCHAR), 'unknown')                 AS urgency,
    prior_acute_365,
    CASE WHEN prior_acute_365 >= 4 THEN '4+'
         ELSE CAST(prior_acute_365 AS VARCHAR) END                AS prior_acute_365_band,
    prior_acute_6m,
    los_days,
    CASE WHEN los_days <= 2 THEN CAST(los_days AS VARCHAR)
         WHEN los_days <= 4 THEN '3-4'
         WHEN los_days <= 7 THEN '5-7'
         WHEN los_days <= 14 THEN '8-14'
         WHEN los_days <= 29 THEN '15-29'
         ELSE '30+' END                                           AS los_band,
    CAST(ready_for_discharge AS VARCHAR)                          AS ready_for_discharge,
    CASE WHEN los_days < 1 THEN 0
         WHEN los_days <= 3 THEN los_days
         WHEN los_days <= 6 THEN 4
         WHEN los_days <= 13 THEN 5
         ELSE 7 END                                               AS lace_l,
    CASE WHEN urgency IN (1, 2, 3) THEN 3 ELSE 0 END              AS lace_a,
    CASE WHEN charlson_index >= 4 THEN 5 ELSE charlson_index END  AS lace_c,
    least(prior_acute_6m, 4)                                      AS lace_e,
    lace_l + lace_a + lace_c + lace_e                             AS lace_score
FROM stays
