"""Funnel plot limits for O/E, with overdispersion handled as NHS practice does.

Control limits (Spiegelhalter, Stat Med 2005;24:1185-202) at 95 % and 99.8 %
around O/E = 1, as a function of the expected count E:

- ``overdispersion="none"``: exact Poisson limits for O given E, divided by
  E (as FunnelPlotR's unadjusted limits: ``χ²(p; 2E) / 2E`` below and
  ``χ²(1 − p; 2(E + 1)) / 2E`` above).
- With overdispersion, z-scores of the units on a transformed scale give the
  dispersion φ = mean z² after trimming the extremes (FunnelPlotR,
  nhs-r-community; Spiegelhalter, Qual Saf Health Care 2005;14:347-51):
  ``sr_method="SHMI"`` (FunnelPlotR's default, NHS Digital's SHMI):
  z = √E · log(O/E), the 10 % at each end truncated (left out);
  ``sr_method="CQC"`` (Spiegelhalter's): z = 2√E (√(O/E) − 1), Winsorised
  at 10 % (pulled in to the 10th and 90th percentiles).

  ``"additive"`` (random effects): when nφ > n − 1, a between-unit variance
  τ² = (nφ − (n − 1)) / (Σw − Σw²/Σw), w = 1/s², is added to each unit's
  s² on the transformed scale: ``exp(±z·√(1/E + τ²))`` (SHMI) or
  ``(1 ± z·√(1/4E + τ²))²`` (CQC). ``"multiplicative"``: s² is multiplied
  by φ. When φ ≤ 1 there is no overdispersion and both are the plain
  Poisson limits (as FunnelPlotR draws them).

Where this deviates from FunnelPlotR 0.5.x: its CQC limits are left on the
square-root scale (``1 ± z·√(s² + τ²)``); here they are squared back to the
ratio scale, as Spiegelhalter's paper does. Units with O = 0 have no
log-scale z-score (−∞); they are left out of φ and τ² (FunnelPlotR would
return φ = ∞ unless truncation drops them). Expected counts are not rounded
to 2 decimals (FunnelPlotR's ``SHMI_rounding``). The exact Poisson lower
limit is 0 while O = 0 is not unusual (see :func:`poisson_limits`).

Examples
--------
FunnelPlotR's own test (tests/testthat/test-classes_methods.R): six units,

>>> d = dispersion([100, 150, 180, 80, 120, 225], [108, 112, 165, 95, 100, 220])
>>> round(d.phi, 6)
2.948033
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
    from readmit.rule import Readmissions

__all__ = ["funnel", "funnel_limits", "poisson_limits", "dispersion", "Dispersion",
           "outside_limits", "OVERDISPERSION", "SR_METHODS", "FUNNEL_COLUMNS",
           "FUNNEL_SUPPRESSION"]

#: How the limits handle overdispersion.
OVERDISPERSION = ("none", "multiplicative", "additive")
#: How the z-scores for φ are formed (FunnelPlotR's ``sr_method``).
SR_METHODS = ("SHMI", "CQC")
#: The columns of ``readmit analyse EXTRACT funnel``.
FUNNEL_COLUMNS = ["unit", "n_index", "observed", "expected", "ratio", "ci_low", "ci_high",
                  "limit95_low", "limit95_high", "limit998_low", "limit998_high", "outside"]
LIMITS = ["limit95_low", "limit95_high", "limit998_low", "limit998_high"]
_OE = ["n_index", "observed"]
#: Counts of :func:`funnel` and what is computed from them. A unit's expected
#: count is computed from its index stays, but it follows the observed count
#: closely (over all units E = O; with one unit they are equal), and its limits
#: follow from E: all are hidden with a small observed count.
FUNNEL_SUPPRESSION = {
    "counts": ["n_index", "observed"],
    "derived": {"expected": _OE, "ratio": _OE, "ci_low": _OE, "ci_high": _OE,
                "crude_rate": _OE, "standardised_rate": _OE, "standardised_ci_low": _OE,
                "standardised_ci_high": _OE, "outside": _OE, "z": _OE,
                **{c: _OE for c in LIMITS}},
}
_Z95 = stats.norm.ppf(0.975)      # 1.959964
_Z998 = stats.norm.ppf(0.999)     # 3.090232


class Dispersion(NamedTuple):
    """The overdispersion of a set of units (FunnelPlotR's φ and τ²)."""

    phi: float
    tau2: float
    n: int                 # the units whose z-scores entered φ
    z: np.ndarray          # every unit's z-score before trimming


def funnel(
    source: Readmissions | RiskModel,
    *,
    unit: str = "institusjonID",
    year: int | None = None,
    sector: str | None = None,
    overdispersion: str = "additive",
    sr_method: str = "SHMI",
    trim_by: float = 0.1,
) -> pd.DataFrame:
    """O/E per unit with its funnel plot's 95 % and 99.8 % control limits.

    Parameters
    ----------
    source : readmit.Readmissions or RiskModel
        A rule (the default risk model is fitted on it) or a fitted model.
    unit : {"institusjonID", "komnr"}
        Trusts or municipalities of residence.
    year : int, optional
        Only this discharge year; default the whole period (all eligible
        index stays: those with complete follow-up).
    sector : {"somatic", "vop", "tsb"}, optional
        Only this sector; default every sector of the rule, pooled.
    overdispersion : {"additive", "multiplicative", "none"}, default "additive"
        See the module's text; the limits fall back to plain Poisson ones
        when φ ≤ 1.
    sr_method : {"SHMI", "CQC"}, default "SHMI"
        The scale and trimming of the z-scores (FunnelPlotR's ``sr_method``).
    trim_by : float, default 0.1
        The share trimmed at each end before φ is computed.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`readmit.comparison.observed_expected`, then
        ``limit95_low``, ``limit95_high``, ``limit998_low``,
        ``limit998_high`` (at the unit's E), ``outside`` (``above99.8``,
        ``above95``, ``below95``, ``below99.8`` or ``""``), ``z`` (the
        unit's z-score), and the funnel's constants: ``overdispersion``,
        ``sr_method``, ``phi``, ``tau2``, ``adjusted`` (whether the limits
        are overdispersed: φ > 1 and not ``"none"``) and ``mean_risk``
        (ΣE/Σn, to draw the funnel against the number of index stays).
        Small counts: :data:`FUNNEL_SUPPRESSION`.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> f = funnel(readmit.Readmissions(ex, sector="somatic"), overdispersion="none")
    >>> f[FUNNEL_COLUMNS].columns.tolist() == FUNNEL_COLUMNS
    True
    >>> ex.close()
    """
    from readmit.comparison.observed_expected import observed_expected

    _check_method(overdispersion, sr_method, trim_by)
    table = observed_expected(source, unit=unit, year=year, sector=sector)
    d = dispersion(table["observed"], table["expected"], sr_method=sr_method, trim_by=trim_by)
    limits = funnel_limits(table["expected"], overdispersion=overdispersion, phi=d.phi,
                           tau2=d.tau2, sr_method=sr_method)
    for c in LIMITS:
        table[c] = limits[c].to_numpy()
    table["outside"] = outside_limits(table["ratio"], limits).to_numpy()
    table["z"] = d.z
    table["overdispersion"] = overdispersion
    table["sr_method"] = sr_method
    table["phi"] = d.phi
    table["tau2"] = d.tau2
    table["adjusted"] = overdispersion != "none" and d.phi > 1
    table["mean_risk"] = float(table["expected"].sum() / table["n_index"].sum())
    return table


def poisson_limits(expected: Sequence[float], *, target: float = 1.0) -> pd.DataFrame:
    """Exact Poisson 95 % and 99.8 % limits of O/E for each expected count E.

    As FunnelPlotR's unadjusted limits for a standardised ratio:
    ``target · χ²(p; 2E) / 2E`` and ``target · χ²(1 − p; 2(E + 1)) / 2E``;
    except that the lower limit is 0 while no readmission at all is not
    unusual (P(O = 0 | E) = exp(−E) ≥ p, i.e. E ≤ 3.69 for the 95 % limit and
    E ≤ 6.91 for the 99.8 % one): the continuous χ² curve would put every
    unit with O = 0 below both limits however small its E.

    Examples
    --------
    FunnelPlotR's tests/testthat/test-poisson_limits.R:

    >>> lim = poisson_limits([15, 20, 30])
    >>> lim.limit95_low.round(7).tolist()
    [0.5596924, 0.610826, 0.6746958]
    """
    e = np.asarray(expected, dtype=float)
    out = {}
    for suffix, p in (("95", 0.025), ("998", 0.001)):
        with np.errstate(divide="ignore", invalid="ignore"):
            low = target * stats.chi2.ppf(p, 2 * e) / 2 / e
            out[f"limit{suffix}_low"] = np.where(np.exp(-e) >= p, 0.0, low)
            out[f"limit{suffix}_high"] = target * stats.chi2.ppf(1 - p, 2 * (e + 1)) / 2 / e
    return pd.DataFrame(out)[LIMITS]


def funnel_limits(
    expected: Sequence[float],
    *,
    overdispersion: str = "none",
    phi: float = 1.0,
    tau2: float = 0.0,
    sr_method: str = "SHMI",
) -> pd.DataFrame:
    """95 % and 99.8 % limits of O/E at each expected count, overdispersed or not.

    Parameters
    ----------
    expected : sequence of float
    overdispersion : {"none", "multiplicative", "additive"}
    phi, tau2 : float
        From :func:`dispersion`. When ``phi`` <= 1 (or ``"none"``) the limits
        are :func:`poisson_limits`.
    sr_method : {"SHMI", "CQC"}
        The transformed scale: log (SHMI) or square root (CQC).

    Returns
    -------
    pandas.DataFrame
        ``limit95_low``, ``limit95_high``, ``limit998_low``, ``limit998_high``.

    Examples
    --------
    >>> lim = funnel_limits([100.0], overdispersion="additive", phi=2.0, tau2=0.01)
    >>> round(float(lim.limit95_high[0]), 4)   # exp(1.959964 * sqrt(1/100 + 0.01))
    1.3194
    """
    _check_method(overdispersion, sr_method, 0.1)
    e = np.asarray(expected, dtype=float)
    if overdispersion == "none" or not phi > 1:
        return poisson_limits(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        if sr_method == "SHMI":
            s2 = 1 / e
        else:
            s2 = 1 / (4 * e)
        sd = np.sqrt(s2 + tau2) if overdispersion == "additive" else np.sqrt(phi * s2)
    out = {}
    for suffix, z in (("95", _Z95), ("998", _Z998)):
        if sr_method == "SHMI":
            low, high = np.exp(-z * sd), np.exp(z * sd)
        else:
            low, high = np.clip(1 - z * sd, 0, None) ** 2, (1 + z * sd) ** 2
        out[f"limit{suffix}_low"], out[f"limit{suffix}_high"] = low, high
    return pd.DataFrame(out)[LIMITS]


def dispersion(observed: Sequence[float], expected: Sequence[float], *,
               sr_method: str = "SHMI", trim_by: float = 0.1) -> Dispersion:
    """φ and τ² of a set of units from their observed and expected counts.

    Parameters
    ----------
    observed, expected : sequence of float
    sr_method : {"SHMI", "CQC"}
        ``"SHMI"``: z = √E·log(O/E); units ranked (average ties), rank r of
        n kept when 0 < ⌊r·k/(n + 1)⌋ < k − 1 with k = 1/``trim_by``
        (FunnelPlotR's truncation). ``"CQC"``: z = 2√E(√(O/E) − 1),
        Winsorised at the ``trim_by`` and 1 − ``trim_by`` quantiles (R's
        default type 7).
    trim_by : float, default 0.1

    Returns
    -------
    Dispersion
        ``phi`` (mean z² of the units kept), ``tau2`` (0 when nφ < n − 1),
        ``n`` (units in φ), ``z`` (each unit's z-score).

    Examples
    --------
    >>> d = dispersion([100, 150, 180, 80, 120, 225], [108, 112, 165, 95, 100, 220])
    >>> d.n, round(d.tau2, 6)
    (6, 0.019478)
    """
    _check_method("none", sr_method, trim_by)
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if sr_method == "SHMI":
            z = np.sqrt(e) * np.log(o / e)
            s = 1 / np.sqrt(e)
            k = 1 / trim_by
            rank = stats.rankdata(z, method="average")
            group = np.floor(rank * k / (len(z) + 1))
            kept = (group > 0) & (group < k - 1)
            zs = z
        else:
            z = (np.sqrt(o / e) - 1) / (1 / (2 * np.sqrt(e)))
            s = 1 / (2 * np.sqrt(e))
            kept = np.ones(len(z), dtype=bool)
            lo, hi = np.quantile(z[np.isfinite(z)], [trim_by, 1 - trim_by]) \
                if np.isfinite(z).any() else (np.nan, np.nan)
            zs = np.clip(z, lo, hi)
    kept &= np.isfinite(zs)
    n = int(kept.sum())
    if n == 0:
        return Dispersion(np.nan, 0.0, 0, z)
    phi = float(np.mean(zs[kept] ** 2))
    w = 1 / s[kept] ** 2
    spread = w.sum() - (w ** 2).sum() / w.sum()     # 0 when one unit is kept
    if n * phi < n - 1 or not spread > 0:
        tau2 = 0.0
    else:
        tau2 = max(0.0, (n * phi - (n - 1)) / spread)
    return Dispersion(phi, float(tau2), n, z)


def outside_limits(ratio: Sequence[float], limits: pd.DataFrame) -> pd.Series:
    """``above99.8``, ``above95``, ``below95``, ``below99.8`` or ``""`` for each
    ratio against its limits (a ratio on a limit is inside, as FunnelPlotR).

    Examples
    --------
    >>> lim = pd.DataFrame({"limit95_low": [0.8] * 3, "limit95_high": [1.2] * 3,
    ...                     "limit998_low": [0.7] * 3, "limit998_high": [1.3] * 3})
    >>> outside_limits([1.25, 1.2, 0.6], lim).tolist()
    ['above95', '', 'below99.8']
    """
    r = np.asarray(ratio, dtype=float)
    out = np.select(
        [r > limits["limit998_high"].to_numpy(), r > limits["limit95_high"].to_numpy(),
         r < limits["limit998_low"].to_numpy(), r < limits["limit95_low"].to_numpy()],
        ["above99.8", "above95", "below99.8", "below95"], default="")
    return pd.Series(out, index=limits.index, dtype=object)


def _check_method(overdispersion: str, sr_method: str, trim_by: float) -> None:
    if overdispersion not in OVERDISPERSION:
        raise ParameterError(f"overdispersion must be one of {', '.join(OVERDISPERSION)}, "
                             f"not {overdispersion!r}")
    if sr_method not in SR_METHODS:
        raise ParameterError(f"sr_method must be one of {', '.join(SR_METHODS)}, "
                             f"not {sr_method!r}")
    if isinstance(trim_by, bool) or not isinstance(trim_by, (int, float)) \
            or not 0 < trim_by < 0.5:
        raise ParameterError(f"trim_by must be a share between 0 and 0.5, not {trim_by!r}")
