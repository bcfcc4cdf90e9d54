"""Observed against expected readmissions per trust or municipality (indirect standardisation).

Each eligible index stay's expected risk is the risk model's prediction for
its covariate pattern, fitted per sector over all units; a unit's expected
readmissions E are the sum of its stays' risks, O its readmissions. O/E > 1:
more readmissions than the case mix of its patients predicts. The
indirectly standardised rate is O/E times the crude rate of the model's
population. Over the whole population O = E (a logistic regression with an
intercept reproduces the total on the data it was fitted on).

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex, sector="somatic")
>>> oe = observed_expected(r)
>>> oe.columns.tolist()[:7]
['unit', 'unit_name', 'sector', 'n_index', 'observed', 'expected', 'ratio']
>>> bool(abs(oe.observed.sum() - oe.expected.sum()) < 1e-6)
True
>>> ex.close()
"""
from __future__ import annotations

import csv
import itertools
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from readmit.errors import ParameterError

if TYPE_CHECKING:
    from readmit.comparison.risk_model import RiskModel
    from readmit.rule import Readmissions

__all__ = ["observed_expected", "poisson_ratio_interval", "unit_name", "UNITS",
           "OBSERVED_EXPECTED_SUPPRESSION"]

#: The units O/E can be computed for: a column of ``mart_comparison_design``.
UNITS = ("institusjonID", "komnr")
_UNIT_ALIASES = {"trust": "institusjonID", "institusjonid": "institusjonID",
                 "municipality": "komnr", "komnr": "komnr"}

_OE = ["n_index", "observed"]
#: Counts of :func:`observed_expected` and what is computed from them: a unit
#: with 1-4 index stays or readmissions shows ``<5`` for everything computed
#: from them (its expected count too: it follows the observed count closely).
OBSERVED_EXPECTED_SUPPRESSION = {
    "counts": ["n_index", "observed"],
    "derived": {"expected": _OE, "ratio": _OE, "ci_low": _OE, "ci_high": _OE,
                "crude_rate": _OE, "standardised_rate": _OE,
                "standardised_ci_low": _OE, "standardised_ci_high": _OE},
}
_registered = itertools.count()


