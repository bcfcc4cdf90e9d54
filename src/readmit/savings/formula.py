"""The savings formula of definitions.md, and the checks on its parameters.

``saving = r × (bed_days × bed_day_cost + ukp_days × (ukp_cost_municipality
+ ukp_cost_hospital))``, with ``r`` the reduction of readmissions and each
cost component switchable. Every function here accepts scalars or NumPy
arrays of equal length (one element per Monte Carlo draw) and returns the
same shape.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from readmit.errors import ParameterError

#: Defaults of definitions.md (the Helse Vest pre-project report), NOK.
BED_DAY_COST = 30_000.0
UKP_COST_MUNICIPALITY = 5_000.0
UKP_COST_HOSPITAL = 10_000.0
REDUCTION = 0.10

#: The cost components that can be switched off, and the parameter each prices.
COMPONENTS = {
    "bed_days": "bed_day_cost",
    "ukp_municipality": "ukp_cost_municipality",
    "ukp_hospital": "ukp_cost_hospital",
}

#: Parameters that are shares and must lie in [0, 1].
FRACTIONS = frozenset({
    "reduction", "target_share", "ukp_days_reduction", "bed_day_cost_reduction",
    "bed_day_cost_reduction_share", "mortality_reduction", "six_month_mortality",
    "discount_rate",
})


def check_value(name: str, value) -> None:
    """Raise :class:`ParameterError` unless ``value`` is valid for ``name``.

    Every parameter is a finite number >= 0; shares (:data:`FRACTIONS`) also
    lie at most at 1.

    Examples
    --------
    >>> check_value("reduction", 0.1)
    >>> check_value("bed_day_cost", -1)
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: bed_day_cost must be >= 0, not -1
    """
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be a finite number, not {value!r}")
    if np.any(arr < 0):
        shown = value if arr.ndim == 0 else f"draws down to {arr.min():g}"
        raise ParameterError(f"{name} must be >= 0, not {shown}")
    if name in FRACTIONS and np.any(arr > 1):
        shown = value if arr.ndim == 0 else f"draws up to {arr.max():g}"
        raise ParameterError(f"{name} must be between 0 and 1, not {shown}")


def saving(
    reduction=REDUCTION,
    bed_days=0.0,
    ukp_days=0.0,
    bed_day_cost=BED_DAY_COST,
    ukp_cost_municipality=UKP_COST_MUNICIPALITY,
    ukp_cost_hospital=UKP_COST_HOSPITAL,
    components: Mapping[str, bool] | None = None,
):
    """Gross saving in NOK of reducing readmissions by ``reduction``.

    Parameters
    ----------
    reduction : float or ndarray
        Share of readmissions avoided, 0-1.
    bed_days, ukp_days : float or ndarray
        Baseline readmission bed days and readmission ready-for-discharge
        (UKP) days.
    bed_day_cost, ukp_cost_municipality, ukp_cost_hospital : float or ndarray
        NOK per bed day, and per UKP day to the municipality and the hospital.
    components : mapping, optional
        ``{"bed_days": bool, "ukp_municipality": bool, "ukp_hospital": bool}``;
        a component set to False is left out. All are on by default.

    Returns
    -------
    float or ndarray
        The saving, NOK (a float for scalar input).

    Examples
    --------
    The worked example of the pre-project report, both ways:

    >>> saving(0.10, bed_days=100_968)
    302904000.0
    >>> saving(0.10, bed_days=90_000, ukp_days=21_936)
    302904000.0
    >>> saving(0.10, bed_days=90_000, ukp_days=21_936, components={"bed_days": False})
    32904000.0
    """
    on = component_switches(components)
    values = {
        "reduction": reduction, "bed_days": bed_days, "ukp_days": ukp_days,
        "bed_day_cost": bed_day_cost, "ukp_cost_municipality": ukp_cost_municipality,
        "ukp_cost_hospital": ukp_cost_hospital,
    }
    for name, value in values.items():
        check_value(name, value)
    bed = np.multiply(bed_days, bed_day_cost) if on["bed_days"] else 0.0
    ukp_cost = (np.asarray(ukp_cost_municipality, float) * on["ukp_municipality"]
                + np.asarray(ukp_cost_hospital, float) * on["ukp_hospital"])
    result = np.multiply(reduction, bed + np.multiply(ukp_days, ukp_cost))
    return float(result) if np.ndim(result) == 0 else result


def component_switches(components: Mapping[str, bool] | None) -> dict[str, bool]:
    """All cost components with their on/off switch (missing ones are on).

    Examples
    --------
    >>> component_switches({"ukp_hospital": False})
    {'bed_days': True, 'ukp_municipality': True, 'ukp_hospital': False}
    """
    given = dict(components or {})
    unknown = sorted(set(given) - set(COMPONENTS))
    if unknown:
        raise ParameterError(
            f"unknown cost component {unknown[0]!r}; known: {', '.join(COMPONENTS)}")
    for name, flag in given.items():
        if not isinstance(flag, bool):
            raise ParameterError(f"cost component {name!r} must be true or false, not {flag!r}")
    return {name: given.get(name, True) for name in COMPONENTS}
