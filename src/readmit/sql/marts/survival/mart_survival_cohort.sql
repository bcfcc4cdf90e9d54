-- mart_survival_cohort
-- Grain: one row per index stay (mart_index_stays, eligible or not) admitted
-- at least 365 days after the start of the data and discharged on or before
-- the end of the data, with what six-month mortality needs (definitions.md,
-- Six-month mortality). The start of the data is the earliest utdato of any
-- episode (an extract holds the stays discharged in its period); a year of
-- look-back gives every row the full history its prior_acute_stays and
-- frequent_user count (without it, a person's first index stay would have
-- no earlier stay in the data at all). The horizon is not applied here: the
-- query of readmit.survival applies it, so every horizon shares this table.
-- Materialized: table.
--   first_in_period     the person's first index stay (by admission, then
--                       stay_id) among these rows: the one-row-per-person cohort
--   death_days          doddato - discharge date in whole days (>= 1), or NULL
--   follow_up_days      end of the data - discharge date in whole days (>= 0);
--                       end of the data is $end_date, default the latest
--                       utdato of any episode
--   prior_acute_stays   acute stays (innmateHast 1-3, any sector) of the person
--                       admitted in the 365 days before the index admission
--                       (admitted_at from admitted_at - 365 days up to, not
--                       including, the index admission)
--   frequent_user       1 when 4 or more acute stays (any sector) were admitted
--                       from 364 days before the index admission date up to and
--                       including the index admission (the index stay counts when
--                       acute): the person is a frequent user (definitions.md,
--                       Frequent users: the fourth admission at most 364 days after
--                       the first) by the time of the index stay; looking back
--                       only, so the flag never depends on surviving the stay
--   comorbidity_score   the stay's Charlson index (int_stay_comorbidity: SKDE's
--                       CoMorbIndex.sas choices, contacts of the 365 days before
--                       admission; 0 when it has none)
WITH bounds AS (
    SELECT min(discharge_date)                                       AS start_date,
           coalesce(CAST($end_date AS DATE), max(discharge_date))    AS end_date
    FROM stg_episodes
),
stays AS MATERIALIZED (
    SELECT i.*, b.end_date AS end_of_data
    FROM mart_index_stays AS i, bounds AS b
    WHERE i.discharge_date <= b.end_date
      AND i.admission_date >= b.start_date + 365
),
acute AS (
    SELECT person_id, admitted_at, admission_date
    FROM int_stays
    WHERE urgency IN (1, 2, 3)
),
history AS (
    SELECT
        s.stay_id,
        CAST(count(*) FILTER (WHERE a.admitted_at < s.admitted_at
                                AND a.admitted_at >= s.admitted_at - INTERVAL 365 DAY)
             AS INTEGER)                                          AS prior_acute_stays,
        CAST(count(*) FILTER (WHERE a.admitted_at <= s.admitted_at
                                AND a.admission_date >= s.admission_date - 364) >= 4
             AS INTEGER)                                          AS frequent_user
    FROM stays AS s
    JOIN acute AS a
      ON a.person_id = s.lopenr
     AND a.admitted_at <= s.admitted_at
     AND a.admitted_at >= s.admitted_at - INTERVAL 365 DAY
    GROUP BY s.stay_id
)
SELECT
    s.lopenr,
    s.stay_id,
    s.admitted_at,
    s.discharge_date,
    s.year,
    row_number() OVER (PARTITION BY s.lopenr ORDER BY s.admitted_at, s.stay_id) = 1
                                                                  AS first_in_period,
    s.age,
    s.age_band,
    CASE s.sex WHEN 1 THEN 'male' WHEN 2 THEN 'female' END        AS sex,
    s.sector,
    s."institusjonID",
    s.los_days,
    coalesce(s.ukp_days, 0)                                       AS ukp_days,
    s.ready_for_discharge,
    s.readmitted,
    coalesce(h.prior_acute_stays, 0)                              AS prior_acute_stays,
    coalesce(h.frequent_user, 0)                                  AS frequent_user,
    coalesce(comorbidity.score, 0)                                AS comorbidity_score,
    CAST(date_diff('day', s.discharge_date, s.death_date) AS INTEGER) AS death_days,
    CAST(date_diff('day', s.discharge_date, s.end_of_data) AS INTEGER) AS follow_up_days
FROM stays AS s
LEFT JOIN history AS h ON h.stay_id = s.stay_id
-- the comorbidity score: the Charlson index (readmit.comorbidity)
LEFT JOIN (SELECT stay_id, charlson_index AS score FROM int_stay_comorbidity) AS comorbidity
       ON comorbidity.stay_id = s.stay_id
