-- int_stay_prior_acute
-- Grain: one row per stay of int_stays (key stay_id): the person's acute
-- stays (int_stays with urgency 1, 2 or 3, any sector) admitted before this
-- stay's admission (admitted_at, strictly) and on or after
--   n_365  the day 365 days before its admission date
--   n_6m   the day 6 calendar months before its admission date
-- (admitted 2019-06-01 10:00: from 2018-06-01 / 2018-12-01 on, up to
-- 2019-06-01 09:59). Read by mart_comparison_design.
-- Materialized: table (narrow).
--
-- How: two window passes over the person's stays instead of a join on
-- person and date range (which ran out of a 4 GB limit at 10^8 episodes):
-- the acute stays admitted from the lower bound's day up to and including
-- the admission date (a RANGE frame over admission_date), less those of the
-- same admission date admitted at or after this stay's admission (the stay
-- itself among them when it is acute).
WITH flagged AS (
    SELECT stay_id, person_id, admission_date, admitted_at,
           CAST(coalesce(urgency IN (1, 2, 3), false) AS INTEGER) AS acute
    FROM int_stays
),
counted AS (
    SELECT
        stay_id,
        sum(acute) OVER (PARTITION BY person_id ORDER BY admission_date
                         RANGE BETWEEN INTERVAL 365 DAY PRECEDING AND CURRENT ROW) AS to_day_365,
        sum(acute) OVER (PARTITION BY person_id ORDER BY admission_date
                         RANGE BETWEEN INTERVAL 6 MONTH PRECEDING AND CURRENT ROW) AS to_day_6m,
        -- the same admission date, admitted at or after this stay's admission
        sum(acute) OVER (PARTITION BY person_id, admission_date ORDER BY admitted_at
                         RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)      AS same_day_later
    FROM flagged
)
SELECT
    stay_id,
    CAST(to_day_365 - same_day_later AS INTEGER) AS n_365,
    CAST(to_day_6m - same_day_later AS INTEGER)  AS n_6m
FROM counted
