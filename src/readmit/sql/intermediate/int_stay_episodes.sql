-- int_stay_episodes
-- Grain: one row per inpatient episode (care_level = 1), with the stay it
-- belongs to. Day and outpatient contacts never form or join stays.
-- An episode starts a new stay unless it is admitted less than
-- $transfer_hours after the latest discharge so far of the same person
-- (or overlaps it), in any institution and sector. Because discharges never
-- precede admissions, the running maximum over all earlier episodes equals
-- the maximum within the current run.
WITH ordered AS (
    SELECT
        *,
        row_number() OVER person_order AS episode_seq,
        max(discharged_at) OVER (person_order ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            AS previous_max_discharge
    FROM stg_episodes
    WHERE care_level = 1
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
    *,
    CAST(sum(starts_stay) OVER (PARTITION BY person_id ORDER BY episode_seq
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS BIGINT)
        AS stay_seq
FROM flagged
