-- int_stay_comorbidity
-- Grain: one row per stay of int_stays (key stay_id, with person_id): the
-- 17 Charlson conditions found in the stay's lookback (flags, named as in
-- reference/charlson_icd10.csv), the Charlson index and the Elixhauser
-- count (the 31 conditions of reference/elixhauser_icd10.csv). Both code
-- tables are Quan et al. 2005's WHO ICD-10 coding.
-- Materialized: table (narrow; join it on stay_id).
--
-- Lookback, as SKDE's makroer/CoMorbIndex.sas (SKDE-Analyse/sas_codes):
-- the main and secondary conditions of the person's episodes of every
-- kind (inpatient, day, outpatient; any sector) admitted from
-- $comorbidity_lookback_days days before the stay's admission date to the
-- day before it. Episodes admitted on the admission day itself, the stay's
-- first episode included, do not count (the macro zeroes them). With
-- $comorbidity_index_stay the conditions of the stay's own episodes (the
-- inpatient episodes admitted from its admission to its discharge) are
-- added. A diagnosis has a condition when its normalised code starts with
-- one of the condition's prefixes (3 or 4 characters). Unlike the macro,
-- whose `group by pid` gives every index stay of a person the union of all
-- that person's lookbacks, each stay has its own; and the macro's four
-- code-list slips are not copied (reference/charlson_icd10.csv header).
-- With $comorbidity_hierarchy a condition is not counted when the
-- condition in its superseded_by column is present (Charlson: mild by
-- severe liver disease, diabetes without by with complications,
-- malignancy by metastatic solid tumour; Elixhauser: uncomplicated by
-- complicated hypertension and diabetes, solid tumour by metastatic
-- cancer). The flags are the conditions counted, so charlson_index is the
-- sum of the flagged conditions' weights: $charlson_weights 'charlson'
-- (Charlson 1987, as SKDE uses them) or 'quan2011'. elixhauser_count is the
-- number of Elixhauser conditions counted.
--
-- How: each condition is one bit (its number - 1) of a Charlson and of an
-- Elixhauser bit mask. The distinct condition values of the extract are
-- normalised and looked up once; the masks are ORed per person and
-- admission date, and each stay ORs the masks of the dates in its lookback
-- (a join on person and date range; its own episodes, with
-- $comorbidity_index_stay, in a second join). The few distinct masks found
-- are then scored once each.
WITH code_bits AS (
    -- each code prefix, with the bits of the conditions it belongs to
    SELECT code, bit_or(charlson_bit) AS charlson_bits, bit_or(elixhauser_bit) AS elixhauser_bits
    FROM (
        SELECT code, CAST(1 AS BIGINT) << (number - 1) AS charlson_bit,
               CAST(0 AS BIGINT) AS elixhauser_bit
        FROM ref_charlson_icd10
        UNION ALL
        SELECT code, CAST(0 AS BIGINT), CAST(1 AS BIGINT) << (number - 1)
        FROM ref_elixhauser_icd10
    )
    GROUP BY code
),
value_bits AS (
    -- each distinct condition value as written, normalised as
    -- int_episode_conditions.code, with the bits of its 3- and
    -- 4-character prefixes (values without a comorbidity have no row)
    SELECT v.tilstand, bit_or(b.charlson_bits) AS charlson_bits,
           bit_or(b.elixhauser_bits) AS elixhauser_bits
    FROM (
        SELECT tilstand, unnest([left(code, 3), left(code, 4)]) AS prefix
        FROM (
            SELECT tilstand, upper(replace(trim(tilstand), '.', '')) AS code
            FROM (SELECT DISTINCT tilstand FROM int_episode_conditions)
        )
    ) AS v
    JOIN code_bits AS b ON b.code = v.prefix
    GROUP BY v.tilstand
),
matched AS (
    -- every condition cell with a comorbidity
    SELECT c.person_id, c.care_level, c.admission_date, c.admitted_at,
           v.charlson_bits, v.elixhauser_bits
    FROM int_episode_conditions AS c
    JOIN value_bits AS v ON v.tilstand = c.tilstand
),
matched_days AS (
    -- the masks of each person's cells, one row per admission date (the
    -- lookback only asks for dates; 121 M cells are 48 M person-days at
    -- 10^8 episodes, a hash table small enough for a 4 GB limit)
    SELECT person_id, admission_date,
           bit_or(charlson_bits) AS charlson_bits, bit_or(elixhauser_bits) AS elixhauser_bits
    FROM matched
    GROUP BY person_id, admission_date
),
lookback AS (
    -- every stay: the conditions of the cells in its lookback
    SELECT s.stay_id, s.person_id,
           coalesce(bit_or(m.charlson_bits), 0)   AS charlson_found,
           coalesce(bit_or(m.elixhauser_bits), 0) AS elixhauser_found
    FROM int_stays AS s
    LEFT JOIN matched_days AS m
           ON m.person_id = s.person_id
          AND m.admission_date >= s.admission_date - CAST($comorbidity_lookback_days AS INTEGER)
          AND m.admission_date < s.admission_date
    GROUP BY s.stay_id, s.person_id
),
own AS (
    -- with $comorbidity_index_stay: the conditions of each stay's own
    -- inpatient episodes (admitted from its admission to its discharge);
    -- otherwise no rows
    SELECT s.stay_id,
           bit_or(m.charlson_bits) AS charlson_found, bit_or(m.elixhauser_bits) AS elixhauser_found
    FROM int_stays AS s
    JOIN matched AS m
      ON m.person_id = s.person_id
     AND m.care_level = 1
     AND m.admitted_at BETWEEN s.admitted_at AND s.discharged_at
    WHERE $comorbidity_index_stay
    GROUP BY s.stay_id
),
found AS MATERIALIZED (
    SELECT l.stay_id, l.person_id,
           l.charlson_found | coalesce(o.charlson_found, 0)     AS charlson_found,
           l.elixhauser_found | coalesce(o.elixhauser_found, 0) AS elixhauser_found
    FROM lookback AS l
    LEFT JOIN own AS o ON o.stay_id = l.stay_id
),
charlson_conditions AS (
    SELECT DISTINCT number, condition, superseded_by,
           CASE $charlson_weights
               WHEN 'charlson' THEN weight_charlson
               WHEN 'quan2011' THEN weight_quan2011
               ELSE error('charlson_weights must be ''charlson'' or ''quan2011''')
           END AS weight
    FROM ref_charlson_icd10
),
charlson_scored AS (
    -- each distinct Charlson mask found: the conditions counted and their weights
    SELECT m.charlson_found,
           bit_or(CAST(1 AS BIGINT) << (c.number - 1)) AS counted,
           sum(c.weight)                                AS charlson_index
    FROM (SELECT DISTINCT charlson_found FROM found) AS m
    JOIN charlson_conditions AS c ON (m.charlson_found >> (c.number - 1)) & 1 = 1
    LEFT JOIN charlson_conditions AS sup ON sup.condition = c.superseded_by
    WHERE NOT ($comorbidity_hierarchy
               AND coalesce((m.charlson_found >> (sup.number - 1)) & 1 = 1, false))
    GROUP BY m.charlson_found
),
elixhauser_conditions AS (
    SELECT DISTINCT number, condition, superseded_by FROM ref_elixhauser_icd10
),
elixhauser_scored AS (
    -- each distinct Elixhauser mask found: the number of conditions counted
    SELECT m.elixhauser_found, count(*) AS elixhauser_count
    FROM (SELECT DISTINCT elixhauser_found FROM found) AS m
    JOIN elixhauser_conditions AS c ON (m.elixhauser_found >> (c.number - 1)) & 1 = 1
    LEFT JOIN elixhauser_conditions AS sup ON sup.condition = c.superseded_by
    WHERE NOT ($comorbidity_hierarchy
               AND coalesce((m.elixhauser_found >> (sup.number - 1)) & 1 = 1, false))
    GROUP BY m.elixhauser_found
),
scored AS (
    SELECT f.stay_id, f.person_id,
           CAST(coalesce(cs.charlson_index, 0) AS INTEGER)   AS charlson_index,
           CAST(coalesce(es.elixhauser_count, 0) AS INTEGER) AS elixhauser_count,
           coalesce(cs.counted, 0)                           AS counted
    FROM found AS f
    LEFT JOIN charlson_scored AS cs ON cs.charlson_found = f.charlson_found
    LEFT JOIN elixhauser_scored AS es ON es.elixhauser_found = f.elixhauser_found
)
SELECT
    stay_id,
    person_id,
    charlson_index,
    elixhauser_count,
    -- condition number n is bit n - 1 (reference/charlson_icd10.csv)
    (counted >> 0) & 1 = 1  AS myocardial_infarction,
    (counted >> 1) & 1 = 1  AS congestive_heart_failure,
    (counted >> 2) & 1 = 1  AS peripheral_vascular_disease,
    (counted >> 3) & 1 = 1  AS cerebrovascular_disease,
    (counted >> 4) & 1 = 1  AS dementia,
    (counted >> 5) & 1 = 1  AS chronic_pulmonary_disease,
    (counted >> 6) & 1 = 1  AS rheumatic_disease,
    (counted >> 7) & 1 = 1  AS peptic_ulcer_disease,
    (counted >> 8) & 1 = 1  AS mild_liver_disease,
    (counted >> 9) & 1 = 1  AS diabetes_without_complications,
    (counted >> 10) & 1 = 1 AS diabetes_with_complications,
    (counted >> 11) & 1 = 1 AS hemiplegia_paraplegia,
    (counted >> 12) & 1 = 1 AS renal_disease,
    (counted >> 13) & 1 = 1 AS malignancy,
    (counted >> 14) & 1 = 1 AS severe_liver_disease,
    (counted >> 15) & 1 = 1 AS metastatic_solid_tumour,
    (counted >> 16) & 1 = 1 AS aids_hiv
FROM scored
