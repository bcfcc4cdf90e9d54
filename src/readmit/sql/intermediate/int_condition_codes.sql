-- int_condition_codes
-- Grain: one row per distinct main condition of a stay (int_stays.main_condition:
-- upper case, no dot), with its ICD-10 chapter, its group of the elderly
-- indicator (ref_elderly_groups, NULL outside the 11 groups) and whether it is on
-- the list that keeps an acute stay from counting as a readmission when
-- $exclude_planned_conditions is on (ref_readmission_exclusions).
-- A code matches a reference row when its first length(first) characters lie
-- between first and last, as SAS's substr(code, 1, n) in (...) does: J441 and
-- J44 match J40-J47, N300 matches N300-N303 but the 3-character N30 does not.
-- Chapters are ranges of 3-character categories. Neither the groups nor the
-- chapters overlap (tests/test_elderly_groups.py checks the groups).
-- Materialized: table (small: one row per code).
WITH codes AS (
    SELECT DISTINCT main_condition
    FROM int_stays
    WHERE main_condition IS NOT NULL
)
SELECT
    c.main_condition,
    ch.chapter,
    g."group" AS elderly_group,
    EXISTS (
        SELECT 1
        FROM ref_readmission_exclusions AS x
        WHERE length(c.main_condition) >= length(x.first)
          AND left(c.main_condition, length(x.first)) BETWEEN x.first AND x.last
    ) AS excluded_as_readmission
FROM codes AS c
LEFT JOIN ref_icd10_chapters AS ch
       ON left(c.main_condition, 3) BETWEEN ch.first AND ch.last
LEFT JOIN ref_elderly_groups AS g
       ON length(c.main_condition) >= length(g.first)
      AND left(c.main_condition, length(g.first)) BETWEEN g.first AND g.last
