"""From parameter values to a scenario's outcomes: gross and net saving,
return on investment and break-even cost, per year and over a horizon.

The effects of an intervention apply in this order, so that none is counted
twice:

1. ``reduction`` of readmissions among the ``target_share`` of them: the
   formula of definitions.md with ``r = reduction × target_share``;
2. ``ukp_days_reduction``: the remaining ready-for-discharge days fall by
   that share (faster municipal reception);
3. ``bed_day_cost_reduction``: the remaining bed days of the
   ``bed_day_cost_reduction_share`` target group cost that share less
   (hospital at home);
4. ``mortality_reduction``: deaths within six months among
   ``target_persons`` with baseline ``six_month_mortality`` (reported as
   deaths averted, not priced).

Every value may be a scalar or an array of draws; outcomes have the same shape.
Money in year ``t`` (1 = the first year) is discounted by
``(1 + discount_rate) ** -(t - 1)``; the start cost falls in year 1.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from readmit.errors import ParameterError
from readmit.savings import formula

#: Every parameter a scenario may set: (default, label with unit).
PARAMETERS: dict[str, tuple[float | None, str]] = {
    "bed_days": (None, "Readmission bed days per year"),
    "ukp_days": (0.0, "Readmission ready-for-discharge days per year"),
    "reduction": (0.0, "Reduction of readmissions (share)"),
    "target_share": (1.0, "Share of readmissions in the target group"),
    "bed_day_cost": (formula.BED_DAY_COST, "Bed-day cost (NOK)"),
    "ukp_cost_municipality": (formula.UKP_COST_MUNICIPALITY,
                              "Ready-for-discharge day, municipality (NOK)"),
    "ukp_cost_hospital": (formula.UKP_COST_HOSPITAL, "Ready-for-discharge day, hospital (NOK)"),
    "ukp_days_reduction": (0.0, "Reduction of ready-for-discharge days (share)"),
    "bed_day_cost_reduction": (0.0, "Bed-day cost reduction in target group (share)"),
    "bed_day_cost_reduction_share": (1.0, "Share of bed days with the lower cost"),
    "target_persons": (0.0, "Persons in the target group per year"),
    "six_month_mortality": (0.0, "Six-month mortality in the target group (share)"),
    "mortality_reduction": (0.0, "Reduction of six-month mortality (share)"),
    "intervention_cost_per_year": (0.0, "Intervention running cost per year (NOK)"),
    "intervention_start_cost": (0.0, "Intervention start cost (NOK)"),
    "discount_rate": (0.0, "Discount rate per year"),
}

#: Outcomes returned by :func:`outcomes`, with labels.
OUTCOMES = {
    "gross_saving_per_year": "Gross saving per year (NOK)",
    "gross_saving": "Gross saving over the horizon, discounted (NOK)",
    "intervention_cost": "Intervention cost over the horizon, discounted (NOK)",
    "net_saving": "Net saving over the horizon, discounted (NOK)",
    "roi": "Return on investment (net saving / cost)",
    "break_even_cost": "Break-even intervention cost over the horizon (NOK)",
    "break_even_cost_per_year": "Break-even running cost per year (NOK)",
    "avoided_bed_days": "Avoided bed days per year",
    "avoided_ukp_days": "Avoided ready-for-discharge days per year",
    "deaths_averted": "Deaths within six months averted per year",
}


def outcomes(values: Mapping[str, object], horizon_years: int = 1,
             components: Mapping[str, bool] | None = None) -> dict[str, np.ndarray | float]:
    """Outcomes of one scenario for the given parameter values.

    Parameters
    ----------
    values : mapping
        Parameter name -> scalar or array of draws; missing ones take the
        defaults of :data:`PARAMETERS` (``bed_days`` has none).
    horizon_years : int
        Years the intervention runs.
    components : mapping, optional
        Cost components switched on or off (see :func:`formula.saving`).

    Returns
    -------
    dict
        One entry per :data:`OUTCOMES` key. ``roi`` is NaN where the cost is 0.

    Examples
    --------
    >>> o = outcomes({"bed_days": 100_968, "reduction": 0.1,
    ...               "intervention_cost_per_year": 100e6}, horizon_years=2)
    >>> o["gross_saving_per_year"], o["net_saving"], round(o["roi"], 4)
    (302904000.0, 405808000.0, 2.029)
    """
    v = full_values(values)
    if not isinstance(horizon_years, (int, np.integer)) or horizon_years < 1:
        raise ParameterError(f"horizon_years must be a whole number >= 1, not {horizon_years!r}")
    on = formula.component_switches(components)
    r = np.multiply(v["reduction"], v["target_share"])
    costs = {k: v[k] for k in ("bed_day_cost", "ukp_cost_municipality", "ukp_cost_hospital")}
    readmissions = formula.saving(r, v["bed_days"], v["ukp_days"], **costs, components=on)
    ukp_day_cost = (np.asarray(v["ukp_cost_municipality"], float) * on["ukp_municipality"]
                    + np.asarray(v["ukp_cost_hospital"], float) * on["ukp_hospital"])
    remaining_bed = np.multiply(v["bed_days"], 1 - r)
    remaining_ukp = np.multiply(v["ukp_days"], 1 - r)
    fewer_ukp = np.multiply(v["ukp_days_reduction"], remaining_ukp)
    home_share = np.multiply(v["bed_day_cost_reduction"], v["bed_day_cost_reduction_share"])
    cheaper_bed = home_share * remaining_bed * np.asarray(v["bed_day_cost"], float) * on["bed_days"]
    gross = readmissions + fewer_ukp * ukp_day_cost + cheaper_bed

    factor = annuity_factor(v["discount_rate"], horizon_years)
    pv_gross = gross * factor
    pv_cost = v["intervention_start_cost"] + np.multiply(v["intervention_cost_per_year"], factor)
    net = pv_gross - pv_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        roi = np.where(np.asarray(pv_cost) > 0, net / np.where(pv_cost > 0, pv_cost, 1), np.nan)
    out = {
        "gross_saving_per_year": gross,
        "gross_saving": pv_gross,
        "intervention_cost": pv_cost,
        "net_saving": net,
        "roi": roi,
        "break_even_cost": pv_gross,
        "break_even_cost_per_year": gross - np.divide(v["intervention_start_cost"], factor),
        "avoided_bed_days": np.multiply(r, v["bed_days"]),
        "avoided_ukp_days": np.multiply(r, v["ukp_days"]) + fewer_ukp,
        "deaths_averted": np.multiply(np.multiply(v["target_persons"], v["six_month_mortality"]),
                                      v["mortality_reduction"]),
    }
    return {k: float(x) if np.ndim(x) == 0 else np.asarray(x, float) for k, x in out.items()}


def full_values(values: Mapping[str, object]) -> dict[str, object]:
    """``values`` completed with the defaults of :data:`PARAMETERS`, checked.

    Examples
    --------
    >>> full_values({"bed_days": 10})["bed_day_cost"]
    30000.0
    """
    unknown = sorted(set(values) - set(PARAMETERS))
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r}; known: {', '.join(PARAMETERS)}")
    out = {}
    for name, (default, _) in PARAMETERS.items():
        value = values.get(name, default)
        if value is None:
            raise ParameterError(
                f"no baseline {name}: give it, or take it from an extract")
        formula.check_value(name, value)
        out[name] = value
    return out


def annuity_factor(discount_rate, horizon_years: int):
    """Sum of discount factors over the horizon: ``sum((1+d)**-(t-1), t=1..H)``.

    Examples
    --------
    >>> annuity_factor(0.0, 5)
    5.0
    >>> round(annuity_factor(0.04, 2), 6)
    1.961538
    """
    t = np.arange(horizon_years, dtype=float)
    d = np.asarray(discount_rate, float)
    result = np.sum((1 + d[..., None]) ** -t, axis=-1)
    return float(result) if result.ndim == 0 else result


def per_year(values: Mapping[str, object], horizon_years: int,
             components: Mapping[str, bool] | None = None) -> pd.DataFrame:
    """The base case year by year: gross saving, cost, net, discounted, cumulative.

    Examples
    --------
    >>> t = per_year({"bed_days": 100_968, "reduction": 0.1,
    ...               "intervention_start_cost": 400e6}, horizon_years=2)
    >>> t["cumulative_net_saving"].tolist()
    [-97096000.0, 205808000.0]
    """
    v = full_values(values)
    gross = outcomes(values, 1, components)["gross_saving_per_year"]
    years = np.arange(1, horizon_years + 1)
    discount = (1 + float(v["discount_rate"])) ** -(years - 1.0)
    cost = np.full(horizon_years, float(v["intervention_cost_per_year"]))
    cost[0] += float(v["intervention_start_cost"])
    net = (gross - cost) * discount
    return pd.DataFrame({
        "year": years, "gross_saving": gross, "intervention_cost": cost,
        "net_saving": gross - cost, "discount_factor": discount,
        "discounted_net_saving": net, "cumulative_net_saving": np.cumsum(net),
    })
