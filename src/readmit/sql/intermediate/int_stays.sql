-- int_stays
-- Grain: one row per stay (sammenhengende sykehusopphold): a run of one
-- person's inpatient episodes merged by int_stay_episodes.
-- Admission = first admission, discharge = latest discharge. Urgency,
-- fraSted, age, sector and main condition come from the first episode;
-- trust, tilSted, uttilstand and utskrklardato from the episode that ends
-- last (ties: the later one in admission order), so a transfer is
-- attributed to the trust that discharged the patient.
SELECT
    person_id,
    stay_seq,
    min(admitted_at)                                        AS admitted_at,
    max(discharged_at)                                      AS discharged_at,
    CAST(min(admitted_at) AS DATE)                          AS admission_date,
    CAST(max(discharged_at) AS DATE)                        AS discharge_date,
    arg_min_null(sector, episode_seq)                       AS sector,
    arg_min_null(urgency, episode_seq)                      AS urgency,
    arg_min_null(from_place, episode_seq)                   AS from_place,
    arg_min_null(age, episode_seq)                          AS age,
    arg_min_null(sex, episode_seq)                          AS sex,
    arg_min_null(municipality, episode_seq)                 AS municipality,
    arg_min_null(main_condition, episode_seq)               AS main_condition,
    arg_max_null(trust_id, (discharged_at, episode_seq))          AS trust_id,
    arg_max_null(to_place, (discharged_at, episode_seq))          AS to_place,
    arg_max_null(discharge_status, (discharged_at, episode_seq))  AS discharge_status,
    arg_max_null(ready_date, (discharged_at, episode_seq))        AS ready_date,
    count(*)                                                AS n_episodes,
    count(DISTINCT trust_id)                                AS n_trusts,
    sum(cost_weight)                                        AS cost_weight,
    date_diff('day', CAST(min(admitted_at) AS DATE), CAST(max(discharged_at) AS DATE))
                                                            AS los_days,
    date_diff('day', arg_max_null(ready_date, (discharged_at, episode_seq)),
                     CAST(max(discharged_at) AS DATE))      AS ukp_days
FROM int_stay_episodes
GROUP BY person_id, stay_seq
