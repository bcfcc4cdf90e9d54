-- mart_frequent_callers
-- Grain: one row per person and calendar year with at least one AMK or
-- legevakt contact: contacts per service, and whether the person is a
-- frequent user (multibruker: >= $frequent_contacts contacts) of AMK, of
-- legevakt, and of both (shared frequent user).
SELECT
    person_id,
    year(contacted_at)                                   AS year,
    CAST(count(*) FILTER (WHERE service = 'AMK') AS BIGINT) AS n_amk,
    CAST(count(*) FILTER (WHERE service = 'LV') AS BIGINT)  AS n_lv,
    CAST(count(*) FILTER (WHERE service = 'AMK') >= $frequent_contacts AS INTEGER) AS frequent_amk,
    CAST(count(*) FILTER (WHERE service = 'LV') >= $frequent_contacts AS INTEGER)  AS frequent_lv,
    CAST(count(*) FILTER (WHERE service = 'AMK') >= $frequent_contacts
         AND count(*) FILTER (WHERE service = 'LV') >= $frequent_contacts AS INTEGER)
                                                         AS frequent_both
FROM stg_emergency_contacts
GROUP BY ALL
