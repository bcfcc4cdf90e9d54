-- stg_persons
-- Grain: one row per person (kept rows of `pasienter`, lopenr unique).
SELECT
    lopenr     AS person_id,
    fodselsar  AS birth_year,
    kjonn      AS sex,
    komnr      AS municipality,
    doddato    AS death_date
FROM pasienter