def observed_expected(
    source: Readmissions | RiskModel,
    *,
    unit: str = "institusjonID",
    by_year: bool = False,
    year: int | None = None,
    sector: str | None = None,
) -> pd.DataFrame:
    """Observed and expected readmissions, their ratio and the standardised rate per unit.

    Parameters
    ----------
    source : readmit.Readmissions or RiskModel
        A rule (the default :func:`readmit.comparison.risk_model` is fitted
        on its eligible index stays) or a fitted model.
    unit : {"institusjonID", "komnr"}
        The discharging trust (also ``"trust"``), or the municipality of
        residence (``"komnr"``, also ``"municipality"``: that of the stay's
        first episode).
    by_year : bool, default False
        One row per unit and discharge year; default one per unit over the
        whole period.
    year : int, optional
        Only the index stays discharged this year (the model is still the
        one fitted on every year).
    sector : {"somatic", "vop", "tsb"}, optional
        Only this sector's index stays; default every sector of the model,
        each with its own model, pooled per unit.

    Returns
    -------
    pandas.DataFrame
        ``unit``, ``unit_name`` (the trust's or municipality's name),
        ``sector`` (the sector, or ``"all"`` when pooled), ``year`` (with
        ``by_year`` or ``year``), ``n_index`` (eligible index stays),
        ``observed``, ``expected``, ``ratio`` (O/E) with its exact Poisson
        95 % interval ``ci_low``, ``ci_high``, ``crude_rate`` (O/n),
        ``standardised_rate`` (O/E × ``overall_rate``) with
        ``standardised_ci_low``/``_high``, and ``overall_rate`` (the crude
        rate of the model's stays in the sector(s), all years). Raw counts;
        :data:`OBSERVED_EXPECTED_SUPPRESSION` says what to mask.

    Raises
    ------
    ParameterError
        An unknown unit or sector, or a year without eligible index stays.

    Examples
    --------
    >>> observed_expected(r, unit="komnr", by_year=True).head()         # doctest: +SKIP
    """
    from readmit.comparison.risk_model import RiskModel, risk_model

    unit = _checked_unit(unit)
    model = source if isinstance(source, RiskModel) else risk_model(source)
    if sector is not None and sector not in model.sectors:
        raise ParameterError(f"sector must be one of {', '.join(model.sectors)} (the sectors "
                             f"of the rule's index stays) or None, not {sector!r}")
    if year is not None and (isinstance(year, bool) or int(year) != year):
        raise ParameterError(f"year must be a whole year or None, not {year!r}")
    covs = list(model.covariates)
    name = f"_readmit_predicted_{next(_registered)}"
    pred = model.patterns[["sector", *covs, "predicted"]]
    con = model.rule.con
    con.register(name, pred)
    try:
        join = " AND ".join(f"p.{c} = d.{c}" for c in ["sector", *covs])
        years = "d.year AS year," if by_year or year is not None else ""
        counts = model.rule.frame(f"""
            SELECT coalesce(CAST(d."{unit}" AS VARCHAR), 'unknown') AS unit, {years}
                   CAST(count(*) AS BIGINT) AS n_index,
                   CAST(sum(d.readmitted) AS BIGINT) AS observed,
                   sum(p.predicted) AS expected
            FROM mart_comparison_design AS d
            JOIN {name} AS p ON {join}
            WHERE (CAST($sector AS VARCHAR) IS NULL OR d.sector = CAST($sector AS VARCHAR))
              AND (CAST($year AS INTEGER) IS NULL OR d.year = CAST($year AS INTEGER))
            GROUP BY ALL ORDER BY ALL
            """, {"sector": sector, "year": None if year is None else int(year)},
            options=model.options)
    finally:
        con.unregister(name)
    if counts.empty:
        have = model.rule.period()
        raise ParameterError(f"year: no eligible index stays in {year} (the rule's index "
                             f"stays are discharged in {have[0]}-{have[1]})"
                             if year is not None and have else
                             "no eligible index stays to compare")
    pop = model.patterns if sector is None else model.patterns[model.patterns.sector == sector]
    overall = float(pop["n_readmitted"].sum() / pop["n_index"].sum())
    out = counts
    out.insert(1, "unit_name", [unit_name(unit, u) for u in out["unit"]])
    out.insert(2, "sector", sector or (model.sectors[0] if len(model.sectors) == 1 else "all"))
    if "year" in out:
        out["year"] = out["year"].astype("int64")
    out["ratio"] = out["observed"] / out["expected"]
    out["ci_low"], out["ci_high"] = poisson_ratio_interval(out["observed"], out["expected"])
    out["crude_rate"] = out["observed"] / out["n_index"]
    out["standardised_rate"] = out["ratio"] * overall
    out["standardised_ci_low"] = out["ci_low"] * overall
    out["standardised_ci_high"] = out["ci_high"] * overall
    out["overall_rate"] = overall
    return out


def poisson_ratio_interval(observed, expected, *, level: float = 0.95
                           ) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval of O, divided by E.

    ``low = χ²(α/2; 2O) / 2E`` (0 when O = 0), ``high = χ²(1 − α/2; 2O + 2) / 2E``.

    Examples
    --------
    >>> low, high = poisson_ratio_interval([10], [10.0])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.4795, 1.839)
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        low = np.where(o > 0, stats.chi2.ppf(alpha / 2, 2 * o) / 2, 0.0) / e
        high = stats.chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2 / e
    return low, high


def unit_name(unit: str, code) -> str:
    """A unit's name: a trust's (``HFO`` -> ``Helse Fonna``) or a municipality's
    (``4601`` -> ``Bergen``); unknown codes as given."""
    from readmit.figures import trust_name

    if unit == "institusjonID":
        return trust_name(code)
    return _municipalities().get(str(code), str(code))


@lru_cache(maxsize=1)
def _municipalities() -> dict[str, str]:
    ref = resources.files("readmit").joinpath("reference", "kommuner.csv")
    with ref.open(encoding="utf-8") as f:
        return {row["komnr"]: row["kommune"] for row in csv.DictReader(
            line for line in f if not line.startswith("#"))}


def _checked_unit(unit: str) -> str:
    canonical = _UNIT_ALIASES.get(str(unit).lower()) if isinstance(unit, str) else None
    if canonical is None:
        raise ParameterError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    return canonical
