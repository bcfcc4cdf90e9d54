-- int_readmission_links
-- Grain: one row per stay (stay_id) with its readmission candidate
-- (next_acute_stay_id, admitted next_acute_admitted_at); stays without one
-- have no row. Candidates are the person's stays with urgency (innmateHast)
-- 1, 2 or 3, in the same sector, or in any sector when $follow_all_sectors is
-- true; with $exclude_planned_conditions, not those whose main condition is on
-- ref_readmission_exclusions (int_condition_codes). Planned (4) and returned
-- (5) stays are never candidates. Two ways to link, by $link:
--   'first' (readmit's default): for every stay, the first candidate admitted
--     after it: strictly after its discharge time ($window = 'hours') or on a
--     later date than its discharge date ($window = 'days'). An ASOF join finds
--     the nearest. mart_index_stays then checks the window.
--   'latest' (SKDE's makroer/reinnleggelser.sas): each candidate is a
--     readmission of the latest index stay (int_index_stays, same person and
--     follow group) before it in (admitted_at, discharged_at, stay_id) order,
--     itself excluded, when it falls within that stay's window; never of an
--     earlier one. One row per index stay with at least one such readmission,
--     naming the first. A later index stay thus takes the readmissions that
--     follow it away from an earlier one.
-- The window: $window = 'hours': admitted after the discharge and at most
-- $window_days * 24 h after it; 'days': 0 < admission date - discharge date
-- < $window_days (days 1 to $window_days - 1). The same test stands in
-- mart_index_stays.
-- Materialized: table (narrow).
WITH candidates AS (
    -- one of the two branches is pruned by the bound parameter
    SELECT stay_id, person_id, admitted_at, discharged_at,
           CASE WHEN $follow_all_sectors THEN 'all' ELSE sector END AS follow_group
    FROM int_stays
    WHERE urgency IN (1, 2, 3) AND NOT $exclude_planned_conditions
    UNION ALL
    SELECT s.stay_id, s.person_id, s.admitted_at, s.discharged_at,
           CASE WHEN $follow_all_sectors THEN 'all' ELSE s.sector END AS follow_group
    FROM int_stays AS s
    ANTI JOIN int_condition_codes AS k
           ON k.main_condition = s.main_condition AND k.excluded_as_readmission
    WHERE s.urgency IN (1, 2, 3) AND $exclude_planned_conditions
),
-- $link = 'first' ---------------------------------------------------------------
stays AS (
    SELECT
        stay_id,
        person_id,
        CASE WHEN $follow_all_sectors THEN 'all' ELSE sector END AS follow_group,
        CASE WHEN $window = 'days'
             THEN CAST(discharge_date + 1 AS TIMESTAMP)
             ELSE discharged_at + INTERVAL 1 MICROSECOND END AS follow_from
    FROM int_stays
    WHERE $link = 'first'
),
first_links AS (
    SELECT
        s.stay_id,
        a.admitted_at AS next_acute_admitted_at,
        a.stay_id     AS next_acute_stay_id
    FROM stays AS s
    ASOF JOIN candidates AS a
           ON a.person_id = s.person_id
          AND a.follow_group = s.follow_group
          AND a.admitted_at >= s.follow_from
),
-- $link = 'latest' --------------------------------------------------------------
events AS (
    -- index stays and candidates in one stream; a stay that is both comes as a
    -- candidate first, so it is never its own index stay
    SELECT person_id, admitted_at, discharged_at, stay_id,
           CASE WHEN $follow_all_sectors THEN 'all' ELSE sector END AS follow_group,
           1 AS is_index, discharge_date
    FROM int_index_stays
    WHERE $link = 'latest'
    UNION ALL
    SELECT person_id, admitted_at, discharged_at, stay_id, follow_group,
           0 AS is_index, NULL AS discharge_date
    FROM candidates
    WHERE $link = 'latest'
      -- only persons with an index stay can have a readmission (a small set when
      -- index stays are one group's)
      AND person_id IN (SELECT person_id FROM int_index_stays)
),
latest_index AS (
    SELECT
        stay_id       AS candidate_stay_id,
        admitted_at   AS candidate_admitted_at,
        discharged_at AS candidate_discharged_at,
        is_index,
        last_value(CASE WHEN is_index = 1
                        THEN {'stay_id': stay_id, 'discharged_at': discharged_at,
                              'discharge_date': discharge_date} END IGNORE NULLS)
            OVER (PARTITION BY person_id, follow_group
                  ORDER BY admitted_at, discharged_at, stay_id, is_index
                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS idx
    FROM events
),
latest_links AS (
    SELECT
        idx.stay_id AS stay_id,
        min(candidate_admitted_at) AS next_acute_admitted_at,
        arg_min(candidate_stay_id, {'admitted_at': candidate_admitted_at,
                                    'discharged_at': candidate_discharged_at,
                                    'stay_id': candidate_stay_id}) AS next_acute_stay_id
    FROM latest_index
    WHERE is_index = 0
      AND idx IS NOT NULL
      AND CASE WHEN $window = 'days'
               THEN date_diff('day', idx.discharge_date, CAST(candidate_admitted_at AS DATE))
                        BETWEEN 1 AND CAST($window_days AS INTEGER) - 1
               ELSE candidate_admitted_at > idx.discharged_at
                    AND candidate_admitted_at
                        <= idx.discharged_at + to_days(CAST($window_days AS INTEGER)) END
    GROUP BY idx.stay_id
)
SELECT stay_id, next_acute_admitted_at, next_acute_stay_id FROM first_links
UNION ALL
SELECT stay_id, next_acute_admitted_at, next_acute_stay_id FROM latest_links
