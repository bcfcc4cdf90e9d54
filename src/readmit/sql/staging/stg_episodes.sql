-- stg_episodes
-- Grain: one row per kept row of the source table `episoder` (one episode).
-- Renames NPR's columns to English snake_case, decodes the sector, builds
-- admission/discharge timestamps (a missing clock time counts as 00:00; where
-- that would put a discharge before the admission on the same day, the
-- discharge is taken as the admission time) and normalises ICD-10 codes
-- (upper case, no dot: 'j44.1' -> 'J441').
SELECT
    lopenr                                              AS person_id,
    episode_lnr                                         AS episode_id,
    institusjonID                                       AS trust_id,
    CASE sektor WHEN 1 THEN 'somatic' WHEN 2 THEN 'vop' WHEN 3 THEN 'tsb' END
                                                        AS sector,
    omsorgsniva                                         AS care_level,
    innmateHast                                         AS urgency,
    fraSted                                             AS from_place,
    tilSted                                             AS to_place,
    inndato                                             AS admission_date,
    utdato                                              AS discharge_date,
    inndato + coalesce(inntid, TIME '00:00:00')         AS admitted_at,
    greatest(utdato + coalesce(uttid, TIME '00:00:00'),
             inndato + coalesce(inntid, TIME '00:00:00')) AS discharged_at,
    upper(replace(trim(tilstand_1_1), '.', ''))         AS main_condition,
    drg,
    korrvekt                                            AS cost_weight,
    uttilstand                                          AS discharge_status,
    utskrklardato                                       AS ready_date,
    komnr                                               AS municipality,
    alder                                               AS age,
    kjonn                                               AS sex
FROM episoder
