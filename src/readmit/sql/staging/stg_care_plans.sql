-- stg_care_plans
-- Grain: one row per individual care plan (kept rows of `handlingsplaner`).
SELECT
    lopenr     AS person_id,
    startdato  AS start_date,
    tjeneste   AS service
FROM handlingsplaner
