-- int_stay_spans
-- Grain: one row per stay (stay_id), narrow: its person, first admission,
-- latest discharge, the sector and urgency of its first episode, the
-- episode that ends last (ties: the later one in admission order), the
-- number of episodes and the summed DRG weight.
-- Materialized: table. A one-episode stay is copied; only the episodes of
-- longer stays are grouped.
WITH episodes AS MATERIALIZED (
    SELECT * FROM int_stay_episodes
),
longer AS (
    SELECT
        stay_id,
        any_value(person_id)                                   AS person_id,
        min(admitted_at)                                       AS admitted_at,
        max(discharged_at)                                     AS discharged_at,
        any_value(sector) FILTER (WHERE starts_stay)           AS sector,
        any_value(urgency) FILTER (WHERE starts_stay)          AS urgency,
        arg_max(episode_id, {'discharged_at': discharged_at, 'admitted_at': admitted_at,
                             'episode_id': episode_id})        AS last_episode_id,
        CAST(count(*) AS INTEGER)                              AS n_episodes,
        sum(cost_weight)                                       AS cost_weight
    FROM episodes
    WHERE NOT (starts_stay AND ends_stay)
    GROUP BY stay_id
)
SELECT
    stay_id, person_id, admitted_at, discharged_at, sector, urgency,
    episode_id AS last_episode_id, 1 AS n_episodes, cost_weight
FROM episodes
WHERE starts_stay AND ends_stay
UNION ALL
SELECT
    stay_id, person_id, admitted_at, discharged_at, sector, urgency,
    last_episode_id, n_episodes, cost_weight
FROM longer
