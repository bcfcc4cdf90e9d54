-- int_stay_episodes
-- Grain: one row per inpatient episode (care_level = 1), with the stay it
-- belongs to: stay_id, the episode_id of the stay's first episode (unique in
-- the extract). Day and outpatient contacts never form or join stays.
-- Materialized: view; int_stays reads it once. It carries the attributes
-- int_stays takes from a stay's first and last episodes, so no join back to
-- the episodes is needed.
--
-- In each person's episodes ordered by (admitted_at, discharged_at,
-- episode_id), an episode starts a new stay unless it is admitted less than
-- $transfer_hours after the latest discharge of all earlier episodes (in any
-- institution and sector; an overlap is "less than"). Because discharges
-- never precede admissions, that running maximum is the maximum within the
-- current run. An episode ends its stay when the next one starts a new stay
-- (ends_stay of episode i = starts_stay of episode i + 1), so one window
-- pass flags both. Most stays are one episode (starts_stay AND ends_stay):
-- they are their own stay. Only the episodes of longer stays need a second,
-- small window pass to find the episode that started their stay.
WITH inpatient AS (
    SELECT person_id, episode_id, admitted_at, discharged_at, cost_weight, sector, urgency,
           from_place, age, sex, municipality, main_condition,
           trust_id, to_place, discharge_status, ready_date
    FROM stg_episodes
    WHERE care_level = 1
),
ordered AS (
    SELECT
        *,
        max(discharged_at) OVER (person_order ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            AS previous_max_discharge,
        max(discharged_at) OVER (person_order ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            AS max_discharge_so_far,
        lead(admitted_at) OVER person_order AS next_admitted_at
    FROM inpatient
    WINDOW person_order AS (PARTITION BY person_id ORDER BY admitted_at, discharged_at, episode_id)
),
flagged AS MATERIALIZED (
    SELECT
        * EXCLUDE (previous_max_discharge, max_discharge_so_far, next_admitted_at),
        previous_max_discharge IS NULL
            OR admitted_at >= previous_max_discharge
                              + to_microseconds(CAST($transfer_hours * 3600000000 AS BIGINT))
            AS starts_stay,
        next_admitted_at IS NULL
            OR next_admitted_at >= max_discharge_so_far
                                   + to_microseconds(CAST($transfer_hours * 3600000000 AS BIGINT))
            AS ends_stay
    FROM ordered
)
SELECT *, episode_id AS stay_id
FROM flagged
WHERE starts_stay AND ends_stay
UNION ALL
SELECT
    *,
    -- the latest stay-starting episode so far: the first episode of this stay
    last_value(CASE WHEN starts_stay THEN episode_id END IGNORE NULLS) OVER (
        PARTITION BY person_id ORDER BY admitted_at, discharged_at, episode_id
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stay_id
FROM flagged
WHERE NOT (starts_stay AND ends_stay)
