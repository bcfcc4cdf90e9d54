-- int_stays
-- Grain: one row per stay (sammenhengende sykehusopphold), key stay_id: a
-- run of one person's inpatient episodes merged by int_stay_episodes.
-- Materialized: table; the one wide relation of the rule (marts filter it).
-- Admission = first admission, discharge = latest discharge. Urgency,
-- fraSted, age, sex, municipality, sector and main condition come from the
-- first episode (its episode_id is the stay_id); trust, tilSted, uttilstand
-- and utskrklardato from the episode that ends last (ties: the later one in
-- admission order), so a transfer is attributed to the trust that
-- discharged the patient. A one-episode stay (most stays) is its episode,
-- copied; only the episodes of longer stays are grouped.
WITH episodes AS MATERIALIZED (
    SELECT * FROM int_stay_episodes
),
longer AS (
    -- stays of two or more episodes
    SELECT
        stay_id,
        any_value(person_id)                                   AS person_id,
        min(admitted_at)                                       AS admitted_at,
        max(discharged_at)                                     AS discharged_at,
        any_value({'sector': sector, 'urgency': urgency, 'from_place': from_place, 'age': age,
                   'sex': sex, 'municipality': municipality, 'main_condition': main_condition})
            FILTER (WHERE starts_stay)                         AS f,
        arg_max({'trust_id': trust_id, 'to_place': to_place, 'discharge_status': discharge_status,
                 'ready_date': ready_date},
                {'discharged_at': discharged_at, 'admitted_at': admitted_at,
                 'episode_id': episode_id})                    AS l,
        CAST(count(*) AS INTEGER)                              AS n_episodes,
        sum(cost_weight)                                       AS cost_weight
    FROM episodes
    WHERE NOT (starts_stay AND ends_stay)
    GROUP BY stay_id
),
stays AS (
    SELECT stay_id, person_id, admitted_at, discharged_at, sector, urgency, from_place, age, sex,
           municipality, main_condition, trust_id, to_place, discharge_status, ready_date,
           1 AS n_episodes, cost_weight
    FROM episodes
    WHERE starts_stay AND ends_stay
    UNION ALL
    SELECT stay_id, person_id, admitted_at, discharged_at, f.sector, f.urgency, f.from_place, f.age,
           f.sex, f.municipality, f.main_condition, l.trust_id, l.to_place, l.discharge_status,
           l.ready_date, n_episodes, cost_weight
    FROM longer
)
SELECT
    *,
    CAST(admitted_at AS DATE)                                                  AS admission_date,
    CAST(discharged_at AS DATE)                                                AS discharge_date,
    CAST(date_diff('day', CAST(admitted_at AS DATE), CAST(discharged_at AS DATE)) AS INTEGER)
                                                                               AS los_days,
    CAST(date_diff('day', ready_date, CAST(discharged_at AS DATE)) AS INTEGER) AS ukp_days
FROM stays
