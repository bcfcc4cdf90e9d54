"""The Aalen–Johansen cumulative incidence of one event with a competing event,
exact on tied times, from counts per time point.

:func:`cumulative_incidence` takes, for each time point in order (in readmit
a whole day after discharge), how many left the risk set by the event of
interest, by the competing event and by censoring, and returns the
cumulative incidence of both events, its standard error and 95 % interval,
and the naive 1 − Kaplan–Meier that treats the competing event as censoring.
All events of a time point are handled at once (no jitter), censoring on a
time point counts after its events (the censored were at risk), and an event
at time 0 counts. The counts are all it needs, so the data behind them can
be aggregated in SQL first: 4.5 million index stays become a few hundred
rows per group.

Estimator, with n(t) at risk at the start of t, d₁(t) events, d₂(t)
competing events, d = d₁ + d₂, and S the all-cause Kaplan–Meier::

    S(t)  = Π_{s≤t} (1 − d(s)/n(s))
    F₁(t) = Σ_{s≤t} S(s−1) · d₁(s)/n(s)

Variance: the delta-method estimator of Dinse and Larson (1986, eq. 6),
as given by Marubini and Valsecchi (1995, eq. 10.13) — the one statsmodels'
``CumIncidenceRight``, Stata's ``stcompet`` and SAS PROC LIFETEST (the
"Delta" method) compute::

    Var F₁(t) = Σ_{s≤t} [F₁(t) − F₁(s)]² · d(s) / (n(s)(n(s) − d(s)))
              + Σ_{s≤t} S(s−1)² · d₁(s)(n(s) − d₁(s)) / n(s)³
              − 2 Σ_{s≤t} [F₁(t) − F₁(s)] · S(s−1) · d₁(s) / n(s)²

(the first sum skips a time where everyone at risk has an event, where its
factor [F₁(t) − F₁(s)] is 0). The sums are expanded into cumulative sums, so
the whole curve costs O(number of time points). The interval is the
log(−log) transform, which stays inside [0, 1]: F₁^exp(±z·SE/(F₁·log F₁));
a time with F₁ = 0 has the interval [0, 0].

References: Dinse GE, Larson MG (1986), Biometrika 73:379-386; Marubini E,
Valsecchi MG (1995), Analysing Survival Data from Clinical Trials and
Observational Studies, Wiley, ch. 10; Pintilie M (2006), Competing Risks:
A Practical Perspective, Wiley.

Examples
--------
Six index stays followed for up to 5 days: a readmission on day 0, a
readmission and a death on day 2 (two different stays), a censoring on day
3, a readmission on day 4 and one stay censored at day 5:

>>> cif = cumulative_incidence(events=[1, 0, 1, 0, 1, 0], competing=[0, 0, 1, 0, 0, 0],
...                            censored=[0, 0, 0, 1, 0, 1])
>>> cif[["n_at_risk", "cif", "cif_competing"]].round(4).values.tolist()
[[6.0, 0.1667, 0.0], [5.0, 0.1667, 0.0], [5.0, 0.3333, 0.1667],
 [3.0, 0.3333, 0.1667], [2.0, 0.5833, 0.1667], [1.0, 0.5833, 0.1667]]
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from readmit.errors import ParameterError

__all__ = ["cumulative_incidence", "log_log_interval"]


def cumulative_incidence(events: Sequence[float], competing: Sequence[float],
                         censored: Sequence[float], *, n_total: float | None = None,
                         confidence: float = 0.95) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence from counts per ordered time point.

    Parameters
    ----------
    events, competing, censored : sequences of counts, one per time point
        How many left the risk set at each time point (in time order) by the
        event of interest, by the competing event, and censored. A time
        point with none of them is allowed (the estimates carry over).
    n_total : number, optional
        At risk at the first time point; default the sum of all counts.
    confidence : float, default 0.95
        Level of the pointwise interval.

    Returns
    -------
    pandas.DataFrame
        One row per time point: ``n_at_risk`` (at its start), ``cif``,
        ``se``, ``ci_low``, ``ci_high`` (the event of interest),
        ``cif_competing``, ``se_competing``, and ``naive`` = 1 − Kaplan–Meier
        with the competing event treated as censoring.

    Examples
    --------
    Five followed: day 0, one event and two censored (F = 1/5); day 1, of the
    two left one event and one competing event (F = 1/5 + 4/5 · 1/2):

    >>> cumulative_incidence([1, 1], [0, 1], [2, 0])["cif"].round(6).tolist()
    [0.2, 0.6]
    """
    d1 = _counts(events, "events")
    d2 = _counts(competing, "competing")
    c = _counts(censored, "censored")
    if not (len(d1) == len(d2) == len(c)):
        raise ParameterError("events, competing and censored must have the same length, "
                             f"not {len(d1)}, {len(d2)}, {len(c)}")
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence must be between 0 and 1, not {confidence!r}")
    exits = d1 + d2 + c
    total = float(exits.sum()) if n_total is None else float(n_total)
    if total < exits.sum() - 1e-9:
        raise ParameterError(f"n_total ({n_total}) is smaller than the counts' sum "
                             f"({exits.sum():g})")
    n = total - np.r_[0.0, np.cumsum(exits)[:-1]]
    d = d1 + d2
    with np.errstate(divide="ignore", invalid="ignore"):
        surv = np.cumprod(np.where(n > 0, 1.0 - d / n, 1.0))
        s_prev = np.r_[1.0, surv[:-1]]
        naive = 1.0 - np.cumprod(np.where(n > 0, 1.0 - d1 / n, 1.0))
        f1, v1 = _incidence_and_variance(d1, d, n, s_prev)
        f2, v2 = _incidence_and_variance(d2, d, n, s_prev)
    se1, se2 = np.sqrt(v1), np.sqrt(v2)
    low, high = log_log_interval(f1, se1, confidence=confidence)
    return pd.DataFrame({"n_at_risk": n, "cif": f1, "se": se1, "ci_low": low, "ci_high": high,
                         "cif_competing": f2, "se_competing": se2, "naive": naive})


