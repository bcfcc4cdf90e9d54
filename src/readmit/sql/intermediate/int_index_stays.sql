-- int_index_stays
-- Grain: one row per index stay (stay_id): a stay that ends with the patient
-- alive (uttilstand = 1 and no doddato on or before the discharge date), after
-- the optional filters $min_age, $sector ('all' or NULL lists every sector) and
-- $elderly_group (NULL: any main condition; 'all': a main condition in one of
-- the 11 groups of the elderly indicator; a group name: that group). Every
-- column of int_stays, with the person's death date and the main condition's
-- chapter and elderly-indicator group.
-- Materialized: view; read by int_readmission_links (when $link = 'latest',
-- readmissions are linked to these stays) and by mart_index_stays.
SELECT
    s.*,
    p.death_date,
    k.chapter       AS icd_chapter,
    k.elderly_group
FROM int_stays AS s
-- only the persons who died: the same death_date for every stay, and a hash
-- table of the dead (a few per cent) instead of every person
LEFT JOIN (SELECT person_id, death_date FROM stg_persons WHERE death_date IS NOT NULL)
    AS p ON p.person_id = s.person_id
LEFT JOIN int_condition_codes AS k ON k.main_condition = s.main_condition
WHERE s.discharge_status = 1
  AND (p.death_date IS NULL OR p.death_date > s.discharge_date)
  AND (CAST($min_age AS INTEGER) IS NULL OR s.age >= CAST($min_age AS INTEGER))
  AND (CAST($sector AS VARCHAR) IS NULL OR CAST($sector AS VARCHAR) = 'all'
       OR s.sector = CAST($sector AS VARCHAR))
  AND (CAST($elderly_group AS VARCHAR) IS NULL
       OR (k.elderly_group IS NOT NULL
           AND CAST($elderly_group AS VARCHAR) IN ('all', k.elderly_group)))
