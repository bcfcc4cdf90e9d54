-- mart_heavy_user_years
-- Grain: one row per person and calendar year in which the person met the
-- hospital heavy-user definition (stormottaker, definitions.md): an acute
-- stay (innmateHast 1, 2 or 3) admitted that year was the fourth (or later)
-- of 4 acute stays whose admissions fall within 365 days, i.e. its admission
-- date is at most 364 days after that of the acute stay three before it
-- (whole calendar days; day 364 counts, day 365 does not). If any 4 acute
-- admissions lie within 365 days, 4 consecutive ones do, so comparing each
-- with the third before it is enough. qualified_on is the first such
-- admission of the year; n_qualifying the number of them.
WITH acute AS (
    SELECT
        person_id,
        admission_date,
        lag(admission_date, 3) OVER (PARTITION BY person_id ORDER BY admitted_at, stay_id)
            AS third_before
    FROM int_stays
    WHERE urgency IN (1, 2, 3)
)
SELECT
    person_id,
    year(admission_date)              AS year,
    min(admission_date)               AS qualified_on,
    CAST(count(*) AS BIGINT)          AS n_qualifying
FROM acute
WHERE date_diff('day', third_before, admission_date) <= 364
GROUP BY ALL
