-- mart_readmission_times
-- Grain: one row per index stay of mart_index_stays (eligible or not) that
-- is discharged on or before the end of the data ($end_date, default the
-- latest discharge in the extract): its time to the first readmission with
-- death as a competing event (definitions.md, Time to readmission).
-- Materialized: table (narrow), read by every time-to-readmission query;
-- the horizon is applied by the query, not here.
-- Time origin: the discharge date; times in whole days.
-- status 1 (readmission): the first later acute stay of the same sector (of
-- any sector with $follow_all_sectors) at any distance
-- (int_readmission_links), admitted on or before the end of the data and
-- not after the death date: a readmission and a death on the same day count
-- as the readmission. days = its admission date - discharge date.
-- status 2 (death): else a doddato on or before the end of the data;
-- days = doddato - discharge date (>= 1: index stays end alive).
-- status 0 (censored): else days = follow_up_days = end of data - discharge date.
-- los_band / los_band_order as in mart_index_stay_counts.
WITH bounds AS (
    SELECT coalesce(CAST($end_date AS DATE), max(discharge_date)) AS end_date
    FROM stg_episodes
),
stays AS (
    SELECT
        i.sector,
        i."institusjonID",
        i.age_band,
        i.ready_for_discharge,
        i.los_days,
        date_diff('day', i.discharge_date, b.end_date)                        AS follow_up_days,
        CASE WHEN CAST(k.next_acute_admitted_at AS DATE) <= b.end_date
             THEN date_diff('day', i.discharge_date, CAST(k.next_acute_admitted_at AS DATE))
        END                                                                    AS readmission_day,
        CASE WHEN i.death_date <= b.end_date
             THEN date_diff('day', i.discharge_date, i.death_date) END         AS death_day
    FROM mart_index_stays AS i
    CROSS JOIN bounds AS b
    LEFT JOIN int_readmission_links AS k ON k.stay_id = i.stay_id
    WHERE i.discharge_date <= b.end_date
)
SELECT
    sector,
    "institusjonID",
    age_band,
    ready_for_discharge,
    CASE WHEN los_days <= 2 THEN CAST(los_days AS VARCHAR)
         WHEN los_days <= 4 THEN '3-4'
         WHEN los_days <= 7 THEN '5-7'
         WHEN los_days <= 14 THEN '8-14'
         WHEN los_days <= 29 THEN '15-29'
         ELSE '30+' END                                                        AS los_band,
    CASE WHEN los_days <= 2 THEN los_days + 1
         WHEN los_days <= 4 THEN 4
         WHEN los_days <= 7 THEN 5
         WHEN los_days <= 14 THEN 6
         WHEN los_days <= 29 THEN 7
         ELSE 8 END                                                            AS los_band_order,
    CAST(CASE WHEN readmission_day IS NOT NULL
                   AND (death_day IS NULL OR readmission_day <= death_day) THEN 1
              WHEN death_day IS NOT NULL THEN 2
              ELSE 0 END AS TINYINT)                                           AS status,
    CAST(CASE WHEN readmission_day IS NOT NULL
                   AND (death_day IS NULL OR readmission_day <= death_day) THEN readmission_day
              WHEN death_day IS NOT NULL THEN death_day
              ELSE follow_up_days END AS INTEGER)                              AS days,
    CAST(follow_up_days AS INTEGER)                                            AS follow_up_days
FROM stays
