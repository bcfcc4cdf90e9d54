-- mart_stay_icd_chapters
-- Grain: one row per stay (stay_id) with at least one condition code in an
-- ICD-10 chapter: n_icd_chapters, the number of distinct ICD-10 chapters
-- (ref_icd10_chapters, by the code's first three characters, upper case,
-- dots removed) among the conditions of the stay's episodes: the main
-- condition tilstand_1_1 and the secondary tilstand_2_1 ... tilstand_2_N,
-- however many columns the file has. Stays without such a code have no row.
-- Materialized: table (narrow). The interim comorbidity score of the
-- six-month mortality cohort until the Charlson index exists; the cohort
-- reads it on one line (mart_survival_cohort).
-- Each chapter is one bit of a BIGINT, so a stay's chapters are the bit_or of
-- its codes' bits and their number its bit_count (no DISTINCT per stay).
WITH codes AS (
    -- one row per inpatient episode and condition code (UNPIVOT drops missing codes)
    UNPIVOT (SELECT episode_lnr, COLUMNS('^tilstand_') FROM episoder WHERE omsorgsniva = 1)
    ON COLUMNS('^tilstand_') INTO NAME position VALUE code
),
chapter_bits AS (
    SELECT first, last,
           CAST(1 AS BIGINT) << CAST(row_number() OVER (ORDER BY first) - 1 AS INTEGER) AS bit
    FROM ref_icd10_chapters
),
code_bits AS (
    -- each distinct code as written, with its chapter's bit
    SELECT d.code, c.bit
    FROM (SELECT DISTINCT code FROM codes) AS d
    JOIN chapter_bits AS c
      ON left(upper(replace(trim(d.code), '.', '')), 3) BETWEEN c.first AND c.last
)
SELECT
    e.stay_id,
    CAST(bit_count(bit_or(b.bit)) AS INTEGER) AS n_icd_chapters
FROM codes AS k
JOIN code_bits AS b ON b.code = k.code
JOIN int_stay_episodes AS e ON e.episode_id = k.episode_lnr
GROUP BY e.stay_id
