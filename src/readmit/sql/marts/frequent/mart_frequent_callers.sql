-- mart_frequent_callers
-- Grain: one row per person and calendar year (of tidspunkt) with at least
-- one AMK or legevakt contact: contacts per service, and whether the person
-- is a frequent user (multibruker, definitions.md: >= $frequent_contacts
-- contacts in the calendar year) of AMK, of legevakt, and of both the same
-- year (shared frequent user). The threshold is the definition's (10);
-- readmit.frequent.frequent_callers takes another threshold, or a rolling
-- 12 months, in its own query.
SELECT
    person_id,
    year(contacted_at)                                      AS year,
    CAST(count(*) FILTER (WHERE service = 'AMK') AS BIGINT) AS n_amk,
    CAST(count(*) FILTER (WHERE service = 'LV') AS BIGINT)  AS n_lv,
    CAST(count(*) FILTER (WHERE service = 'AMK') >= $frequent_contacts AS INTEGER) AS frequent_amk,
    CAST(count(*) FILTER (WHERE service = 'LV') >= $frequent_contacts AS INTEGER)  AS frequent_lv,
    CAST(count(*) FILTER (WHERE service = 'AMK') >= $frequent_contacts
         AND count(*) FILTER (WHERE service = 'LV') >= $frequent_contacts AS INTEGER)
                                                            AS frequent_both
FROM stg_emergency_contacts
GROUP BY ALL
