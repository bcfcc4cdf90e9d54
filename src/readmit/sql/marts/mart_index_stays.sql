-- mart_index_stays
-- Grain: one row per index stay (a stay that ends with the patient alive:
-- uttilstand = 1 and no doddato on or before the discharge date), after the
-- optional filters $min_age, $sector ('all' or NULL lists every sector) and
-- discharge years $first_year..$last_year (NULL: no bound).
-- Materialized: view over int_stays, int_readmission_links, stg_persons
-- (death date) and the ICD-10 lookup, so building it costs nothing and no
-- second wide table is held; every query of it does these joins again.
-- readmitted: the next acute stay (int_readmission_links) is admitted at
-- most $window_days * 24 h after discharge.
-- eligible (counted in rates): follow-up complete ($end_date, default the
-- latest discharge in the extract, at least $window_days days after the
-- discharge date) and not a death in the window without readmission
-- (unless $keep_deaths).
WITH codes AS (
    -- each 3-character ICD-10 category of the main conditions, with its
    -- chapter and elderly-indicator group
    SELECT d.category, c.chapter, g."group" AS elderly_group
    FROM (SELECT DISTINCT left(main_condition, 3) AS category FROM int_stays) AS d
    LEFT JOIN ref_icd10_chapters AS c ON d.category BETWEEN c.first AND c.last
    LEFT JOIN ref_elderly_groups AS g ON d.category BETWEEN g.first AND g.last
),
bounds AS (
    SELECT coalesce(CAST($end_date AS DATE), max(discharge_date)) AS end_date
    FROM stg_episodes
),
stays AS (
    SELECT s.*, k.next_acute_stay_id, k.next_acute_admitted_at, p.death_date
    FROM int_stays AS s
    LEFT JOIN int_readmission_links AS k ON k.stay_id = s.stay_id
    LEFT JOIN stg_persons AS p ON p.person_id = s.person_id
),
index_stays AS (
    SELECT
        s.*,
        s.next_acute_admitted_at IS NOT NULL
            AND s.next_acute_admitted_at <= s.discharged_at + to_days(CAST($window_days AS INTEGER))
            AS is_readmitted,
        s.death_date IS NOT NULL
            AND s.death_date <= s.discharge_date + CAST($window_days AS INTEGER)
            AS is_died_in_window,
        date_diff('day', s.discharge_date, (SELECT end_date FROM bounds)) >= $window_days
            AS has_follow_up
    FROM stays AS s
    WHERE s.discharge_status = 1
      AND (s.death_date IS NULL OR s.death_date > s.discharge_date)
      AND (CAST($min_age AS INTEGER) IS NULL OR s.age >= CAST($min_age AS INTEGER))
      AND (CAST($sector AS VARCHAR) IS NULL OR CAST($sector AS VARCHAR) = 'all'
           OR s.sector = CAST($sector AS VARCHAR))
      AND (CAST($first_year AS INTEGER) IS NULL
           OR year(s.discharge_date) >= CAST($first_year AS INTEGER))
      AND (CAST($last_year AS INTEGER) IS NULL
           OR year(s.discharge_date) <= CAST($last_year AS INTEGER))
)
SELECT
    i.person_id                                              AS lopenr,
    i.admitted_at,
    i.discharged_at,
    i.trust_id                                               AS "institusjonID",
    i.sector,
    i.age,
    i.los_days,
    i.ukp_days,
    CAST(i.is_readmitted AS INTEGER)                         AS readmitted,
    CASE WHEN i.is_readmitted
         THEN epoch(i.next_acute_admitted_at - i.discharged_at) / 3600.0 END
                                                             AS hours_to_readmission,
    CASE WHEN i.is_readmitted
         THEN date_diff('day', i.discharge_date, CAST(i.next_acute_admitted_at AS DATE)) END
                                                             AS days_to_readmission,
    CAST(i.is_died_in_window AS INTEGER)                     AS died_in_window,
    CAST(i.has_follow_up
         AND (i.is_readmitted OR NOT i.is_died_in_window OR $keep_deaths) AS INTEGER)
                                                             AS eligible,
    -- attributes for grouping and modelling
    i.stay_id,
    CASE WHEN i.is_readmitted THEN i.next_acute_stay_id END  AS readmission_stay_id,
    i.admission_date,
    i.discharge_date,
    year(i.discharge_date)                                   AS year,
    i.sex,
    CASE WHEN i.age < 18 THEN '0-17'
         WHEN i.age < 45 THEN '18-44'
         WHEN i.age < 67 THEN '45-66'
         WHEN i.age < 80 THEN '67-79'
         WHEN i.age IS NOT NULL THEN '80+' END                AS age_band,
    i.main_condition,
    k.chapter                                                AS icd_chapter,
    k.elderly_group,
    CAST(i.ready_date IS NOT NULL AS INTEGER)                AS ready_for_discharge,
    i.urgency,
    i.municipality,
    i.cost_weight,
    i.death_date
FROM index_stays AS i
LEFT JOIN codes AS k ON k.category = left(i.main_condition, 3)
