"""The savings formula of definitions.md: worked example, zero, linearity, monotonicity."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readmit.errors import ParameterError
from readmit.savings.formula import saving
from readmit.savings.model import outcomes, per_year

# Hand arithmetic of the pre-project's worked example:
# 0.1 * (100 968 * 30 000) = 0.1 * 3 029 040 000 = 302 904 000
# 0.1 * (90 000 * 30 000 + 21 936 * (5 000 + 10 000))
#   = 0.1 * (2 700 000 000 + 329 040 000) = 302 904 000
WORKED_EXAMPLE = 302_904_000


def test_worked_example_bed_days_only():
    assert saving(0.10, bed_days=100_968, ukp_days=0) == WORKED_EXAMPLE


def test_worked_example_with_ready_for_discharge_days():
    assert saving(0.10, bed_days=90_000, ukp_days=21_936) == WORKED_EXAMPLE


def test_defaults_are_those_of_definitions():
    # bed day 30 000, UKP day 5 000 + 10 000, reduction 0.10
    assert saving(bed_days=1, ukp_days=0) == 0.1 * 30_000
    assert saving(bed_days=0, ukp_days=1) == 0.1 * 15_000


def test_components_switch_off():
    # without bed days: 0.1 * 21 936 * 15 000 = 32 904 000
    assert saving(0.1, 90_000, 21_936, components={"bed_days": False}) == 32_904_000
    # without the hospital's UKP cost: 0.1 * (2 700 000 000 + 21 936 * 5 000) = 280 968 000
    assert saving(0.1, 90_000, 21_936, components={"ukp_hospital": False}) == 280_968_000
    # without the municipality's: 0.1 * (2 700 000 000 + 21 936 * 10 000) = 291 936 000
    assert saving(0.1, 90_000, 21_936, components={"ukp_municipality": False}) == 291_936_000
    off = {"bed_days": False, "ukp_municipality": False, "ukp_hospital": False}
    assert saving(0.1, 90_000, 21_936, components=off) == 0


def test_zero_reduction_saves_zero():
    assert saving(0.0, bed_days=100_968, ukp_days=21_936) == 0


@pytest.mark.parametrize("kwargs, fragment", [
    ({"reduction": 1.5}, "between 0 and 1"),
    ({"reduction": -0.1}, ">= 0"),
    ({"bed_day_cost": -1}, ">= 0"),
    ({"ukp_cost_hospital": float("nan")}, "finite"),
    ({"components": {"beds": True}}, "unknown cost component"),
])
def test_bad_parameters(kwargs, fragment):
    args = {"reduction": 0.1, "bed_days": 10, "ukp_days": 1, **kwargs}
    with pytest.raises(ParameterError, match=fragment):
        saving(**args)


costs = st.floats(min_value=0, max_value=1e6, allow_nan=False)
days = st.floats(min_value=0, max_value=1e7, allow_nan=False)
shares = st.floats(min_value=0, max_value=1, allow_nan=False)
factors = st.floats(min_value=0, max_value=100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(r=shares, b=days, u=days, cb=costs, cm=costs, ch=costs, k=factors,
       which=st.sampled_from(["bed_day_cost", "ukp_cost_municipality", "ukp_cost_hospital"]))
def test_saving_is_linear_in_each_cost(r, b, u, cb, cm, ch, k, which):
    values = {"bed_day_cost": cb, "ukp_cost_municipality": cm, "ukp_cost_hospital": ch}
    base = saving(r, b, u, **values)
    scaled = saving(r, b, u, **{**values, which: k * values[which]})
    zero = saving(r, b, u, **{**values, which: 0.0})
    # f(k c) - f(0) = k (f(c) - f(0)), up to rounding of the larger terms
    scale = max(1.0, abs(scaled), k * abs(base))
    assert math.isclose(scaled - zero, k * (base - zero), rel_tol=1e-9, abs_tol=1e-12 * scale)


@settings(max_examples=200, deadline=None)
@given(r1=shares, r2=shares, b=days, u=days, cb=costs, cm=costs, ch=costs)
def test_saving_never_falls_as_reduction_grows(r1, r2, b, u, cb, cm, ch):
    lo, hi = sorted((r1, r2))
    assert saving(lo, b, u, cb, cm, ch) <= saving(hi, b, u, cb, cm, ch)


def test_scenario_model_reduces_to_formula():
    o = outcomes({"bed_days": 90_000, "ukp_days": 21_936, "reduction": 0.1})
    assert o["gross_saving_per_year"] == WORKED_EXAMPLE
    assert o["net_saving"] == WORKED_EXAMPLE
    assert math.isnan(o["roi"])


def test_net_roi_and_break_even_over_a_horizon():
    # gross 302 904 000 a year for 3 years, no discounting: 908 712 000;
    # cost 50 000 000 start + 100 000 000 a year: 350 000 000
    o = outcomes({"bed_days": 100_968, "reduction": 0.1, "intervention_start_cost": 50e6,
                  "intervention_cost_per_year": 100e6}, horizon_years=3)
    assert o["gross_saving"] == 908_712_000
    assert o["intervention_cost"] == 350_000_000
    assert o["net_saving"] == 558_712_000
    assert o["roi"] == pytest.approx(558_712_000 / 350_000_000)
    assert o["break_even_cost"] == 908_712_000
    # running cost that breaks even: 302 904 000 - 50 000 000 / 3
    assert o["break_even_cost_per_year"] == pytest.approx(302_904_000 - 50e6 / 3)


def test_discounting_and_years():
    # 4%: year 2 is worth 1/1.04
    t = per_year({"bed_days": 100_968, "reduction": 0.1, "discount_rate": 0.04}, 2)
    assert t["discounted_net_saving"].tolist() == pytest.approx([302_904_000, 302_904_000 / 1.04])


def test_effects_in_order_do_not_double_count():
    # reduction 0.1 of everything, then 50% of the remaining UKP days, then the
    # remaining bed days of half the patients 20% cheaper:
    # readmissions: 0.1 * (1 000 * 30 000 + 100 * 15 000)      = 3 150 000
    # UKP:          0.5 * 90 * 15 000                          =   675 000
    # home:         0.2 * 0.5 * 900 * 30 000                   = 2 700 000
    o = outcomes({"bed_days": 1_000, "ukp_days": 100, "reduction": 0.1,
                  "ukp_days_reduction": 0.5, "bed_day_cost_reduction": 0.2,
                  "bed_day_cost_reduction_share": 0.5})
    assert o["gross_saving_per_year"] == pytest.approx(3_150_000 + 675_000 + 2_700_000)
    assert o["avoided_ukp_days"] == pytest.approx(10 + 45)


def test_deaths_averted():
    # 600 persons, 25% die within six months, 43% fewer: 600 * 0.25 * 0.43 = 64.5
    o = outcomes({"bed_days": 0, "target_persons": 600, "six_month_mortality": 0.25,
                  "mortality_reduction": 0.43})
    assert o["deaths_averted"] == pytest.approx(64.5)
