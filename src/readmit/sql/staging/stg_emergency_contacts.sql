-- stg_emergency_contacts
-- Grain: one row per contact with AMK or legevakt (kept rows of `akuttkontakter`).
SELECT
    lopenr       AS person_id,
    kontakt_id   AS contact_id,
    tjeneste     AS service,
    tidspunkt    AS contacted_at,
    hastegrad    AS urgency,
    utfall       AS outcome
FROM akuttkontakter
