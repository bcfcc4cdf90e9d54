-- int_stays
-- Grain: one row per stay (sammenhengende sykehusopphold): a run of one
-- person's inpatient episodes merged by int_stay_episodes; key stay_id.
-- Admission = first admission, discharge = latest discharge. Urgency,
-- fraSted, age, sector and main condition come from the first episode
-- (its episode_id is the stay_id); trust, tilSted, uttilstand and
-- utskrklardato from the episode that ends last (ties: the later one in
-- admission order), so a transfer is attributed to the trust that
-- discharged the patient.
WITH spans AS (
    SELECT
        stay_id,
        max(stay_seq)                   AS stay_seq,
        min(admitted_at)                AS admitted_at,
        max(discharged_at)              AS discharged_at,
        arg_max(episode_id, end_order)  AS last_episode_id,
        count(*)                        AS n_episodes,
        sum(cost_weight)                AS cost_weight
    FROM int_stay_episodes
    GROUP BY stay_id
)
SELECT
    s.stay_id,
    f.person_id,
    s.stay_seq,
    s.admitted_at,
    s.discharged_at,
    CAST(s.admitted_at AS DATE)                                    AS admission_date,
    CAST(s.discharged_at AS DATE)                                  AS discharge_date,
    f.sector,
    f.urgency,
    f.from_place,
    f.age,
    f.sex,
    f.municipality,
    f.main_condition,
    l.trust_id,
    l.to_place,
    l.discharge_status,
    l.ready_date,
    s.n_episodes,
    s.cost_weight,
    date_diff('day', CAST(s.admitted_at AS DATE), CAST(s.discharged_at AS DATE)) AS los_days,
    date_diff('day', l.ready_date, CAST(s.discharged_at AS DATE))  AS ukp_days
FROM spans AS s
JOIN stg_episodes AS f ON f.episode_id = s.stay_id
JOIN stg_episodes AS l ON l.episode_id = s.last_episode_id
