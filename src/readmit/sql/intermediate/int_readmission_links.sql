-- int_readmission_links
-- Grain: one row per stay, with the first LATER acute stay (innmateHast 1, 2
-- or 3) of the same person in the same sector, or in any sector when
-- $follow_all_sectors is true. Stays of a person never overlap (they are
-- merged runs), so "later in admission order" means "admitted after this
-- stay's discharge". Planned (4) and returned (5) stays are never candidates.
WITH candidates AS (
    SELECT
        person_id,
        stay_seq,
        admitted_at,
        CASE WHEN $follow_all_sectors THEN 'all' ELSE sector END AS follow_group,
        CASE WHEN urgency IN (1, 2, 3) THEN admitted_at END      AS acute_admitted_at,
        CASE WHEN urgency IN (1, 2, 3) THEN stay_seq END         AS acute_stay_seq
    FROM int_stays
)
SELECT
    person_id,
    stay_seq,
    first_value(acute_admitted_at IGNORE NULLS) OVER later AS next_acute_admitted_at,
    first_value(acute_stay_seq IGNORE NULLS) OVER later    AS next_acute_stay_seq
FROM candidates
WINDOW later AS (
    PARTITION BY person_id, follow_group
    ORDER BY admitted_at
    ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
)
