"""Deaths a team could avert: six-month mortality in a target group, times
the persons a year in it, times a relative reduction (for the savings
simulator, model.py's ``deaths_averted``).

The unit is the person-year: each person's first index stay in the target
group in each discharge year, so a person served in two years counts in
both, and twice in one year only once. Mortality is 1 − the Kaplan–Meier
survival at the horizon over those stays in the full calendar years of the
data (the year of the end of the data only when it ends on 31 December),
with the Kaplan–Meier 95% interval; the persons a year are their mean over
those years, or the count of one ``year``. The interval of the deaths
averted is that of the mortality: the persons a year and the reduction are
taken as given.

Examples
--------
>>> import readmit
>>> from readmit.survival import deaths_averted
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> t = deaths_averted(r, mortality_reduction=0.43, target=["readmitted"])
>>> t[["target", "years"]].iloc[0].tolist()
['readmitted', '2018']
>>> bool(t.ci_low[0] <= t.deaths_averted[0] <= t.ci_high[0])
True
>>> ex.close()
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from readmit.errors import ParameterError
from readmit.survival.cohort import DEFAULT_HORIZON_DAYS, cohort_query, query_params
from readmit.survival.kaplan_meier import kaplan_meier_fits

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["deaths_averted", "target_mortality", "mortality_baseline", "TARGET_FLAGS",
           "DEFAULT_TARGET"]

#: The flags a target group is made of (all must hold).
TARGET_FLAGS = ("ready_for_discharge", "readmitted", "frequent_user")
#: The pre-project's group: ready for discharge and readmitted within the window.
DEFAULT_TARGET = ("ready_for_discharge", "readmitted")
_Z95 = 1.959963984540054


def target_mortality(rule: Readmissions, *, target: Sequence[str] = DEFAULT_TARGET,
                     year: int | None = None, trust: str | None = None,
                     horizon_days: int = DEFAULT_HORIZON_DAYS) -> pd.DataFrame:
    """Persons a year in a target group and their mortality within the horizon.

    Parameters
    ----------
    rule : readmit.Readmissions
    target : sequence of str, default ("ready_for_discharge", "readmitted")
        Flags of :data:`TARGET_FLAGS` that must all hold on the index stay.
    year : int, optional
        Count the persons of this discharge year (default: the mean over the
        full years). The mortality is always estimated over all full years.
    trust : str, optional
        Only index stays discharged by this ``institusjonID``.
    horizon_days : int, default 182

    Returns
    -------
    pandas.DataFrame
        One row: ``target``, ``years`` (the full years used), ``year``,
        ``persons_per_year``, ``n`` (person-years followed), ``deaths``
        (observed within the horizon), ``mortality``, ``mortality_ci_low``,
        ``mortality_ci_high``, ``deaths_per_year``.

    Examples
    --------
    >>> target_mortality(r, year=2019)                                   # doctest: +SKIP
    """
    flags = _target(target)
    params = {"trust": trust}
    where = " AND ".join([f'"{f}" = 1' for f in flags]
                         + ['(CAST($trust AS VARCHAR) IS NULL OR "institusjonID" = $trust)'])
    inner = cohort_query("year, days, died", where=where, tail=(
        "QUALIFY row_number() OVER (PARTITION BY lopenr, year ORDER BY admitted_at, stay_id) = 1"))
    counts = rule.frame(f"SELECT year, days, died, CAST(count(*) AS BIGINT) AS n FROM ({inner}) "
                        "GROUP BY ALL ORDER BY ALL",
                        query_params(horizon_days, True, params))
    last = _last_full_year(rule.end_date)
    counts = counts[counts["year"] <= last] if last is not None else counts.iloc[0:0]
    if counts.empty:
        raise ParameterError(f"no index stays of the target group {' & '.join(flags)} in a "
                             "full calendar year of the data")
    years = sorted(int(y) for y in counts["year"].unique())
    per_year = counts.groupby("year")["n"].sum()
    if year is None:
        persons = float(per_year.sum()) / (years[-1] - years[0] + 1)
    else:
        if int(year) not in years:
            raise ParameterError(f"year {year} has no index stays of the target group in a full "
                                 f"year of the data ({years[0]}-{years[-1]})")
        persons = float(per_year.loc[int(year)])
    fit = kaplan_meier_fits(counts.assign(group="target"), horizon_days)["target"]
    survival = float(fit.survival_function_.iloc[-1, 0])
    low, high = (float(v) for v in fit.confidence_interval_.iloc[-1])
    mortality = 1 - survival
    return pd.DataFrame({
        "target": [" & ".join(flags)],
        "years": [f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])],
        "year": [year], "persons_per_year": [persons], "n": [int(counts["n"].sum())],
        "deaths": [int((counts["n"] * counts["died"]).sum())], "mortality": [mortality],
        "mortality_ci_low": [1 - high], "mortality_ci_high": [1 - low],
        "deaths_per_year": [persons * mortality],
    })


def deaths_averted(rule: Readmissions, *, mortality_reduction: float,
                   target: Sequence[str] = DEFAULT_TARGET, year: int | None = None,
                   trust: str | None = None,
                   horizon_days: int = DEFAULT_HORIZON_DAYS) -> pd.DataFrame:
    """Expected deaths within the horizon averted per year by a relative
    reduction of mortality in a target group.

    Parameters
    ----------
    rule : readmit.Readmissions
    mortality_reduction : float
        Relative reduction, 0-1 (the Tromsø team: 0.43).
    target, year, trust, horizon_days
        As in :func:`target_mortality`.

    Returns
    -------
    pandas.DataFrame
        :func:`target_mortality`'s row with ``mortality_reduction``,
        ``deaths_averted`` (persons a year × mortality × reduction) and its
        95% interval ``ci_low``, ``ci_high`` (from the mortality's).

    Examples
    --------
    >>> deaths_averted(r, mortality_reduction=0.43)                      # doctest: +SKIP
    """
    if isinstance(mortality_reduction, bool) or not isinstance(mortality_reduction, (int, float)) \
            or not 0 <= mortality_reduction <= 1:
        raise ParameterError(f"mortality_reduction must be a share from 0 to 1, "
                             f"not {mortality_reduction!r}")
    out = target_mortality(rule, target=target, year=year, trust=trust, horizon_days=horizon_days)
    scale = out["persons_per_year"] * float(mortality_reduction)
    out["mortality_reduction"] = float(mortality_reduction)
    out["deaths_averted"] = scale * out["mortality"]
    out["ci_low"] = scale * out["mortality_ci_low"]
    out["ci_high"] = scale * out["mortality_ci_high"]
    return out


def mortality_baseline(rule: Readmissions, *, target: Sequence[str] = DEFAULT_TARGET,
                       year: int | None = None, trust: str | None = None) -> dict[str, Any]:
    """The simulator's ``target_persons`` and ``six_month_mortality`` from data.

    ``six_month_mortality`` is a beta distribution whose mean is the
    Kaplan–Meier mortality at 182 days and whose standard deviation is its
    95% interval's half-width / 1.96, so that Monte Carlo draws carry the
    estimate's uncertainty (a fixed value when there is none).

    Returns
    -------
    dict
        ``target_persons`` (float), ``six_month_mortality`` (a number or a
        distribution spec of :mod:`readmit.savings.distributions`), and
        ``table`` (the :func:`target_mortality` row).

    Examples
    --------
    >>> mortality_baseline(r, year=2019)["six_month_mortality"]          # doctest: +SKIP
    {'distribution': 'beta', 'alpha': ..., 'beta': ...}
    """
    row = target_mortality(rule, target=target, year=year, trust=trust,
                           horizon_days=DEFAULT_HORIZON_DAYS)
    m = float(row["mortality"].iloc[0])
    sd = float(row["mortality_ci_high"].iloc[0] - row["mortality_ci_low"].iloc[0]) / (2 * _Z95)
    spec: float | dict = m
    if 0 < m < 1 and sd > 0 and m * (1 - m) / sd ** 2 > 1:
        k = m * (1 - m) / sd ** 2 - 1
        spec = {"distribution": "beta", "alpha": m * k, "beta": (1 - m) * k}
    return {"target_persons": float(row["persons_per_year"].iloc[0]),
            "six_month_mortality": spec, "table": row}


def _target(target: Sequence[str]) -> list[str]:
    if isinstance(target, str):
        target = [t.strip() for t in target.split(",") if t.strip()]
    flags = list(dict.fromkeys(target))
    bad = [t for t in flags if t not in TARGET_FLAGS]
    if bad or not flags:
        raise ParameterError(f"target must name one or more of {', '.join(TARGET_FLAGS)}, "
                             f"not {list(target)!r}")
    return flags


def _last_full_year(end_date) -> int | None:
    """The last calendar year the data cover in full (as readmit.savings.prepare)."""
    from readmit.savings.prepare import last_full_year

    return last_full_year(end_date)
