"""Scenarios, distributions, Monte Carlo and sensitivity."""
from __future__ import annotations

import time

import numpy as np
import pytest

from readmit.errors import ParameterError
from readmit.savings.distributions import distribution
from readmit.savings.montecarlo import comparison, monte_carlo_savings, parameter_draws
from readmit.savings.scenarios import load_scenario, scenario_from_mapping, shipped_scenarios
from readmit.savings.sensitivity import tornado


def scenario(**parameters):
    return scenario_from_mapping({"name": "t", "horizon_years": 2, "parameters": parameters})


def test_shipped_scenarios_load():
    assert set(shipped_scenarios()) >= {"fewer_readmissions_10", "psht_team", "hospital_at_home",
                                        "faster_municipal_reception"}
    for name in shipped_scenarios():
        s = load_scenario(name)
        assert s.title and s.description


def test_shipped_ten_percent_scenario_base_case_is_the_worked_example():
    sim = monte_carlo_savings(load_scenario("fewer_readmissions_10"), 1000, seed=1)
    assert sim.base["gross_saving_per_year"] == 302_904_000


def test_psht_base_case_mortality():
    base = monte_carlo_savings(load_scenario("psht_team"), 10, seed=1).base
    # 600 persons * 0.25 * 0.43
    assert base["deaths_averted"] == pytest.approx(64.5)


DEGENERATE = [
    {"distribution": "triangular", "low": 0.1, "mode": 0.1, "high": 0.1},
    {"distribution": "uniform", "low": 0.1, "high": 0.1},
    {"distribution": "pert", "low": 0.1, "mode": 0.1, "high": 0.1},
    {"distribution": "truncnormal", "mean": 0.1, "sd": 0.0, "low": 0, "high": 1},
    {"distribution": "fixed", "value": 0.1},
]


@pytest.mark.parametrize("spec", DEGENERATE)
def test_degenerate_distributions_give_the_deterministic_result(spec):
    s = scenario(bed_days=90_000, ukp_days=21_936, reduction=spec,
                 bed_day_cost={"distribution": "lognormal", "median": 30_000, "sigma": 0},
                 ukp_cost_hospital={"distribution": "gamma", "mean": 10_000, "sd": 0})
    sim = monte_carlo_savings(s, 5_000, seed=3)
    gross = sim.outcomes["gross_saving_per_year"]
    np.testing.assert_allclose(gross, 302_904_000, rtol=1e-12)
    summary = sim.summary().loc["gross_saving_per_year"]
    for key in ("mean", "p05", "p50", "p95"):
        assert summary[key] == pytest.approx(302_904_000, rel=1e-12)


def test_same_seed_same_draws_other_seed_other_draws():
    s = load_scenario("psht_team")
    a, b = parameter_draws(s, 1000, seed=11), parameter_draws(s, 1000, seed=11)
    c = parameter_draws(s, 1000, seed=12)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])
    assert not np.array_equal(a["reduction"], c["reduction"])


def test_a_parameters_draws_do_not_depend_on_the_others():
    one = scenario(bed_days=1, reduction={"distribution": "uniform", "low": 0, "high": 1})
    two = one.with_values(bed_day_cost={"distribution": "uniform", "low": 1, "high": 2})
    np.testing.assert_array_equal(parameter_draws(one, 100, 5)["reduction"],
                                  parameter_draws(two, 100, 5)["reduction"])


def test_intervals_shrink_with_the_spread():
    widths = []
    for half in (0.08, 0.04, 0.02, 0.01, 0.0):
        s = scenario(bed_days=100_968, reduction={"distribution": "triangular", "low": 0.1 - half,
                                                  "mode": 0.1, "high": 0.1 + half})
        r = monte_carlo_savings(s, 20_000, seed=9).summary().loc["gross_saving_per_year"]
        widths.append(r.p95 - r.p05)
    assert all(a > b for a, b in zip(widths, widths[1:]))
    assert widths[-1] == 0


def test_draws_stay_in_range_and_match_the_distribution():
    d = parameter_draws(scenario(bed_days=1, reduction={"distribution": "beta", "alpha": 2,
                                                          "beta": 18}), 100_000, seed=1)
    assert 0 <= d["reduction"].min() and d["reduction"].max() <= 1
    assert d["reduction"].mean() == pytest.approx(2 / 20, rel=0.01)  # beta mean a/(a+b)


@pytest.mark.parametrize("name, spec, fragment", [
    ("reduction", {"distribution": "weibull", "k": 1}, "unknown distribution 'weibull'"),
    ("reduction", {"distribution": "normal", "mean": 0.1, "sd": 0.1}, "reaches outside 0-1"),
    ("bed_day_cost", {"distribution": "normal", "mean": 30000, "sd": 100}, "reaches outside"),
    ("reduction", {"distribution": "triangular", "low": 0.1, "high": 0.2}, "needs mode"),
    ("reduction", {"distribution": "triangular", "low": 0.2, "mode": 0.1, "high": 0.3},
     "low <= mode <= high"),
    ("bed_day_cost", -5, ">= 0"),
    ("bed_day_cost", "cheap", "a number or a distribution"),
])
def test_bad_distributions(name, spec, fragment):
    with pytest.raises(ParameterError, match=fragment):
        distribution(name, spec)


def test_bad_scenario_files(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nparameters:\n  bed_dayz: 3\n")
    with pytest.raises(ParameterError, match="unknown parameter 'bed_dayz'"):
        load_scenario(bad)
    with pytest.raises(ParameterError, match="not found"):
        load_scenario(tmp_path / "missing.yaml")
    with pytest.raises(ParameterError, match="unknown scenario"):
        load_scenario("no_such_scenario")


def test_hundred_thousand_draws_under_a_second():
    s = load_scenario("psht_team")
    monte_carlo_savings(s, 1000, seed=1)  # warm up imports
    start = time.perf_counter()
    sim = monte_carlo_savings(s, 100_000, seed=1)
    sim.summary()
    assert time.perf_counter() - start < 1.0


def test_tornado_sorted_by_swing_and_reduction_on_top():
    t = tornado(load_scenario("fewer_readmissions_10"), "gross_saving_per_year")
    assert t["parameter"].iloc[0] == "reduction"
    assert list(t["swing"]) == sorted(t["swing"], reverse=True)
    # one-way: reduction at its 5th percentile, everything else at base case
    low = t.set_index("parameter").loc["reduction"]
    assert low.outcome_low == pytest.approx(low.low * (90_000 * 30_000 + 21_936 * 15_000))


def test_comparison_side_by_side():
    sims = [monte_carlo_savings(load_scenario(n), 2000, seed=1) for n in shipped_scenarios()]
    table = comparison(sims, ["net_saving"])
    assert len(table) == len(sims)
    assert {"base", "mean", "p05", "p50", "p95"} <= set(table.columns)


def test_figures_have_titles_and_units():
    from readmit.savings import figures

    sims = [monte_carlo_savings(load_scenario(n), 2000, seed=1) for n in ("psht_team",
                                                                         "hospital_at_home")]
    for fig in (figures.histogram(sims[0], lang="en"), figures.comparison_chart(sims, lang="en"),
                figures.cumulative_chart(sims, lang="en"),
                figures.tornado_chart(tornado(sims[0].scenario), "PSHT", lang="en")):
        assert fig.layout.title.text
        axis = fig.layout.yaxis.title.text if fig.layout.yaxis.title.text and "NOK" in \
            fig.layout.yaxis.title.text else fig.layout.xaxis.title.text
        assert "NOK million" in axis
