"""How concentrated hospital use is: top-k shares, Gini, Lorenz curve, persistence.

Per discharge year and sector, over the persons who used some of it
(definitions.md, Frequent users): bed days are the ``los_days`` of a
person's stays discharged that year, DRG weight the ``korrvekt`` of the
person's episodes of any ``omsorgsniva`` discharged that year in that
sector. The SQL is ``mart_person_resource_use`` (one row per person) and
``mart_resource_concentration`` (one row per year, sector and measure).

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> c = resource_concentration(r, measure="bed_days")
>>> c.columns.tolist()[:8]
['year', 'sector', 'measure', 'n_persons', 'top1_share', 'top5_share', 'top10_share', 'gini']
>>> bool(((c.top1_share <= c.top5_share) & (c.top5_share <= c.top10_share)).all())
True
>>> ex.close()
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from readmit.errors import ParameterError
from readmit.frequent._common import (MEASURES, checked_measure, whole_number,
                                      year_bounds, year_filter)

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["resource_concentration", "lorenz_curve", "top_user_persistence",
           "CONCENTRATION_COLUMNS", "CONCENTRATION_SUPPRESSION", "LORENZ_SUPPRESSION"]

#: The columns of ``readmit analyse EXTRACT_DIR concentration``, in order.
CONCENTRATION_COLUMNS = ["year", "sector", "measure", "n_persons", "top1_share", "top5_share",
                         "top10_share", "gini"]
#: Small numbers of :func:`resource_concentration` (for :func:`readmit.privacy.masked`
#: and ``displayed``): a top-k share is the use of ⌈k·n/100⌉ persons (``n_top1``,
#: ...), hidden when that is 1-4 persons; the Gini coefficient when n is 1-4.
CONCENTRATION_SUPPRESSION = {
    "counts": ["n_persons", "n_top1", "n_top5", "n_top10"],
    "derived": {"top1_share": ["n_persons", "n_top1"], "top5_share": ["n_persons", "n_top5"],
                "top10_share": ["n_persons", "n_top10"], "gini": ["n_persons"]},
}
#: Small numbers of :func:`lorenz_curve`: a point is computed from the persons
#: below it and above it.
LORENZ_SUPPRESSION = {
    "counts": ["n_below", "n_above", "n_persons"],
    "derived": {"population_share": ["n_below", "n_above"],
                "use_share": ["n_below", "n_above"]},
}

_SECTOR_FILTER = ("(CAST($sector AS VARCHAR) IS NULL OR CAST($sector AS VARCHAR) = 'all' "
                  "OR sector = CAST($sector AS VARCHAR))")


def _params(rule: Readmissions, measure: str | None) -> dict:
    return {**year_bounds(rule), "sector": rule._sql_params["sector"], "measure": measure}


_WHERE = (f"WHERE {year_filter()} AND {_SECTOR_FILTER} "
          "AND (CAST($measure AS VARCHAR) IS NULL OR measure = CAST($measure AS VARCHAR))")


def resource_concentration(rule: Readmissions, *, measure: str | None = None) -> pd.DataFrame:
    """The share of bed days and DRG weight used by the top 1 %, 5 % and 10 % of
    persons, and the Gini coefficient, per discharge year and sector.

    Parameters
    ----------
    rule : readmit.Readmissions
        Its ``years`` and ``sector`` (other than ``"all"``) select the rows;
        stays are merged with its ``transfer_hours``.
    measure : {"bed_days", "drg_weight"}, optional
        Only this measure (default both).

    Returns
    -------
    pandas.DataFrame
        :data:`CONCENTRATION_COLUMNS`, then ``total_use`` and ``n_top1``,
        ``n_top5``, ``n_top10``: how many persons each top share is
        computed from (⌈k·n/100⌉; a share from 1-4 persons is a small
        number). Sorted by year, sector, measure.

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     c = resource_concentration(readmit.Readmissions(ex, years=2019))
    >>> c[["sector", "measure", "n_persons", "n_top10"]].head(2)
        sector     measure  n_persons  n_top10
    0  somatic    bed_days         13        2
    1  somatic  drg_weight         14        2
    """
    checked_measure(measure)
    frame = rule.frame(
        f"""SELECT {', '.join(CONCENTRATION_COLUMNS)}, total_use, n_top1, n_top5, n_top10
            FROM mart_resource_concentration {_WHERE}
            ORDER BY year, sector, measure""", _params(rule, measure))
    for c in ("year", "n_persons", "n_top1", "n_top5", "n_top10"):
        frame[c] = frame[c].astype("int64")
    return frame


def lorenz_curve(rule: Readmissions, *, measure: str = "bed_days", year: int | None = None,
                 points: int = 100) -> pd.DataFrame:
    """The Lorenz curve of use: the share of use of the least-using persons.

    Parameters
    ----------
    rule : readmit.Readmissions
    measure : {"bed_days", "drg_weight"}, default "bed_days"
    year : int, optional
        The discharge year (default the latest in the rule's years).
    points : int, default 100
        The curve is read at the population shares 0, 1/points, ..., 1
        (the bottom ⌊j·n/points⌋ persons).

    Returns
    -------
    pandas.DataFrame
        ``year, sector, measure, population_share`` (the exact share of
        persons, n_below / n_persons), ``use_share`` (their share of the
        use), ``n_below`` and ``n_above`` (persons below and above the
        point: ``use_share`` is computed from both groups), ``n_persons``.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> curve = lorenz_curve(readmit.Readmissions(ex), year=2018, points=4)
    >>> curve.query("sector == 'somatic'").use_share.round(3).tolist()[::4]
    [0.0, 1.0]
    >>> ex.close()
    """
    if measure not in MEASURES:
        raise ParameterError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    whole_number(points, "points")
    params = _params(rule, measure)
    if year is None:
        year = rule.sql(f"SELECT max(year) FROM mart_resource_concentration {_WHERE}",
                        params).fetchall()[0][0]
        if year is None:
            return pd.DataFrame(columns=["year", "sector", "measure", "population_share",
                                         "use_share", "n_below", "n_above", "n_persons"])
    year = whole_number(year, "year", minimum=0)
    frame = rule.frame(
        f"""WITH groups AS (
                SELECT year, sector, measure, n_persons, total_use
                FROM mart_resource_concentration {_WHERE} AND year = $year
            ),
            points AS (
                SELECT DISTINCT g.*, (j * n_persons) // $points AS n_below
                FROM groups AS g, range(0, $points + 1) AS t(j)
            ),
            tops AS (
                -- the use of the n_persons - n_below persons at the top (blocks of
                -- tied persons: see mart_resource_concentration)
                SELECT p.year, p.sector, p.measure, p.n_below,
                       coalesce(max(b.cum_use - b.n_persons * b.use
                                    + (p.n_persons - p.n_below - (b.cum_n - b.n_persons)) * b.use),
                                0) AS top_use
                FROM points AS p
                LEFT JOIN mart_resource_use_blocks AS b
                       ON b.year = p.year AND b.sector = p.sector AND b.measure = p.measure
                      AND b.cum_n - b.n_persons < p.n_persons - p.n_below
                      AND p.n_persons - p.n_below <= b.cum_n
                GROUP BY ALL
            )
            SELECT p.year, p.sector, p.measure,
                   p.n_below / p.n_persons                                 AS population_share,
                   (p.total_use - t.top_use) / nullif(p.total_use, 0)      AS use_share,
                   p.n_below, p.n_persons - p.n_below                      AS n_above,
                   p.n_persons
            FROM points AS p
            JOIN tops AS t USING (year, sector, measure, n_below)
            ORDER BY p.sector, p.n_below""",
        {**params, "year": year, "points": points})
    for c in ("year", "n_below", "n_above", "n_persons"):
        frame[c] = frame[c].astype("int64")
    return frame


def top_user_persistence(rule: Readmissions, *, top_percent: int = 5,
                         measure: str | None = None) -> pd.DataFrame:
    """The share of one year's top users still among the top users the next year.

    Parameters
    ----------
    rule : readmit.Readmissions
    top_percent : int, default 5
        The top k % are the ⌈k·n/100⌉ persons with the highest use; among
        tied persons at the edge, those with the lower ``lopenr`` are taken
        (so a persistence share can move by a tie, unlike a top share).
    measure : {"bed_days", "drg_weight"}, optional
        Only this measure (default both).

    Returns
    -------
    pandas.DataFrame
        ``year, sector, measure, n_top`` (top users in ``year``),
        ``n_still_top`` (of them, among the top users of ``year`` + 1; a
        person with no use that year is not) and ``persistence``, for the
        years followed by a year with use in the same sector and measure.

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     p = top_user_persistence(readmit.Readmissions(ex), measure="bed_days")
    >>> p.columns.tolist()
    ['year', 'sector', 'measure', 'n_top', 'n_still_top', 'persistence']
    >>> sorted(set(p.year))
    [2017, 2018]
    """
    k = whole_number(top_percent, "top_percent")
    if k > 100:
        raise ParameterError(f"top_percent must be from 1 to 100, not {k}")
    checked_measure(measure)
    frame = rule.frame(
        f"""WITH edges AS (
                -- the block of tied persons that holds rank m of each group
                SELECT c.year, c.sector, c.measure, b.use AS edge_use,
                       (c.n_persons * $k + 99) // 100 - (b.cum_n - b.n_persons) AS n_taken
                FROM mart_resource_concentration AS c
                JOIN mart_resource_use_blocks AS b
                  ON b.year = c.year AND b.sector = c.sector AND b.measure = c.measure
                 AND b.cum_n - b.n_persons < (c.n_persons * $k + 99) // 100
                 AND (c.n_persons * $k + 99) // 100 <= b.cum_n
            ),
            top AS (
                -- above the edge, and the first n_taken of the tied by lopenr
                SELECT u.year, u.sector, u.measure, u.person_id
                FROM mart_person_resource_use AS u
                JOIN edges AS e USING (year, sector, measure)
                WHERE u.use >= e.edge_use
                QUALIFY u.use > e.edge_use
                     OR row_number() OVER (PARTITION BY u.year, u.sector, u.measure,
                                                        u.use > e.edge_use
                                           ORDER BY u.person_id) <= e.n_taken
            ),
            pairs AS (
                SELECT a.year, a.sector, a.measure,
                       CAST(count(*) AS BIGINT)             AS n_top,
                       CAST(count(b.person_id) AS BIGINT)   AS n_still_top,
                       count(b.person_id) / count(*)        AS persistence
                FROM top AS a
                SEMI JOIN mart_resource_concentration AS g
                       ON g.year = a.year + 1 AND g.sector = a.sector AND g.measure = a.measure
                LEFT JOIN top AS b
                       ON b.person_id = a.person_id AND b.year = a.year + 1
                      AND b.sector = a.sector AND b.measure = a.measure
                GROUP BY ALL
            )
            SELECT * FROM pairs {_WHERE}
            ORDER BY year, sector, measure""",
        {**_params(rule, measure), "k": k})
    frame["year"] = frame["year"].astype("int64")
    return frame

