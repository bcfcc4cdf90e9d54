"""Parameter distributions as written in a scenario file.

A parameter is either a number (fixed) or a mapping naming a distribution::

    reduction: {distribution: triangular, low: 0.05, mode: 0.10, high: 0.15}
    bed_day_cost: {distribution: lognormal, median: 30000, sigma: 0.15}

Known distributions and their fields (all built on :mod:`scipy.stats`):

============  ==============================  ===========================
distribution  fields                          base case
============  ==============================  ===========================
fixed         value                           value
triangular    low, mode, high                 mode
pert          low, mode, high (beta-PERT)     mode
uniform       low, high                       midpoint
beta          alpha, beta [, low, high]       mean
lognormal     median, sigma (of the log)      median
gamma         mean, sd                        mean
normal        mean, sd                        mean
truncnormal   mean, sd, low, high             mean (of the untruncated)
============  ==============================  ===========================

The base case is the value the deterministic result uses; a ``value:`` field
overrides it. A distribution with no spread (``low == high``, ``sigma: 0``,
``sd: 0``) is the fixed value. A distribution whose support reaches outside
the parameter's valid range (a cost below 0, a share above 1) is refused.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from readmit.errors import ParameterError
from readmit.savings.formula import FRACTIONS, check_value

_FIELDS = {
    "fixed": (set(), set()),  # its one field is the ``value`` every kind may have
    "triangular": ({"low", "mode", "high"}, set()),
    "pert": ({"low", "mode", "high"}, set()),
    "uniform": ({"low", "high"}, set()),
    "beta": ({"alpha", "beta"}, {"low", "high"}),
    "lognormal": ({"median", "sigma"}, set()),
    "gamma": ({"mean", "sd"}, set()),
    "normal": ({"mean", "sd"}, set()),
    "truncnormal": ({"mean", "sd", "low", "high"}, set()),
}
KNOWN = tuple(_FIELDS)


@dataclass(frozen=True)
class Distribution:
    """One parameter's distribution: a frozen scipy distribution (``None``
    when fixed) and the base-case value."""

    kind: str
    base: float
    frozen: object = field(default=None, repr=False, compare=False)
    spec: Mapping = field(default_factory=dict, compare=False)

    @property
    def is_fixed(self) -> bool:
        return self.frozen is None

    def draws(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws using ``rng`` (a fixed value repeats, using no random numbers)."""
        if self.frozen is None:
            return np.full(n, self.base)
        return np.asarray(self.frozen.rvs(size=n, random_state=rng), dtype=float)

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (the value itself when fixed)."""
        return self.base if self.frozen is None else float(self.frozen.ppf(q))

    def describe(self) -> str:
        """A short human description, e.g. ``triangular(0.05, 0.1, 0.15)``."""
        if self.frozen is None:
            return _number(self.base)
        args = ", ".join(f"{k}={_number(v)}" for k, v in self.spec.items()
                         if k not in {"distribution", "value"})
        return f"{self.kind}({args})"


def _number(v: float) -> str:
    return f"{v:,.0f}".replace(",", " ") if abs(v) >= 1000 and v == int(v) else f"{v:g}"


def distribution(name: str, spec) -> Distribution:
    """Build the :class:`Distribution` of parameter ``name`` from its file entry.

    Parameters
    ----------
    name : str
        The parameter's name (its valid range is checked: costs >= 0, shares 0-1).
    spec : float or mapping
        A number, or a mapping with ``distribution`` and its fields.

    Returns
    -------
    Distribution

    Examples
    --------
    >>> d = distribution("reduction", {"distribution": "triangular",
    ...                                "low": 0.05, "mode": 0.1, "high": 0.2})
    >>> d.base, round(d.quantile(0.5), 4)
    (0.1, 0.1134)
    >>> distribution("bed_day_cost", 30000).is_fixed
    True
    >>> distribution("reduction", {"distribution": "normal", "mean": 0.1, "sd": 0.05})
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: reduction: a normal distribution reaches outside 0-1; use a bounded one (beta, triangular, pert, truncnormal)
    """
    if not isinstance(spec, Mapping):
        if isinstance(spec, bool) or not isinstance(spec, (int, float)):
            raise ParameterError(f"{name} must be a number or a distribution, not {spec!r}")
        check_value(name, spec)
        return Distribution("fixed", float(spec), None, {"value": float(spec)})
    spec = dict(spec)
    kind = spec.get("distribution")
    if kind not in _FIELDS:
        raise ParameterError(
            f"{name}: unknown distribution {kind!r}; known: {', '.join(KNOWN)}")
    required, optional = _FIELDS[kind]
    if kind == "fixed" and "value" not in spec:
        raise ParameterError(f"{name}: a fixed distribution needs value")
    given = set(spec) - {"distribution", "value"}
    if required - given:
        raise ParameterError(
            f"{name}: a {kind} distribution needs {', '.join(sorted(required - given))}")
    if given - required - optional:
        raise ParameterError(
            f"{name}: a {kind} distribution has no field {sorted(given - required - optional)[0]!r}")
    p = {}
    for key in given | ({"value"} & set(spec)):
        v = spec[key]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
            raise ParameterError(f"{name}: {key} must be a finite number, not {v!r}")
        p[key] = float(v)
    frozen, base = _frozen(name, kind, p)
    if "value" in p:
        base = p["value"]
    check_value(name, base)
    if frozen is not None:
        lo, hi = frozen.support()
        upper = 1.0 if name in FRACTIONS else np.inf
        if lo < 0 or hi > upper:
            bounds = "0-1" if name in FRACTIONS else "0 and up"
            raise ParameterError(
                f"{name}: a {kind} distribution reaches outside {bounds}; use a bounded one "
                "(beta, triangular, pert, truncnormal)")
    return Distribution(kind, base, frozen, spec)


def _frozen(name: str, kind: str, p: dict):
    """(frozen scipy distribution or None if degenerate, base value)."""
    if kind == "fixed":
        return None, p["value"]
    if kind in {"triangular", "pert", "uniform", "truncnormal", "beta"} and "low" in p:
        if p["high"] < p["low"]:
            raise ParameterError(f"{name}: high ({p['high']:g}) is below low ({p['low']:g})")
    if kind in {"triangular", "pert"}:
        lo, mode, hi = p["low"], p["mode"], p["high"]
        if not lo <= mode <= hi:
            raise ParameterError(f"{name}: {kind} needs low <= mode <= high")
        if hi == lo:
            return None, mode
        if kind == "triangular":
            return stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo), mode
        a = 1 + 4 * (mode - lo) / (hi - lo)
        return stats.beta(a, 6 - a, loc=lo, scale=hi - lo), mode
    if kind == "uniform":
        if p["high"] == p["low"]:
            return None, p["low"]
        return stats.uniform(loc=p["low"], scale=p["high"] - p["low"]), (p["low"] + p["high"]) / 2
    if kind == "beta":
        lo, hi = p.get("low", 0.0), p.get("high", 1.0)
        if p["alpha"] <= 0 or p["beta"] <= 0:
            raise ParameterError(f"{name}: beta needs alpha > 0 and beta > 0")
        mean = lo + (hi - lo) * p["alpha"] / (p["alpha"] + p["beta"])
        if hi == lo:
            return None, lo
        return stats.beta(p["alpha"], p["beta"], loc=lo, scale=hi - lo), mean
    if kind == "lognormal":
        if p["median"] <= 0 or p["sigma"] < 0:
            raise ParameterError(f"{name}: lognormal needs median > 0 and sigma >= 0")
        if p["sigma"] == 0:
            return None, p["median"]
        return stats.lognorm(s=p["sigma"], scale=p["median"]), p["median"]
    if p["sd"] < 0:
        raise ParameterError(f"{name}: sd must be >= 0")
    if p["sd"] == 0:
        return None, p["mean"]
    if kind == "gamma":
        if p["mean"] <= 0:
            raise ParameterError(f"{name}: gamma needs mean > 0")
        shape = (p["mean"] / p["sd"]) ** 2
        return stats.gamma(shape, scale=p["sd"] ** 2 / p["mean"]), p["mean"]
    if kind == "normal":
        return stats.norm(p["mean"], p["sd"]), p["mean"]
    lo, hi = p["low"], p["high"]  # truncnormal
    if not lo <= p["mean"] <= hi:
        raise ParameterError(f"{name}: truncnormal needs low <= mean <= high")
    if hi == lo:
        return None, lo
    a, b = (lo - p["mean"]) / p["sd"], (hi - p["mean"]) / p["sd"]
    return stats.truncnorm(a, b, loc=p["mean"], scale=p["sd"]), p["mean"]
