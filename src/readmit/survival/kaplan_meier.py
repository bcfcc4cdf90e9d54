"""Kaplan–Meier survival after discharge, by group, and the log-rank test.

The cohort is summed in SQL to one row per group, day and outcome (at most
``horizon_days + 1`` days × 2 outcomes per group), and lifelines fits each
group's curve from those counts as case weights: the same estimate as from
one row per person, from a few hundred rows. Intervals are lifelines'
default, the log(−log) transform of Greenwood's variance, at 95%.

Examples
--------
>>> import readmit
>>> from readmit.survival import survival_at
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> t = survival_at(r, by="readmitted", days=[30, 182])
>>> t.columns.tolist()
['readmitted', 'day', 'n', 'n_at_risk', 'deaths', 'survival', 'ci_low', 'ci_high']
>>> bool(((t.ci_low <= t.survival) & (t.survival <= t.ci_high)).all())
True
>>> ex.close()
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from readmit.errors import ParameterError
from readmit.survival.cohort import (DEFAULT_HORIZON_DAYS, SURVIVAL_GROUPS, check_horizon,
                                     cohort_query, group_name, query_params)

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["survival_curves", "survival_at", "logrank_test", "kaplan_meier_fits",
           "CURVE_COLUMNS", "SURVIVAL_AT_COLUMNS"]

#: The columns of :func:`survival_curves` after the grouping column.
CURVE_COLUMNS = ["day", "n_at_risk", "deaths", "censored", "cumulative_deaths", "survival",
                 "ci_low", "ci_high"]
#: The columns of :func:`survival_at` after the grouping column.
SURVIVAL_AT_COLUMNS = ["day", "n", "n_at_risk", "deaths", "survival", "ci_low", "ci_high"]
_FLAG_GROUPS = {k for k, v in SURVIVAL_GROUPS.items() if "BOOLEAN" in v}


def outcome_counts(rule: Readmissions, *, by: str | None = None,
                   horizon_days: int = DEFAULT_HORIZON_DAYS, every_stay: bool = False,
                   where: str = "", params: dict | None = None) -> pd.DataFrame:
    """Persons (or stays) by group, follow-up day and outcome: columns ``group``,
    ``days``, ``died`` (0/1), ``n``. ``where`` filters the cohort's rows
    (a SQL condition using only bound ``$parameters``)."""
    name = group_name(by)
    expr = SURVIVAL_GROUPS[name] if name else "'all'"
    frame = rule.frame(
        cohort_query(f"{expr} AS \"group\", days, died, CAST(count(*) AS BIGINT) AS n",
                     where=where, tail="GROUP BY ALL ORDER BY ALL"),
        query_params(horizon_days, every_stay, params))
    if name in _FLAG_GROUPS:
        frame["group"] = frame["group"].astype("boolean")
    return frame


def kaplan_meier_fits(counts: pd.DataFrame, horizon_days: int) -> dict:
    """A fitted lifelines ``KaplanMeierFitter`` per group of :func:`outcome_counts`
    (the counts are case weights), on the daily timeline 0 … ``horizon_days``.

    Examples
    --------
    >>> c = pd.DataFrame({"group": "all", "days": [3, 5], "died": [1, 0], "n": [1, 3]})
    >>> round(float(kaplan_meier_fits(c, 5)["all"].survival_function_.iloc[-1, 0]), 12)
    0.75
    """
    from lifelines import KaplanMeierFitter

    timeline = np.arange(check_horizon(horizon_days) + 1)
    fits = {}
    for key, g in counts.groupby("group", sort=True, dropna=False):
        kmf = KaplanMeierFitter(alpha=0.05, label="survival")
        kmf.fit(g["days"].to_numpy(), g["died"].to_numpy(), weights=g["n"].to_numpy(),
                timeline=timeline)
        fits[key] = kmf
    return fits


def _curves(counts: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
    """One row per group and day 0 … horizon: counts and the KM estimate."""
    days = np.arange(horizon_days + 1)
    parts = []
    for key, kmf in kaplan_meier_fits(counts, horizon_days).items():
        g = counts[counts["group"].isna()] if pd.isna(key) else counts[counts["group"] == key]
        died = np.bincount(g["days"], weights=g["n"] * g["died"], minlength=days.size)
        left = np.bincount(g["days"], weights=g["n"], minlength=days.size)
        at_risk = left[::-1].cumsum()[::-1]          # persons followed at least to day d
        ci = kmf.confidence_interval_
        parts.append(pd.DataFrame({
            "group": key, "day": days, "n_at_risk": at_risk.astype(np.int64),
            "deaths": died.astype(np.int64), "censored": (left - died).astype(np.int64),
            "cumulative_deaths": died.cumsum().astype(np.int64),
            "survival": kmf.survival_function_.iloc[:, 0].to_numpy(),
            "ci_low": ci.iloc[:, 0].to_numpy(), "ci_high": ci.iloc[:, 1].to_numpy(),
        }))
    if not parts:
        return pd.DataFrame(columns=["group", *CURVE_COLUMNS])
    return pd.concat(parts, ignore_index=True)


def _named(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    name = group_name(by)
    out = frame.rename(columns={"group": name}) if name else frame
    if name in _FLAG_GROUPS:
        out[name] = out[name].astype("boolean")
    return out.reset_index(drop=True)


def survival_curves(rule: Readmissions, *, by: str | None = None,
                    horizon_days: int = DEFAULT_HORIZON_DAYS,
                    every_stay: bool = False) -> pd.DataFrame:
    """Kaplan–Meier survival after discharge for each day up to the horizon, by group.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : str, optional
        One of :data:`~readmit.survival.cohort.SURVIVAL_GROUPS`: ``readmitted``,
        ``ready_for_discharge``, ``age_band``, ``sector``, ``institusjonID``
        (or ``trust``), ``frequent_user``, ``sex``. Default: everyone.
    horizon_days : int, default 182
    every_stay : bool, default False
        Every index stay instead of each person's first (see
        :func:`~readmit.survival.mortality_cohort`).

    Returns
    -------
    pandas.DataFrame
        The grouping column (named after ``by``; ``group`` = ``"all"`` without
        it), then :data:`CURVE_COLUMNS`: ``n_at_risk`` (followed at least to the
        day), ``deaths`` and ``censored`` on the day, ``cumulative_deaths``,
        ``survival`` and its 95% interval ``ci_low``, ``ci_high``. One row per
        group and day 0 … ``horizon_days``. Draw it with
        :func:`~readmit.survival.survival_figure`.

    Notes
    -----
    By ``readmitted``: a readmitted person lived at least until the
    readmission, so the readmitted group's early survival is flattered
    (immortal time); its curve from day 30 (the window) on is the fair part.

    Examples
    --------
    >>> curves = survival_curves(r, by="sector")                          # doctest: +SKIP
    """
    horizon = check_horizon(horizon_days)
    counts = outcome_counts(rule, by=by, horizon_days=horizon, every_stay=every_stay)
    return _named(_curves(counts, horizon), by)


def survival_at(rule: Readmissions, *, by: str | None = None,
                days: Sequence[int] = (30, 90, DEFAULT_HORIZON_DAYS),
                every_stay: bool = False) -> pd.DataFrame:
    """Kaplan–Meier survival at given days after discharge, with 95% intervals.

    Follow-up ends at the last of ``days`` (the horizon) or the end of the data.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : str, optional
        As in :func:`survival_curves`.
    days : sequence of int, default (30, 90, 182)
    every_stay : bool, default False

    Returns
    -------
    pandas.DataFrame
        The grouping column, then ``day``, ``n`` (persons in the group),
        ``n_at_risk`` (followed at least to the day), ``deaths`` (observed up
        to and including the day), ``survival``, ``ci_low``, ``ci_high``.
        Draw it with :func:`~readmit.survival.survival_at_figure`.

    Examples
    --------
    >>> survival_at(r, by="age_band", days=[182])                        # doctest: +SKIP
    """
    wanted = _days(days)
    horizon = max(wanted)
    counts = outcome_counts(rule, by=by, horizon_days=horizon, every_stay=every_stay)
    return _named(at_days(_curves(counts, horizon), wanted), by)


def at_days(curves: pd.DataFrame, days: Sequence[int]) -> pd.DataFrame:
    """Rows of a curves table (grouping column ``group``) at ``days``, with ``n``."""
    n = curves.loc[curves["day"] == 0, ["group", "n_at_risk"]].rename(columns={"n_at_risk": "n"})
    rows = curves[curves["day"].isin(list(days))].merge(n, on="group", how="left")
    out = rows.drop(columns=["deaths", "censored"]).rename(columns={"cumulative_deaths": "deaths"})
    out = out[["group", *SURVIVAL_AT_COLUMNS]]
    return out.sort_values(["group", "day"], na_position="last", kind="stable")


def logrank_test(rule: Readmissions, *, by: str, horizon_days: int = DEFAULT_HORIZON_DAYS,
                 every_stay: bool = False) -> pd.DataFrame:
    """The log-rank test of equal survival across the groups of ``by``.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : str
        As in :func:`survival_curves` (required).
    horizon_days : int, default 182
    every_stay : bool, default False

    Returns
    -------
    pandas.DataFrame
        One row: ``by``, ``groups``, ``test_statistic`` (chi-squared),
        ``df`` (groups − 1) and ``p``; from lifelines'
        ``multivariate_logrank_test`` (case weights = counts).

    Examples
    --------
    >>> logrank_test(r, by="readmitted")                                 # doctest: +SKIP
    """
    name = group_name(by)
    if name is None:
        raise ParameterError("by must name a grouping for the log-rank test, not None")
    counts = outcome_counts(rule, by=name, horizon_days=horizon_days, every_stay=every_stay)
    return logrank_table(counts, name)


def logrank_table(counts: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`logrank_test` on counts of :func:`outcome_counts`."""
    from lifelines.statistics import multivariate_logrank_test

    groups = counts["group"].astype(object).where(counts["group"].notna(), "missing")
    k = groups.nunique()
    if k < 2:
        raise ParameterError(f"by={by!r} has {k} group(s); the log-rank test needs two or more")
    result = multivariate_logrank_test(counts["days"].to_numpy(), groups.astype(str).to_numpy(),
                                       counts["died"].to_numpy(), weights=counts["n"].to_numpy())
    return pd.DataFrame({"by": [by], "groups": [k], "test_statistic": [result.test_statistic],
                         "df": [int(result.degrees_of_freedom)], "p": [result.p_value]})


def _days(days: Sequence[int]) -> list[int]:
    if isinstance(days, int) and not isinstance(days, bool):
        days = [days]
    try:
        wanted = sorted({check_horizon(d) for d in days})
    except (TypeError, ParameterError):
        raise ParameterError(f"days must be whole numbers of days >= 1, not {days!r}") from None
    if not wanted:
        raise ParameterError("days must name at least one day")
    return wanted
