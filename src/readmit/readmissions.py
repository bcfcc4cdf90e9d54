"""The functions of readmit 0.1 (deprecated: use :class:`readmit.Readmissions`).

``index_stays(extract, ...)``, ``readmission_rates(extract, ...)`` and
``readmission_burden(extract, ...)`` rebuilt every SQL model on each call.
They still work, with the same results as in 0.1, but warn: bind the rule
once with ``r = readmit.Readmissions(extract, ...)`` and call
``r.index_stays()``, ``r.rates(by=...)`` and ``r.burden(by=...)``.
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from readmit import sql
from readmit.rule import (GROUPINGS, INDEX_STAY_COLUMNS, SECTORS, Readmissions,  # noqa: F401
                          grouping_names, rates_table, rule_parameters, with_wilson_interval)

if TYPE_CHECKING:
    from readmit.extract import Extract

__all__ = ["index_stays", "readmission_rates", "readmission_burden"]


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"readmit.{old}(extract, ...) is deprecated; bind the rule once with "
                  f"r = readmit.Readmissions(extract, ...) and call r.{new}",
                  DeprecationWarning, stacklevel=3)


def build_index_stays(extract: Extract, *, upto: str = "mart_readmission_stays",
                      **rule: Any) -> dict[str, Any]:
    """Build the models up to ``upto`` in the connection's ``main`` schema (for
    benchmarks and raw SQL); return the parameter values used."""
    return sql.build(extract.con, rule_parameters(**rule), models=[upto])


def index_stays(extract: Extract, *, window_days: int = 30, transfer_hours: float = 8.0,
                min_age: int | None = None, sector: str | None = None,
                keep_deaths: bool = False, end_date: date | str | None = None,
                window: str = "hours", link: str = "first",
                exclude_planned_conditions: bool = False,
                elderly_group: str | None = None) -> pd.DataFrame:
    """Deprecated: ``readmit.Readmissions(extract, ...).index_stays()``.

    Returns the 0.1 shape: :data:`INDEX_STAY_COLUMNS` with 0/1 integer flags.
    """
    _deprecated("index_stays", "index_stays()")
    r = Readmissions(extract, window_days=window_days, transfer_hours=transfer_hours,
                     min_age=min_age, sector=sector, keep_deaths=keep_deaths, end_date=end_date,
                     window=window, link=link,
                     exclude_planned_conditions=exclude_planned_conditions,
                     elderly_group=elderly_group)
    cols = ", ".join(f'"{c}"' for c in INDEX_STAY_COLUMNS)
    return r.frame(f"SELECT {cols} FROM mart_index_stays ORDER BY lopenr, admitted_at")


def readmission_rates(extract: Extract, by: Sequence[str] | str = ("year",), *,
                      window_days: int = 30, transfer_hours: float = 8.0,
                      min_age: int | None = None, sector: str | None = None,
                      keep_deaths: bool = False, end_date: date | str | None = None,
                      window: str = "hours", link: str = "first",
                      exclude_planned_conditions: bool = False,
                      elderly_group: str | None = None) -> pd.DataFrame:
    """Deprecated: ``readmit.Readmissions(extract, ...).rates(by=...)``.

    Unlike :meth:`Readmissions.rates`, it keeps groups without an eligible
    index stay (as 0.1 did).
    """
    _deprecated("readmission_rates", "rates(by=...)")
    names = grouping_names(by)
    r = Readmissions(extract, window_days=window_days, transfer_hours=transfer_hours,
                     min_age=min_age, sector=sector, keep_deaths=keep_deaths, end_date=end_date,
                     window=window, link=link,
                     exclude_planned_conditions=exclude_planned_conditions,
                     elderly_group=elderly_group)
    out = rates_table(r, names, drop_empty=False)
    if "sex" in out:   # 0.1 gave the code
        out["sex"] = out["sex"].map({"male": 1, "female": 2, "unknown": 9})
    if "ready_for_discharge" in out:
        out["ready_for_discharge"] = out["ready_for_discharge"].astype(int)
    return out


def readmission_burden(extract: Extract, by: Sequence[str] = ("year", "institusjonID", "sector"),
                       *, window_days: int = 30, transfer_hours: float = 8.0,
                       min_age: int | None = None, sector: str | None = None,
                       keep_deaths: bool = False, end_date: date | str | None = None,
                       window: str = "hours", link: str = "first",
                       exclude_planned_conditions: bool = False,
                       elderly_group: str | None = None) -> pd.DataFrame:
    """Deprecated: ``readmit.Readmissions(extract, ...).burden(by=...)``."""
    _deprecated("readmission_burden", "burden(by=...)")
    r = Readmissions(extract, window_days=window_days, transfer_hours=transfer_hours,
                     min_age=min_age, sector=sector, keep_deaths=keep_deaths, end_date=end_date,
                     window=window, link=link,
                     exclude_planned_conditions=exclude_planned_conditions,
                     elderly_group=elderly_group)
    return r.burden(by=by)
