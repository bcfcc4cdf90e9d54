-- mart_readmission_stays
-- Grain: one row per stay that is the first readmission of at least one
-- eligible index stay (counted once even when it follows two index stays).
-- Its own trust, sector, discharge year, bed days and ready-for-discharge
-- days: the baseline of the savings simulation.
SELECT
    s.stay_id,
    s.person_id,
    year(s.discharge_date)  AS year,
    s.trust_id              AS "institusjonID",
    s.sector,
    s.los_days              AS bed_days,
    coalesce(s.ukp_days, 0) AS ukp_days,
    s.cost_weight
FROM int_stays AS s
SEMI JOIN mart_index_stays AS i
       ON i.readmission_stay_id = s.stay_id
      AND i.eligible = 1
