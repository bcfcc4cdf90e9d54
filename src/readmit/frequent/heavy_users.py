"""Heavy users in hospital (stormottakere): who they are and what they use.

A person is a heavy user in a calendar year when an acute stay admitted that
year is the fourth of 4 or more acute stays (``innmateHast`` 1-3) whose
admissions fall within 365 days: the fourth at most 364 days after the first
(definitions.md, Frequent users; SQL ``mart_heavy_user_years``).

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> shares = heavy_user_shares(r)
>>> shares.columns.tolist()[:3]
['year', 'n_persons', 'n_heavy_users']
>>> persons = heavy_user_persons(r)
>>> int(persons.heavy_user.sum()) <= len(persons)
True
>>> ex.close()
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pandas as pd

from readmit.figures import check_lang, pick
from readmit.errors import ReadmitError
from readmit.frequent._common import whole_number, year_bounds, year_filter
from readmit.privacy import THRESHOLD

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["heavy_user_shares", "heavy_user_persons", "heavy_user_table_one",
           "HEAVY_USER_COUNTS", "HEAVY_USER_DERIVED"]

#: Count columns of :func:`heavy_user_shares` and the shares computed from them.
HEAVY_USER_COUNTS = ["n_persons", "n_heavy_users", "n_stays", "n_stays_heavy", "bed_days",
                     "bed_days_heavy", "ukp_days", "ukp_days_heavy", "n_readmissions",
                     "n_readmissions_heavy"]
#: (The heavy users' stays, days and readmissions are sums over the heavy users,
#: so they are hidden with a count of heavy users from 1 to 4.)
HEAVY_USER_DERIVED = {
    "n_stays_heavy": ["n_heavy_users"],
    "bed_days_heavy": ["n_heavy_users"],
    "ukp_days_heavy": ["n_heavy_users"],
    "n_readmissions_heavy": ["n_heavy_users"],
    "bed_days_share": ["bed_days", "bed_days_heavy", "n_heavy_users"],
    "ukp_days_share": ["ukp_days", "ukp_days_heavy", "n_heavy_users"],
    "readmissions_share": ["n_readmissions", "n_readmissions_heavy", "n_heavy_users"],
}


def heavy_user_shares(rule: Readmissions) -> pd.DataFrame:
    """Heavy users' share of bed days, ready-for-discharge days and readmissions, by year.

    A stay counts under its discharge year, and as a heavy user's when its
    person is a heavy user that year. Bed days and ready-for-discharge days
    are those of every stay (``los_days``, ``ukp_days``); readmissions are
    the stays that are the first readmission of an eligible index stay under
    the rule (its window, filters and years), as in :meth:`Readmissions.burden`.

    Parameters
    ----------
    rule : readmit.Readmissions
        Its ``years`` select the rows.

    Returns
    -------
    pandas.DataFrame
        ``year``; ``n_persons`` (with a stay discharged that year),
        ``n_heavy_users`` (heavy users that year); ``n_stays`` and
        ``n_stays_heavy``; ``bed_days``, ``bed_days_heavy``,
        ``bed_days_share``; ``ukp_days``, ``ukp_days_heavy``,
        ``ukp_days_share``; ``n_readmissions``, ``n_readmissions_heavy``,
        ``readmissions_share``.

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     shares = heavy_user_shares(readmit.Readmissions(ex))
    >>> shares[["year", "n_heavy_users", "bed_days", "bed_days_heavy"]]
       year  n_heavy_users  bed_days  bed_days_heavy
    0  2017              2       392              51
    1  2018              2       649               8
    2  2019              2       182              14
    """
    frame = rule.frame(
        f"""WITH stays AS (
                SELECT year(s.discharge_date) AS year, s.person_id, s.los_days,
                       coalesce(s.ukp_days, 0) AS ukp_days, h.person_id IS NOT NULL AS heavy
                FROM int_stays AS s
                LEFT JOIN mart_heavy_user_years AS h
                       ON h.person_id = s.person_id AND h.year = year(s.discharge_date)
            ),
            by_year AS (
                SELECT year,
                       count(DISTINCT person_id)                        AS n_persons,
                       count(*)                                         AS n_stays,
                       count(*) FILTER (WHERE heavy)                    AS n_stays_heavy,
                       sum(los_days)                                    AS bed_days,
                       coalesce(sum(los_days) FILTER (WHERE heavy), 0)  AS bed_days_heavy,
                       sum(ukp_days)                                    AS ukp_days,
                       coalesce(sum(ukp_days) FILTER (WHERE heavy), 0)  AS ukp_days_heavy
                FROM stays GROUP BY year
            ),
            heavy AS (SELECT year, count(*) AS n_heavy_users FROM mart_heavy_user_years GROUP BY year),
            readmissions AS (
                SELECT r.year, count(*) AS n_readmissions,
                       count(h.person_id) AS n_readmissions_heavy
                FROM mart_readmission_stays AS r
                LEFT JOIN mart_heavy_user_years AS h
                       ON h.person_id = r.person_id AND h.year = r.year
                GROUP BY r.year
            )
            SELECT y.year, y.n_persons, coalesce(h.n_heavy_users, 0) AS n_heavy_users,
                   y.n_stays, y.n_stays_heavy,
                   y.bed_days, y.bed_days_heavy, y.bed_days_heavy / nullif(y.bed_days, 0)
                       AS bed_days_share,
                   y.ukp_days, y.ukp_days_heavy, y.ukp_days_heavy / nullif(y.ukp_days, 0)
                       AS ukp_days_share,
                   coalesce(d.n_readmissions, 0) AS n_readmissions,
                   coalesce(d.n_readmissions_heavy, 0) AS n_readmissions_heavy,
                   d.n_readmissions_heavy / nullif(d.n_readmissions, 0) AS readmissions_share
            FROM by_year AS y
            LEFT JOIN heavy AS h USING (year)
            LEFT JOIN readmissions AS d USING (year)
            WHERE {year_filter('y.year')}
            ORDER BY y.year""", year_bounds(rule))
    for c in ["year", *HEAVY_USER_COUNTS]:
        frame[c] = frame[c].astype("int64")
    return frame


def heavy_user_persons(rule: Readmissions, *, year: int | None = None) -> pd.DataFrame:
    """One row per person with a stay discharged in the years (person-level: keep
    it inside the secure server): whether a heavy user, and what a Table 1 shows.

    Parameters
    ----------
    rule : readmit.Readmissions
    year : int, optional
        Only this discharge year (default: the rule's years).

    Returns
    -------
    pandas.DataFrame
        ``lopenr``, ``heavy_user`` (bool: a heavy user in any of the years),
        ``age`` (at the first stay), ``sex`` (``male``/``female``/``unknown``),
        ``somatic``, ``vop``, ``tsb`` (bool: had a stay in the sector),
        ``n_stays``, ``n_acute_stays``, ``mean_los_days``, ``ukp_days``
        (ready-for-discharge days, summed), ``comorbidity`` and ``died``
        (bool: a death date on or before the rule's end of data).

    Notes
    -----
    ``comorbidity`` is the person's highest Charlson index over the same
    stays (``int_stay_comorbidity``: SKDE's CoMorbIndex.sas choices; see
    :mod:`readmit.comorbidity`).
    """
    frame = rule.frame(
        f"""WITH stays AS (
                SELECT s.*, year(s.discharge_date) AS year
                FROM int_stays AS s
            ),
            heavy AS (
                SELECT DISTINCT person_id FROM mart_heavy_user_years WHERE {year_filter()}
            )
            SELECT
                s.person_id                                              AS lopenr,
                h.person_id IS NOT NULL                                  AS heavy_user,
                arg_min(s.age, s.admitted_at)                            AS age,
                CASE arg_min(s.sex, s.admitted_at) WHEN 1 THEN 'male' WHEN 2 THEN 'female'
                     ELSE 'unknown' END                                  AS sex,
                bool_or(s.sector = 'somatic')                            AS somatic,
                bool_or(s.sector = 'vop')                                AS vop,
                bool_or(s.sector = 'tsb')                                AS tsb,
                count(*)                                                 AS n_stays,
                count(*) FILTER (WHERE s.urgency IN (1, 2, 3))           AS n_acute_stays,
                avg(s.los_days)                                          AS mean_los_days,
                coalesce(sum(s.ukp_days), 0)                             AS ukp_days,
                coalesce(max(c.charlson_index), 0)                       AS comorbidity,
                coalesce(any_value(p.death_date) <= CAST($end_date AS DATE), false) AS died
            FROM stays AS s
            LEFT JOIN heavy AS h ON h.person_id = s.person_id
            LEFT JOIN int_stay_comorbidity AS c ON c.stay_id = s.stay_id
            LEFT JOIN stg_persons AS p ON p.person_id = s.person_id
            WHERE {year_filter('s.year')}
            GROUP BY s.person_id, h.person_id
            ORDER BY s.person_id""", {**_years(rule, year), "end_date": rule.end_date})
    for c in ("n_stays", "n_acute_stays", "ukp_days", "comorbidity"):
        frame[c] = frame[c].astype("int64")
    frame["age"] = frame["age"].astype("Int64")
    return frame


def _years(rule: Readmissions, year: int | None) -> dict[str, int | None]:
    if year is None:
        return year_bounds(rule)
    year = whole_number(year, "year", minimum=0)
    return {"first_year": year, "last_year": year}


def latest_year(rule: Readmissions) -> int | None:
    """The latest discharge year of a stay within the rule's years (None if none)."""
    return rule.sql(f"SELECT max(year(discharge_date)) FROM int_stays "
                    f"WHERE {year_filter('year(discharge_date)')}", year_bounds(rule)
                    ).fetchall()[0][0]


_LABELS = {
    "age": ("Alder ved første opphold (år)", "Age at first stay (years)"),
    "sex": ("Kjønn", "Sex"),
    "somatic": ("Opphold i somatikk", "Stay in somatic care"),
    "vop": ("Opphold i psykisk helsevern (VOP)", "Stay in adult mental health (VOP)"),
    "tsb": ("Opphold i rusbehandling (TSB)", "Stay in substance-use treatment (TSB)"),
    "n_stays": ("Opphold", "Stays"),
    "n_acute_stays": ("Øyeblikkelig hjelp-opphold", "Acute stays"),
    "mean_los_days": ("Gjennomsnittlig liggetid (døgn)", "Mean length of stay (days)"),
    "ukp_days": ("Utskrivningsklare døgn", "Ready-for-discharge days"),
    "comorbidity": ("Charlson-indeks (høyeste)", "Charlson index (highest)"),
    "died": ("Død innen dataenes slutt", "Died by the end of the data"),
}
_CONTINUOUS = ["age", "n_stays", "n_acute_stays", "mean_los_days", "ukp_days", "comorbidity"]
_CATEGORICAL = ["sex", "somatic", "vop", "tsb", "died"]


def heavy_user_table_one(rule: Readmissions, *, year: int | None = None, suppress: bool = False,
                         lang: str = "nb") -> pd.DataFrame:
    """A "Table 1" of heavy users against the other patients of a year (``tableone``).

    Over the persons of :func:`heavy_user_persons` of one discharge year
    (heavy users: heavy users that year): age, sex, sectors,
    stays, length of stay, ready-for-discharge days, comorbidity and deaths;
    medians [Q1, Q3] for the skewed counts, mean (SD) for age, n (%) for the
    rest. Boolean rows show the ``True`` level only.

    Parameters
    ----------
    rule : readmit.Readmissions
    year : int, optional
        The discharge year (default: the latest within the rule's years). One
        year keeps the cohort plain - and tableone's run short: it takes
        some 10 s per 500 000 persons.
    suppress : bool, default False
        Show a count from 1 to 4 (a group, or the n of an n (%) cell) and
        what is computed from it as ``<5`` (definitions.md, Small numbers),
        with the other levels of its variable and, if anything was hidden,
        without the ``Overall`` column (it would give hidden counts away as
        differences): use it for a table that leaves your session.
    lang : {"nb", "en"}, default "nb"
        The language of the row labels and group names.

    Returns
    -------
    pandas.DataFrame
        tableone's table as text: a (variable, level) index and the
        columns ``Overall``, then the heavy users and the others.

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     r = readmit.Readmissions(ex)
    ...     t1 = heavy_user_table_one(r, year=2017, lang="en")
    ...     hidden = heavy_user_table_one(r, year=2017, lang="en", suppress=True)
    >>> t1.columns.tolist(), t1.iloc[0].tolist()
    (['Overall', 'Heavy users', 'Other patients'], ['30', '2', '28'])
    >>> hidden.columns.tolist(), hidden.iloc[0].tolist()
    (['Heavy users', 'Other patients'], ['<5', '28'])
    """
    from tableone import TableOne

    check_lang(lang)
    if year is None:
        year = latest_year(rule)
        if year is None:
            raise ReadmitError("no stays in the rule's years: no Table 1 to make")
    persons = heavy_user_persons(rule, year=year)
    heavy = pick(nb="Stormottakere", en="Heavy users", lang=lang)
    other = pick(nb="Andre pasienter", en="Other patients", lang=lang)
    data = persons[_CONTINUOUS + _CATEGORICAL].copy()
    data["age"] = data["age"].astype(float)
    data["sex"] = data["sex"].map(lambda s: pick(
        nb={"male": "mann", "female": "kvinne"}.get(s, "ukjent"),
        en={"male": "male", "female": "female"}.get(s, "unknown"), lang=lang))
    yes, no = pick(nb="ja", en="yes", lang=lang), pick(nb="nei", en="no", lang=lang)
    for c in ("somatic", "vop", "tsb", "died"):
        data[c] = data[c].map({True: yes, False: no})
    data["group"] = persons["heavy_user"].map({True: heavy, False: other})
    labels = {c: pick(nb=nb, en=en, lang=lang) for c, (nb, en) in _LABELS.items()}
    table = TableOne(
        data, columns=_CONTINUOUS + _CATEGORICAL, categorical=_CATEGORICAL,
        nonnormal=[c for c in _CONTINUOUS if c != "age"], groupby="group",
        order={"group": [heavy, other],
               **{c: [v for v in (yes, no) if (data[c] == v).any()]
                  for c in ("somatic", "vop", "tsb", "died")}},
        limit={c: 1 for c in ("somatic", "vop", "tsb", "died")},
        rename=labels, missing=False, pval=False, overall=True,
    ).tableone
    table.columns = [c[1] if isinstance(c, tuple) else c for c in table.columns]
    table = table[["Overall", heavy, other]].astype(str)
    if suppress:
        table = _suppressed_table_one(table)
    return table


_N_CELL = re.compile(r"^\s*(\d+)\s*\(.*\)\s*$")


def _suppressed_table_one(table: pd.DataFrame) -> pd.DataFrame:
    """``<5`` for small counts in a tableone table, with what would give them away.

    In each group column: everything when the group has 1-4 persons; all the
    levels of a categorical variable when a level's count is 1-4 or the
    persons in no shown level (``n`` minus the shown counts: the ``no`` of a
    yes/no row) are 1-4. Then, if anything was hidden, the ``Overall``
    column goes, so that no hidden count is a difference of shown ones.
    """
    out = table.copy().astype(object)
    n_row = out.index[0]
    groups = [c for c in out.columns if c != "Overall"]
    variables = out.index.get_level_values(0)

    def small(k: int) -> bool:
        return 1 <= k < THRESHOLD

    for col in out.columns:
        group_n = int(str(table.loc[n_row, col]).strip() or 0)
        if small(group_n):
            out[col] = "<5"
            continue
        for var in dict.fromkeys(variables[1:]):
            rows = out.index[variables == var]
            counts = [_N_CELL.match(str(table.loc[i, col])) for i in rows]
            if not all(counts):
                continue                      # a continuous summary, from the whole group
            shown = [int(m.group(1)) for m in counts]
            if any(small(k) for k in shown) or small(group_n - sum(shown)):
                out.loc[rows, col] = "<5"
    if "Overall" in out.columns and (out[groups] == "<5").to_numpy().any():
        out = out.drop(columns="Overall")
    return out
