-- mart_ready_readmitted
-- Grain: one row per eligible index stay with a ready-for-discharge date that
-- was readmitted (the pre-project's "reinnlagte utskrivningsklare
-- pasienter"), with whether the patient died within $mortality_days of the
-- index discharge and whether that much follow-up exists.
WITH bounds AS (
    SELECT coalesce(CAST($end_date AS DATE), max(discharge_date)) AS end_date FROM stg_episodes
)
SELECT
    lopenr,
    "institusjonID",
    sector,
    discharge_date,
    year(discharge_date)                                                 AS year,
    month(discharge_date)                                                AS month,
    CAST(death_date IS NOT NULL
         AND death_date <= discharge_date + CAST($mortality_days AS INTEGER) AS INTEGER)
                                                                         AS died_within,
    CAST(date_diff('day', discharge_date, (SELECT end_date FROM bounds)) >= $mortality_days
         AS INTEGER)                                                     AS has_mortality_follow_up
FROM mart_index_stays
WHERE eligible = 1 AND readmitted = 1 AND ready_for_discharge = 1
