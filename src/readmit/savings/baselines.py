"""Baselines from data: readmission bed days and ready-for-discharge days by
year, trust and sector, and the statutory ready-for-discharge rate of a year.

The counts come from :meth:`readmit.Readmissions.burden`; this module only
selects, sums and prices them.
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


def readmission_baselines(rule, by: Sequence[str] = BY, *,
                          statutory_rate: bool = False) -> pd.DataFrame:
    """Readmission bed days and ready-for-discharge days from an extract.

    Parameters
    ----------
    rule : readmit.Readmissions
        The readmission rule bound to an extract.
    by : sequence of str
        Grouping columns of :meth:`readmit.Readmissions.burden` (``year``,
        ``institusjonID``, ``sector``).
    statutory_rate : bool
        Add ``ukp_rate``, the statutory rate of each row's year (needs ``year`` in ``by``).

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n_readmissions``, ``bed_days``, ``ukp_days``
        (and ``ukp_rate``), sorted by the grouping columns. A readmission
        counts under its own discharge year; years outside the rule's period
        (the discharge years of eligible index stays) are left out, so a
        readmission spilling over past the last 31 December makes no
        phantom year.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> t = readmission_baselines(readmit.Readmissions(ex))
    >>> sorted(t["year"].unique().tolist())
    [2017, 2018, 2019]
    >>> ex.close()
    """
    by = list(by)
    if statutory_rate and "year" not in by:
        raise ParameterError("statutory_rate needs the baselines by year: put 'year' in by")
    table = rule.burden(by=by)
    missing = {"n_readmissions", "bed_days", "ukp_days", *by} - set(table.columns)
    if missing:
        raise ParameterError(f"the burden table has no {', '.join(sorted(missing))}")
    if "year" in by:
        period = rule.period()
        table = table[table["year"].between(*period)] if period else table.iloc[0:0]
    table = table.sort_values(by).reset_index(drop=True)
    if statutory_rate:
        table["ukp_rate"] = [statutory_ukp_rate(int(y)) for y in table["year"]]
    return table


def trust_code(trust: str) -> str:
    """The ``institusjonID`` of a trust given by code or name, any case
    (``"helse fonna"`` -> ``"HFO"``); a code not in the reference data is
    returned as given (a real extract may use other codes).

    Examples
    --------
    >>> trust_code("Helse Fonna"), trust_code("hfo"), trust_code("974557746")
    ('HFO', 'HFO', '974557746')
    """
    from readmit.figures.i18n import _trusts

    text = str(trust).strip()
    for code, name in _trusts().items():
        if text.casefold() in {code.casefold(), name.casefold(),
                               name.removesuffix(" HF").strip().casefold()}:
            return code
    return text


def trust_label(code: str | None) -> str:
    """``Helse Fonna (HFO)`` for a reader; the code alone when it has no name.

    Examples
    --------
    >>> trust_label("HFO"), trust_label("X1")
    ('Helse Fonna (HFO)', 'X1')
    """
    from readmit.figures import trust_name

    name = trust_name(code)
    return name if name == str(code) else f"{name} ({code})"


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
        Keep only this trust (``institusjonID`` or name) / sector.

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
    if table.empty:
        raise ParameterError("no readmissions of eligible index stays in the extract")
    if trust is not None:
        trust = trust_code(trust)
        if trust not in set(table["institusjonID"]):
            known = ", ".join(trust_label(t) for t in sorted(set(table["institusjonID"])))
            raise ParameterError(f"trust {trust!r} has no readmissions in the extract; "
                                 f"its trusts: {known}")
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
    readmissions from 1 to 4, and the days computed from it, shown as ``<5``;
    each trust's name beside its code.

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
    if "institusjonID" in out.columns:
        from readmit.figures import trust_name

        out.insert(list(out.columns).index("institusjonID") + 1, "trust",
                   out["institusjonID"].map(trust_name))
    return out


def small_baseline(baseline: dict) -> bool:
    """Whether an extract's baseline rests on 1-4 readmissions (its results
    would reveal them outside the secure session).

    Examples
    --------
    >>> small_baseline({"source": "extract", "n_readmissions": 3.0}), small_baseline({"source": "given"})
    (True, False)
    """
    n = baseline.get("n_readmissions")
    return baseline.get("source") == "extract" and n is not None and 1 <= n < 5


def _span(years) -> str:
    years = sorted(years)
    parts, start = [], years[0]
    for prev, cur in zip(years, years[1:] + [None]):
        if cur != prev + 1 if cur is not None else True:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = cur
    return ", ".join(parts)
