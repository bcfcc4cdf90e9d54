"""How well the risk model (and LACE) separate and calibrate: C-statistic, deciles.

The C-statistic is the Mann–Whitney estimate of the probability that a
readmitted stay has a higher score than a stay not readmitted (ties count
one half), with DeLong et al.'s (1988) variance: the variance of the
placement values of the readmitted and of the others. Stays with the same
score (a covariate pattern, a LACE score) share their placement values, so
both come exactly from counts per score, never from 1.3 million rows.

Examples
--------
Four readmitted stays (one scored 0.2, three 0.8) and five others (four
scored 0.2, one 0.8): of the 20 pairs the readmitted stay scores higher in
12 and ties in 7, so c = (12 + 7 / 2) / 20:

>>> c_statistic([0.2, 0.8], events=[1, 3], non_events=[4, 1]).c_statistic
0.775
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from readmit.errors import ParameterError

if TYPE_CHECKING:
    from readmit.comparison.risk_model import RiskModel

__all__ = ["CStatistic", "c_statistic", "c_statistics", "calibration_by_decile",
           "CALIBRATION_SUPPRESSION", "C_STATISTIC_SUPPRESSION"]

_RATE = ["n_index", "observed"]
#: Counts of :func:`calibration_by_decile` and what is computed from them.
CALIBRATION_SUPPRESSION = {
    "counts": ["n_index", "observed"],
    "derived": {"expected": _RATE, "observed_rate": _RATE, "expected_rate": _RATE,
                "ci_low": _RATE, "ci_high": _RATE},
}
_C = ["n_index", "n_readmitted"]
#: Counts of :func:`c_statistics` and what is computed from them.
C_STATISTIC_SUPPRESSION = {
    "counts": ["n_index", "n_readmitted"],
    "derived": {"c_statistic": _C, "se": _C, "ci_low": _C, "ci_high": _C},
}


class CStatistic(NamedTuple):
    """A C-statistic (area under the ROC curve) with its DeLong 95 % interval."""

    c_statistic: float
    se: float
    ci_low: float
    ci_high: float
    n_events: int
    n_non_events: int


def c_statistic(score: Sequence[float], events: Sequence[float],
                non_events: Sequence[float], *, level: float = 0.95) -> CStatistic:
    """The C-statistic of a score from counts per score value, DeLong interval.

    Parameters
    ----------
    score : sequence of float
        The score of each group (a predicted risk, a LACE score); equal
        scores in several groups are pooled.
    events, non_events : sequence of numbers
        Readmitted and not readmitted stays in each group.
    level : float, default 0.95
        Of the Wald interval c ± z·SE (DeLong), clipped to [0, 1].

    Returns
    -------
    CStatistic
        ``c_statistic``, ``se``, ``ci_low``, ``ci_high``, ``n_events``,
        ``n_non_events``; NaN when there are no events or no non-events.

    Examples
    --------
    Three readmitted stays scored 0.9, 0.6, 0.4 and four others scored 0.7,
    0.6, 0.3, 0.2: of the 12 pairs the readmitted stay scores higher in 8,
    ties in 1, so c = 8.5 / 12:

    >>> c = c_statistic([0.2, 0.3, 0.4, 0.6, 0.7, 0.9], [0, 0, 1, 1, 0, 1], [1, 1, 0, 1, 1, 0])
    >>> round(c.c_statistic, 5), round(c.se ** 2, 5)
    (0.70833, 0.05208)
    """
    if not 0 < level < 1:
        raise ParameterError(f"level must be between 0 and 1, not {level!r}")
    frame = pd.DataFrame({"score": np.asarray(score, dtype=float),
                          "pos": np.asarray(events, dtype=float),
                          "neg": np.asarray(non_events, dtype=float)})
    if frame[["pos", "neg"]].lt(0).any().any():
        raise ParameterError("events and non_events must be counts >= 0")
    g = frame.groupby("score", sort=True)[["pos", "neg"]].sum()
    pos, neg = g["pos"].to_numpy(), g["neg"].to_numpy()
    n_pos, n_neg = pos.sum(), neg.sum()
    if n_pos == 0 or n_neg == 0:
        return CStatistic(np.nan, np.nan, np.nan, np.nan, int(n_pos), int(n_neg))
    neg_below = np.cumsum(neg) - neg                  # non-events with a lower score
    pos_above = n_pos - np.cumsum(pos)                # events with a higher score
    v10 = (neg_below + neg / 2) / n_neg               # placement of each event
    v01 = (pos_above + pos / 2) / n_pos               # placement of each non-event
    c = float((pos * v10).sum() / n_pos)
    s10 = (pos * (v10 - c) ** 2).sum() / (n_pos - 1) if n_pos > 1 else 0.0
    s01 = (neg * (v01 - c) ** 2).sum() / (n_neg - 1) if n_neg > 1 else 0.0
    se = float(np.sqrt(s10 / n_pos + s01 / n_neg))
    z = stats.norm.ppf(0.5 + level / 2)
    return CStatistic(c, se, max(0.0, c - z * se), min(1.0, c + z * se), int(n_pos), int(n_neg))


def c_statistics(model: RiskModel) -> pd.DataFrame:
    """C-statistic of the risk model and of the LACE index per sector (DeLong 95 %).

    Parameters
    ----------
    model : RiskModel

    Returns
    -------
    pandas.DataFrame
        ``sector``, ``predictor`` (``risk_model`` or ``lace``), ``n_index``,
        ``n_readmitted``, ``c_statistic``, ``se``, ``ci_low``, ``ci_high``.
        Both are measured on the stays the model was fitted on (apparent
        discrimination, no cross-validation: with seven categorical
        covariates and a million stays the optimism is negligible).

    Examples
    --------
    >>> c_statistics(model).predictor.tolist()                          # doctest: +SKIP
    ['risk_model', 'lace']
    """
    from readmit.comparison.lace import lace_rates

    lace = lace_rates(model)
    rows = []
    for sector in model.sectors:
        p = model.patterns[model.patterns["sector"] == sector]
        lc = lace[lace["sector"] == sector]
        for name, score, k, n in (
                ("risk_model", p["predicted"], p["n_readmitted"], p["n_index"]),
                ("lace", lc["lace_score"], lc["n_readmitted"], lc["n_index"])):
            c = c_statistic(score, k, n - k)
            rows.append({"sector": sector, "predictor": name, "n_index": int(n.sum()),
                         "n_readmitted": int(k.sum()), "c_statistic": c.c_statistic,
                         "se": c.se, "ci_low": c.ci_low, "ci_high": c.ci_high})
    return pd.DataFrame(rows)


def calibration_by_decile(model: RiskModel, *, groups: int = 10) -> pd.DataFrame:
    """Observed against predicted readmissions by decile of predicted risk, per sector.

    Stays are ordered by predicted risk and cut into ``groups`` groups of
    about equal size. A covariate pattern (stays with the same predicted
    risk) is never split: it goes to the group that holds its middle stay,
    so groups are close to, not exactly, a tenth of the stays (and a group
    may be empty when one pattern holds more than a tenth).

    Parameters
    ----------
    model : RiskModel
    groups : int, default 10

    Returns
    -------
    pandas.DataFrame
        ``sector``, ``decile`` (1 = lowest risk), ``n_index``, ``observed``
        (readmissions), ``expected`` (sum of predicted risks),
        ``observed_rate`` with its Wilson 95 % interval (``ci_low``,
        ``ci_high``) and ``expected_rate``. Small counts:
        :data:`CALIBRATION_SUPPRESSION`.

    Examples
    --------
    >>> calibration_by_decile(model).columns.tolist()[:4]               # doctest: +SKIP
    ['sector', 'decile', 'n_index', 'observed']
    """
    from statsmodels.stats.proportion import proportion_confint

    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 2:
        raise ParameterError(f"groups must be a whole number >= 2, not {groups!r}")
    parts = []
    for sector in model.sectors:
        p = model.patterns[model.patterns["sector"] == sector].sort_values(
            "predicted", kind="mergesort")
        n = p["n_index"].to_numpy(dtype=float)
        middle = np.cumsum(n) - n / 2
        decile = np.minimum((middle * groups / n.sum()).astype(int) + 1, groups)
        g = pd.DataFrame({"decile": decile, "n_index": n, "observed": p["n_readmitted"],
                          "expected": (p["predicted"] * n).to_numpy()})
        g = g.groupby("decile", as_index=False).sum()
        g.insert(0, "sector", sector)
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out["n_index"] = out["n_index"].astype("int64")
    out["observed"] = out["observed"].astype("int64")
    out["observed_rate"] = out["observed"] / out["n_index"]
    low, high = proportion_confint(out["observed"], out["n_index"], method="wilson")
    out["ci_low"], out["ci_high"] = np.asarray(low), np.asarray(high)
    out["expected_rate"] = out["expected"] / out["n_index"]
    return out[["sector", "decile", "n_index", "observed", "expected", "observed_rate",
                "ci_low", "ci_high", "expected_rate"]]
