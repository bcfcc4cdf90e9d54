-- int_stays
-- Grain: one row per stay (sammenhengende sykehusopphold), key stay_id: a
-- run of one person's inpatient episodes merged by int_stay_episodes.
-- Materialized: table; the one wide relation of the rule (marts filter it).
-- Admission = first admission, discharge = latest discharge. Urgency,
-- fraSted, age, sex, municipality, sector and main condition come from the
-- first episode (its episode_id is the stay_id); trust, tilSted, uttilstand
-- and utskrklardato from the episode that ends last (int_stay_spans), so a
-- transfer is attributed to the trust that discharged the patient. Also the
-- person's death date (pasienter.doddato) and the next acute stay
-- (int_readmission_links), whatever the readmission window.
WITH last_episodes AS (
    -- the last episode of each stay of more than one episode
    SELECT episode_id, trust_id, to_place, discharge_status, ready_date
    FROM stg_episodes
    WHERE episode_id IN (SELECT last_episode_id FROM int_stay_spans WHERE n_episodes > 1)
),
first_episodes AS (
    -- inpatient episodes only: the hash join then holds half the extract
    SELECT * FROM stg_episodes WHERE care_level = 1
),
stays AS (
    SELECT
        s.stay_id,
        s.person_id,
        s.admitted_at,
        s.discharged_at,
        f.sector,
        f.urgency,
        f.from_place,
        f.age,
        f.sex,
        f.municipality,
        f.main_condition,
        CASE WHEN s.n_episodes = 1 THEN f.trust_id ELSE l.trust_id END                 AS trust_id,
        CASE WHEN s.n_episodes = 1 THEN f.to_place ELSE l.to_place END                 AS to_place,
        CASE WHEN s.n_episodes = 1 THEN f.discharge_status ELSE l.discharge_status END AS discharge_status,
        CASE WHEN s.n_episodes = 1 THEN f.ready_date ELSE l.ready_date END             AS ready_date,
        s.n_episodes,
        s.cost_weight,
        k.next_acute_stay_id,
        k.next_acute_admitted_at,
        p.death_date
    FROM int_stay_spans AS s
    JOIN first_episodes AS f ON f.episode_id = s.stay_id
    LEFT JOIN last_episodes AS l ON l.episode_id = s.last_episode_id
    LEFT JOIN int_readmission_links AS k ON k.stay_id = s.stay_id
    LEFT JOIN stg_persons AS p ON p.person_id = s.person_id
)
SELECT
    *,
    CAST(admitted_at AS DATE)                                                  AS admission_date,
    CAST(discharged_at AS DATE)                                                AS discharge_date,
    CAST(date_diff('day', CAST(admitted_at AS DATE), CAST(discharged_at AS DATE)) AS INTEGER)
                                                                               AS los_days,
    CAST(date_diff('day', ready_date, CAST(discharged_at AS DATE)) AS INTEGER) AS ukp_days
FROM stays
