"""Frequent users (multibrukere) of AMK and legevakt.

A person is a frequent user of a service in a calendar year with 10 or more
contacts with it that year (by ``tidspunkt``); with ``rolling=True``, when
the 10th of 10 contacts within 365 days (the 10th at most 364 days after the
1st, in whole calendar days, as for heavy users in hospital) falls in that
year. A shared frequent user is frequent with both services the same year
(definitions.md, Frequent users). An extract without ``akuttkontakter``
rows raises :class:`readmit.errors.ReadmitError` with one line.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> callers = frequent_callers(r, threshold=2)
>>> callers.columns.tolist()
['year', 'service', 'n_persons', 'n_frequent', 'n_contacts', 'n_contacts_frequent', 'contact_share']
>>> sorted(set(callers.service))
['AMK', 'LV', 'both']
>>> ex.close()
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from readmit.frequent._common import require_contacts, whole_number, year_bounds, year_filter

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["frequent_callers", "frequent_caller_contacts", "frequent_caller_trend",
           "caller_years_sql", "CALLER_COUNTS", "CALLER_DERIVED"]

#: Count columns of :func:`frequent_callers`, and the share computed from them.
CALLER_COUNTS = ["n_persons", "n_frequent", "n_contacts", "n_contacts_frequent"]
#: (The frequent users' contacts are a sum over them: hidden with 1-4 frequent users.)
CALLER_DERIVED = {"n_contacts_frequent": ["n_frequent"],
                  "contact_share": ["n_contacts", "n_contacts_frequent", "n_frequent"]}


def caller_years_sql(*, rolling: bool) -> str:
    """The CTE ``caller_years``: one row per person, service and calendar year with
    a contact: ``n_contacts`` and ``frequent`` (boolean), for ``$threshold``
    contacts in the calendar year, or (``rolling``) within 365 days. Contacts
    without a ``tidspunkt`` belong to no year and are not counted."""
    if not rolling:
        return """caller_years AS MATERIALIZED (
            SELECT person_id, service, year(contacted_at) AS year,
                   count(*) AS n_contacts, count(*) >= $threshold AS frequent
            FROM stg_emergency_contacts
            WHERE contacted_at IS NOT NULL
            GROUP BY ALL
        )"""
    return """caller_years AS MATERIALIZED (
            SELECT person_id, service, year(contacted_at) AS year, count(*) AS n_contacts,
                   coalesce(bool_or(date_diff('day', CAST(earlier AS DATE),
                                              CAST(contacted_at AS DATE)) <= 364), false)
                       AS frequent
            FROM (
                SELECT person_id, service, contacted_at,
                       lag(contacted_at, $threshold - 1) OVER (
                           PARTITION BY person_id, service ORDER BY contacted_at, contact_id)
                           AS earlier
                FROM stg_emergency_contacts
                WHERE contacted_at IS NOT NULL
            )
            GROUP BY ALL
        )"""


def _bindings(rule: Readmissions, threshold: int) -> dict:
    return {**year_bounds(rule), "threshold": whole_number(threshold, "threshold")}


def frequent_callers(rule: Readmissions, *, threshold: int = 10,
                     rolling: bool = False) -> pd.DataFrame:
    """Frequent users per service and year, and shared between AMK and legevakt.

    Parameters
    ----------
    rule : readmit.Readmissions
        Its ``years`` select the rows (calendar years of ``tidspunkt``).
    threshold : int, default 10
        Contacts that make a frequent user.
    rolling : bool, default False
        Count the contacts in any 365 days instead of the calendar year.

    Returns
    -------
    pandas.DataFrame
        ``year``, ``service`` (``AMK``, ``LV``, and ``both``: persons in
        contact with both services that year, frequent with both),
        ``n_persons`` (with a contact), ``n_frequent``, ``n_contacts``,
        ``n_contacts_frequent`` (the frequent users' contacts) and
        ``contact_share``.

    Raises
    ------
    readmit.errors.ReadmitError
        When the extract has no ``akuttkontakter`` rows.
    """
    require_contacts(rule)
    frame = rule.frame(
        f"""WITH {caller_years_sql(rolling=rolling)},
            person_years AS (
                SELECT person_id, year,
                       bool_or(service = 'AMK') AND bool_or(service = 'LV')          AS has_both,
                       bool_or(frequent AND service = 'AMK')
                           AND bool_or(frequent AND service = 'LV')                  AS frequent_both,
                       sum(n_contacts)                                               AS n_contacts
                FROM caller_years GROUP BY ALL
            ),
            counted AS (
                SELECT year, service, count(*) AS n_persons,
                       count(*) FILTER (WHERE frequent) AS n_frequent,
                       sum(n_contacts) AS n_contacts,
                       coalesce(sum(n_contacts) FILTER (WHERE frequent), 0) AS n_contacts_frequent
                FROM caller_years GROUP BY ALL
                UNION ALL
                SELECT year, 'both', count(*) FILTER (WHERE has_both),
                       count(*) FILTER (WHERE frequent_both),
                       coalesce(sum(n_contacts) FILTER (WHERE has_both), 0),
                       coalesce(sum(n_contacts) FILTER (WHERE frequent_both), 0)
                FROM person_years GROUP BY year
            )
            SELECT year, service, n_persons, n_frequent, n_contacts, n_contacts_frequent,
                   n_contacts_frequent / nullif(n_contacts, 0) AS contact_share
            FROM counted
            WHERE {year_filter()}
            ORDER BY year, list_position(['AMK', 'LV', 'both'], service)""",
        _bindings(rule, threshold))
    for c in ["year", *CALLER_COUNTS]:
        frame[c] = frame[c].astype("int64")
    return frame


def frequent_caller_contacts(rule: Readmissions, *, threshold: int = 10,
                             rolling: bool = False) -> pd.DataFrame:
    """Frequent users' contacts by urgency (``hastegrad``) and outcome (``utfall``),
    beside everyone else's, per service.

    A contact is a frequent user's when its person is a frequent user of
    that service in the contact's calendar year.

    Parameters
    ----------
    rule, threshold, rolling
        As :func:`frequent_callers`.

    Returns
    -------
    pandas.DataFrame
        ``service``, ``group`` (``frequent`` or ``other``), ``variable``
        (``hastegrad`` or ``utfall``), ``category`` (the code; ``missing``
        for none), ``n_contacts`` and ``share`` (of the group's contacts
        with that service).

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     mix = frequent_caller_contacts(readmit.Readmissions(ex), threshold=2)
    >>> bool(mix.groupby(["service", "group", "variable"]).share.sum().round(9).eq(1).all())
    True
    """
    require_contacts(rule)
    frame = rule.frame(
        f"""WITH {caller_years_sql(rolling=rolling)},
            contacts AS (
                SELECT e.service, e.urgency, e.outcome,
                       CASE WHEN y.frequent THEN 'frequent' ELSE 'other' END AS "group"
                FROM stg_emergency_contacts AS e
                JOIN caller_years AS y
                  ON y.person_id = e.person_id AND y.service = e.service
                 AND y.year = year(e.contacted_at)
                WHERE {year_filter('y.year')}
            ),
            counted AS (
                SELECT service, "group", 'hastegrad' AS variable,
                       coalesce(urgency, 'missing') AS category, count(*) AS n_contacts
                FROM contacts GROUP BY ALL
                UNION ALL
                SELECT service, "group", 'utfall', coalesce(outcome, 'missing'), count(*)
                FROM contacts GROUP BY ALL
            )
            SELECT *, n_contacts / sum(n_contacts) OVER (PARTITION BY service, "group", variable)
                          AS share
            FROM counted
            ORDER BY service, "group", variable, category""",
        _bindings(rule, threshold))
    frame["n_contacts"] = frame["n_contacts"].astype("int64")
    return frame


def frequent_caller_trend(rule: Readmissions, *, threshold: int = 10,
                          rolling: bool = False) -> pd.DataFrame:
    """Contacts per month of frequent users and of everyone else, per service.

    Parameters
    ----------
    rule, threshold, rolling
        As :func:`frequent_callers` (frequent in the contact's calendar year).

    Returns
    -------
    pandas.DataFrame
        ``month`` (its first day), ``service``, ``group`` (``frequent`` or
        ``other``), ``n_contacts`` and ``n_persons`` (persons with a contact
        that month).

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     trend = frequent_caller_trend(readmit.Readmissions(ex), threshold=2)
    >>> trend.columns.tolist()
    ['month', 'service', 'group', 'n_contacts', 'n_persons']
    """
    require_contacts(rule)
    frame = rule.frame(
        f"""WITH {caller_years_sql(rolling=rolling)}
            SELECT CAST(date_trunc('month', e.contacted_at) AS DATE) AS month, e.service,
                   CASE WHEN y.frequent THEN 'frequent' ELSE 'other' END AS "group",
                   CAST(count(*) AS BIGINT) AS n_contacts,
                   CAST(count(DISTINCT e.person_id) AS BIGINT) AS n_persons
            FROM stg_emergency_contacts AS e
            JOIN caller_years AS y
              ON y.person_id = e.person_id AND y.service = e.service
             AND y.year = year(e.contacted_at)
            WHERE {year_filter('y.year')}
            GROUP BY ALL
            ORDER BY month, e.service, "group" """,
        _bindings(rule, threshold))
    frame["month"] = pd.to_datetime(frame["month"])
    return frame