def _incidence_and_variance(dk: np.ndarray, d: np.ndarray, n: np.ndarray,
                            s_prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """F_k and its delta-method variance (module docstring), by cumulative sums."""
    pos = n > 0
    step = np.where(pos, s_prev * dk / np.where(pos, n, 1.0), 0.0)
    f = np.cumsum(step)
    # Σ [F(t) − F(s)]² r(s) = F(t)² Σr − 2F(t) Σ F r + Σ F² r, r = d / (n(n − d))
    r = np.where(pos & (n > d), d / np.where(pos & (n > d), n * (n - d), 1.0), 0.0)
    a = f ** 2 * np.cumsum(r) - 2 * f * np.cumsum(f * r) + np.cumsum(f ** 2 * r)
    n_safe = np.where(pos, n, 1.0)
    b = np.cumsum(np.where(pos, s_prev ** 2 * dk * (n - dk) / n_safe ** 3, 0.0))
    # − 2 Σ [F(t) − F(s)] q(s), q = S(s−1) d_k / n²
    q = np.where(pos, s_prev * dk / n_safe ** 2, 0.0)
    cross = -2 * (f * np.cumsum(q) - np.cumsum(f * q))
    return f, np.clip(a + b + cross, 0.0, None)


def log_log_interval(cif: np.ndarray, se: np.ndarray, *, confidence: float = 0.95
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The log(−log) interval of a cumulative incidence: F^exp(±z·SE/(F·log F)).

    ``cif`` 0 gives [0, 0]; a standard error of 0 gives [F, F].

    Examples
    --------
    >>> low, high = log_log_interval(np.array([0.0, 0.2]), np.array([0.0, 0.05]))
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.0, 0.1128], [0.0, 0.3051])
    """
    f = np.asarray(cif, dtype=float)
    s = np.asarray(se, dtype=float)
    z = stats.norm.isf((1 - confidence) / 2)
    ok = (f > 0) & (f < 1) & (s > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_f = np.log(np.where(ok, f, 0.5))
        theta = z * s / (np.where(ok, f, 1.0) * log_f)
        low = np.where(ok, np.exp(np.exp(-theta) * log_f), f)
        high = np.where(ok, np.exp(np.exp(theta) * log_f), f)
    return low, high


def _counts(values: Sequence[float], name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be a one-dimensional sequence of counts")
    if (arr < 0).any() or not np.isfinite(arr).all():
        raise ParameterError(f"{name} must be counts >= 0")
    return arr
