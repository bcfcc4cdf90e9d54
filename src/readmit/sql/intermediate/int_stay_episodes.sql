-- int_stay_episodes
-- Grain: one row per inpatient episode (care_level = 1), with the stay it
-- belongs to (stay_seq: 1, 2, ... within the person; stay_id: the
-- episode_id of the stay's first episode, unique in the extract). Day and outpatient contacts never form or join stays.
-- An episode starts a new stay unless it is admitted less than
-- $transfer_hours after the latest discharge so far of the same person
-- (or overlaps it), in any institution and sector. Because discharges never
-- precede admissions, the running maximum over all earlier episodes equals
-- the maximum within the current run.
-- Narrow on purpose (keys, times, DRG weight): the window sorts stay cheap;
-- int_stays joins the episodes' other attributes back by episode_id.
WITH inpatient AS (
    SELECT person_id, episode_id, admitted_at, discharged_at, cost_weight
    FROM stg_episodes
    WHERE care_level = 1
),
ordered AS (
    SELECT
        *,
        row_number() OVER person_order AS episode_seq,
        max(discharged_at) OVER (person_order ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            AS previous_max_discharge
    FROM inpatient
    WINDOW person_order AS (PARTITION BY person_id ORDER BY admitted_at, discharged_at, episode_id)
),
flagged AS (
    SELECT
        *,
        CASE
            WHEN previous_max_discharge IS NOT NULL
             AND admitted_at < previous_max_discharge
                               + to_microseconds(CAST($transfer_hours * 3600000000 AS BIGINT))
            THEN 0 ELSE 1
        END AS starts_stay
    FROM ordered
)
SELECT
    person_id,
    episode_id,
    admitted_at,
    discharged_at,
    cost_weight,
    episode_seq,
    starts_stay,
    -- orders episodes by discharge, ties by admission order: picks "the
    -- episode that ends last" in int_stays with one integer comparison
    epoch_ms(discharged_at) * 1000000 + episode_seq AS end_order,
    CAST(sum(starts_stay) OVER so_far AS BIGINT) AS stay_seq,
    -- a global key for the stay: the episode_id of its first episode
    last_value(CASE WHEN starts_stay = 1 THEN episode_id END IGNORE NULLS) OVER so_far AS stay_id
FROM flagged
WINDOW so_far AS (PARTITION BY person_id ORDER BY episode_seq
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
