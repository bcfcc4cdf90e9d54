"""One row per frequent user - in hospital, at AMK or at legevakt - for the
analyst's own use inside the secure server (``readmit frequent-users``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from readmit.frequent._common import whole_number, year_bounds, year_filter
from readmit.frequent.emergency import caller_years_sql

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["frequent_users", "FREQUENT_USER_COLUMNS"]

#: The columns of :func:`frequent_users` and ``readmit frequent-users``.
FREQUENT_USER_COLUMNS = [
    "lopenr", "heavy_user", "frequent_amk", "frequent_lv", "shared_frequent",
    "years_heavy", "years_frequent_amk", "years_frequent_lv", "years_shared",
    "n_stays", "n_acute_stays", "bed_days", "ukp_days", "n_amk_contacts", "n_lv_contacts",
    "care_plan_start",
]


def frequent_users(rule: Readmissions, *, threshold: int = 10,
                   rolling: bool = False) -> pd.DataFrame:
    """One row per person who was a frequent user in the rule's years (person-level:
    it stays inside the secure server, never in a report).

    A frequent user is a heavy user in hospital (4 or more acute stays within
    365 days), or a frequent user of AMK or of legevakt (``threshold``
    contacts in a calendar year, or in 365 days with ``rolling``), in at
    least one year. An extract without ``akuttkontakter`` rows gives the
    heavy users only (every AMK and legevakt count 0).

    Parameters
    ----------
    rule : readmit.Readmissions
        Its ``years`` select the years counted (default all).
    threshold, rolling
        As :func:`readmit.frequent.frequent_callers`.

    Returns
    -------
    pandas.DataFrame
        :data:`FREQUENT_USER_COLUMNS`: flags (bool) ``heavy_user``,
        ``frequent_amk``, ``frequent_lv``, ``shared_frequent`` (frequent
        with both services the same year); the number of years of each
        (``years_*``); the person's stays, acute stays, bed days and
        ready-for-discharge days (stays discharged in the years), AMK and
        legevakt contacts in the years, and the start of the first care plan.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> users = frequent_users(readmit.Readmissions(ex), threshold=2)
    >>> users.columns.tolist() == FREQUENT_USER_COLUMNS
    True
    >>> ex.close()
    """
    threshold = whole_number(threshold, "threshold")
    frame = rule.frame(
        f"""WITH {caller_years_sql(rolling=rolling)},
            callers AS (
                SELECT person_id,
                       count(*) FILTER (WHERE service = 'AMK' AND frequent) AS years_frequent_amk,
                       count(*) FILTER (WHERE service = 'LV' AND frequent)  AS years_frequent_lv,
                       coalesce(sum(n_contacts) FILTER (WHERE service = 'AMK'), 0)
                           AS n_amk_contacts,
                       coalesce(sum(n_contacts) FILTER (WHERE service = 'LV'), 0)
                           AS n_lv_contacts
                FROM caller_years WHERE {year_filter()}
                GROUP BY person_id
            ),
            shared AS (
                SELECT person_id, count(*) AS years_shared
                FROM (SELECT person_id, year FROM caller_years
                      WHERE frequent AND {year_filter()}
                      GROUP BY ALL HAVING count(DISTINCT service) = 2)
                GROUP BY person_id
            ),
            heavy AS (
                SELECT person_id, count(*) AS years_heavy
                FROM mart_heavy_user_years WHERE {year_filter()}
                GROUP BY person_id
            ),
            who AS (
                SELECT person_id FROM heavy
                UNION
                SELECT person_id FROM callers
                WHERE years_frequent_amk > 0 OR years_frequent_lv > 0
            ),
            stays AS (
                SELECT person_id, count(*) AS n_stays,
                       count(*) FILTER (WHERE urgency IN (1, 2, 3)) AS n_acute_stays,
                       sum(los_days) AS bed_days, coalesce(sum(ukp_days), 0) AS ukp_days
                FROM int_stays
                WHERE {year_filter('year(discharge_date)')}
                  AND person_id IN (SELECT person_id FROM who)
                GROUP BY person_id
            ),
            plans AS (
                SELECT person_id, min(start_date) AS care_plan_start
                FROM stg_care_plans GROUP BY person_id
            )
            SELECT w.person_id                                   AS lopenr,
                   coalesce(h.years_heavy, 0) > 0                AS heavy_user,
                   coalesce(c.years_frequent_amk, 0) > 0         AS frequent_amk,
                   coalesce(c.years_frequent_lv, 0) > 0          AS frequent_lv,
                   coalesce(s.years_shared, 0) > 0               AS shared_frequent,
                   coalesce(h.years_heavy, 0)                    AS years_heavy,
                   coalesce(c.years_frequent_amk, 0)             AS years_frequent_amk,
                   coalesce(c.years_frequent_lv, 0)              AS years_frequent_lv,
                   coalesce(s.years_shared, 0)                   AS years_shared,
                   coalesce(t.n_stays, 0)                        AS n_stays,
                   coalesce(t.n_acute_stays, 0)                  AS n_acute_stays,
                   coalesce(t.bed_days, 0)                       AS bed_days,
                   coalesce(t.ukp_days, 0)                       AS ukp_days,
                   coalesce(c.n_amk_contacts, 0)                 AS n_amk_contacts,
                   coalesce(c.n_lv_contacts, 0)                  AS n_lv_contacts,
                   p.care_plan_start
            FROM who AS w
            LEFT JOIN heavy AS h USING (person_id)
            LEFT JOIN callers AS c USING (person_id)
            LEFT JOIN shared AS s USING (person_id)
            LEFT JOIN stays AS t USING (person_id)
            LEFT JOIN plans AS p USING (person_id)
            ORDER BY w.person_id""",
        {**year_bounds(rule), "threshold": threshold})
    for c in FREQUENT_USER_COLUMNS[5:-1]:
        frame[c] = frame[c].astype("int64")
    for c in FREQUENT_USER_COLUMNS[1:5]:
        frame[c] = frame[c].astype(bool)
    return frame[FREQUENT_USER_COLUMNS]
