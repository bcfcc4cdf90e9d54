"""Baselines from data: readmission bed days and ready-for-discharge days by
year, trust and sector, and the statutory ready-for-discharge rate of a year.

The counts come from :func:`readmit.readmissions.readmission_burden` (see
docs/CONTRACTS.md); this module only selects, sums and prices them.
"""
from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import pandas as pd

from readmit.errors import ParameterError

BY = ("year", "institusjonID", "sector")
SMALL = "<5"


@lru_cache(maxsize=1)
def ukp_rates() -> dict[int, float]:
    """Statutory municipal payment per ready-for-discharge day, NOK, by year
    (``readmit/reference/ukp_satser.csv``, Helsedirektoratet).

    Examples
    --------
    >>> ukp_rates()[2019]
    4885.0
    """
    path = resources.files("readmit").joinpath("reference", "ukp_satser.csv")
    with path.open("r", encoding="utf-8") as fh:
        return {int(row["year"]): float(row["nok_per_day"]) for row in csv.DictReader(fh)}


def statutory_ukp_rate(year: int) -> float:
    """The statutory ready-for-discharge rate of ``year``; a year without a
    published rate is an error, never guessed.

    Examples
    --------
    >>> statutory_ukp_rate(2024)
    5745.0
    >>> statutory_ukp_rate(2013)
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: no published statutory ready-for-discharge rate for 2013 (known: 2012, 2014-2024)
    """
    rates = ukp_rates()
    if year not in rates:
        raise ParameterError(
            f"no published statutory ready-for-discharge rate for {year} (known: {_span(rates)})")
    return rates[year]


def readmission_baselines(extract, by: Sequence[str] = BY, *, statutory_rate: bool = False,
                          **params) -> pd.DataFrame:
    """Readmission bed days and ready-for-discharge days from an extract.

    Parameters
    ----------
    extract : readmit.Extract
        An opened extract.
    by : sequence of str
        Grouping columns passed to ``readmission_burden``.
    statutory_rate : bool
        Add ``ukp_rate``, the statutory rate of each row's year (needs ``year`` in ``by``).
    **params
        Passed on to ``readmission_burden`` (window_days, min_age, sector, ...).

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n_readmissions``, ``bed_days``, ``ukp_days``
        (and ``ukp_rate``), sorted by the grouping columns.

    Examples
    --------
    >>> readmission_baselines(readmit.open("data/synthetic/helse-vest"))  # doctest: +SKIP
    """
    from readmit import readmissions

    table = readmissions.readmission_burden(extract, by=tuple(by), **params)
    missing = {"n_readmissions", "bed_days", "ukp_days", *by} - set(table.columns)
    if missing:
        raise ParameterError(f"readmission_burden returned no {', '.join(sorted(missing))}")
    table = table.sort_values(list(by)).reset_index(drop=True)
    if statutory_rate:
        if "year" not in by:
            raise ParameterError("the statutory rate needs the baselines by year")
        table["ukp_rate"] = [statutory_ukp_rate(int(y)) for y in table["year"]]
    return table


def baseline_for_year(table: pd.DataFrame, year: int | None = None, *,
                      trust: str | None = None, sector: str | None = None) -> dict[str, float]:
    """Sum a baselines table to one year's ``bed_days``, ``ukp_days`` and ``n_readmissions``.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`readmission_baselines`.
    year : int, optional
        Default: the latest year in the table.
    trust, sector : str, optional
        Keep only this ``institusjonID`` / sector.

    Returns
    -------
    dict
        ``year``, ``n_readmissions``, ``bed_days``, ``ukp_days``.

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2018, 2019, 2019], "institusjonID": ["A", "A", "B"],
    ...                   "sector": "somatic", "n_readmissions": [5, 6, 7],
    ...                   "bed_days": [50, 60, 70], "ukp_days": [1, 2, 3]})
    >>> baseline_for_year(t)
    {'year': 2019, 'n_readmissions': 13.0, 'bed_days': 130.0, 'ukp_days': 5.0}
    """
    rows = table
    if trust is not None:
        rows = rows[rows["institusjonID"] == trust]
    if sector is not None:
        rows = rows[rows["sector"] == sector]
    if rows.empty:
        raise ParameterError(f"no readmissions for trust={trust!r}, sector={sector!r} in the extract")
    years = sorted(int(y) for y in rows["year"].unique())
    chosen = years[-1] if year is None else int(year)
    if chosen not in years:
        raise ParameterError(f"no readmissions in {chosen}; the extract has {_span(years)}")
    rows = rows[rows["year"] == chosen]
    return {"year": chosen, **{k: float(rows[k].sum()) for k in ("n_readmissions", "bed_days", "ukp_days")}}


def masked_baselines(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it may be shown outside the analyst's session: a count of
    readmissions from 1 to 4, and the days computed from it, shown as ``<5``.

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2019, 2019], "n_readmissions": [3, 12],
    ...                   "bed_days": [9, 40], "ukp_days": [0, 5]})
    >>> masked_baselines(t)["bed_days"].tolist()
    ['<5', '40']
    """
    out = table.copy()
    small = out["n_readmissions"].between(1, 4)
    for col in ("n_readmissions", "bed_days", "ukp_days"):
        out[col] = out[col].map(lambda v: f"{v:,.0f}".replace(",", " ")).where(~small, SMALL)
    return out


def _span(years) -> str:
    years = sorted(years)
    parts, start = [], years[0]
    for prev, cur in zip(years, years[1:] + [None]):
        if cur != prev + 1 if cur is not None else True:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = cur
    return ", ".join(parts)
