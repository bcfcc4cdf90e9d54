"""The Cox model on simulated cohorts whose truth is known, and its options.

The simulated rows have the columns of ``mortality_cohort`` that the model
uses; times are exponential (a constant hazard), rounded up to whole days,
and censored at 182 days, as the cohort's are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import readmit
from readmit.errors import ParameterError
from readmit.survival import cox_model, hazard_ratio_figure
from readmit.survival.cox import cox_design, fit_cox

HORIZON = 182


def simulated(n: int, hazard, *, seed: int, **columns) -> pd.DataFrame:
    """``n`` persons whose daily death hazard at time t is ``hazard(t, row)``,
    given as (rate before day 30, rate from day 30); whole days, censored at 182."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({k: (v(rng, n) if callable(v) else v) for k, v in columns.items()})
    early, late = hazard(frame)
    # piecewise-constant hazard: inverse transform of an exponential clock
    e = rng.exponential(size=n)
    t = np.where(e < 30 * early, e / early, 30 + (e - 30 * early) / late)
    days = np.ceil(t).astype(int)
    frame["died"] = days <= HORIZON
    frame["days"] = np.minimum(days, HORIZON)
    frame["lopenr"] = [f"p{i}" for i in range(n)]
    return frame


def test_a_known_hazard_ratio_is_recovered_inside_its_interval():
    # readmitted doubles the hazard; each year of age multiplies it by exp(0.03)
    def hazard(f):
        h = 0.0015 * 2.0 ** f["readmitted"] * np.exp(0.03 * (f["age"] - 70))
        return h, h
    cohort = simulated(6000, hazard, seed=11,
                       readmitted=lambda rng, n: rng.random(n) < 0.3,
                       age=lambda rng, n: rng.integers(50, 91, n))
    assert 0.15 < cohort["died"].mean() < 0.5            # deaths enough to say anything
    design, info = cox_design(cohort, ["readmitted", "age"])
    fit = fit_cox(design, terms=info["terms"]).table.set_index("covariate")
    low, high = fit.loc["readmitted", ["ci_low", "ci_high"]]
    assert low < 2.0 < high
    assert high / low < 1.5                             # and the interval is informative
    assert fit.loc["age", "ci_low"] < np.exp(0.03) < fit.loc["age", "ci_high"]
    assert fit.loc["readmitted", "p"] < 1e-10


def test_the_ph_test_flags_a_covariate_built_to_violate_it_and_strata_relax_it():
    # readmitted: 4 times the hazard for 30 days, then a quarter of it (not proportional);
    # female (40%, so male is the reference): 1.5 times the hazard throughout (proportional)
    def hazard(f):
        base = 0.002 * np.where(f["sex"] == "female", 1.5, 1.0)
        r = f["readmitted"].to_numpy()
        return base * np.where(r, 4.0, 1.0), base * np.where(r, 0.25, 1.0)
    cohort = simulated(6000, hazard, seed=3,
                       readmitted=lambda rng, n: rng.random(n) < 0.4,
                       sex=lambda rng, n: np.where(rng.random(n) < 0.4, "female", "male"))
    design, info = cox_design(cohort, ["readmitted", "sex"])
    fit = fit_cox(design, terms=info["terms"])
    table = fit.table.set_index("covariate")
    assert table.loc["readmitted", "ph_test_p"] < 1e-6
    assert table.loc["readmitted", "ph_fails"]
    assert table.loc["sex=female", "ph_test_p"] > 0.05
    assert fit.failing == ("readmitted",)
    assert any("readmitted fails the proportional-hazards test" in n
               and "strata=['readmitted']" in n for n in fit.notes)
    # stratified on it, the model has no ratio for it and says so; female is still 1.5
    design, info = cox_design(cohort, ["sex"], ["readmitted"])
    strat = fit_cox(design, terms=info["terms"], strata=["readmitted"])
    assert strat.table["covariate"].tolist() == ["sex=female"]
    assert strat.strata == ("readmitted",)
    assert any(n.startswith("stratified on readmitted") for n in strat.notes)
    low, high = strat.table.loc[0, ["ci_low", "ci_high"]]
    assert low < 1.5 < high


def test_terms_that_cannot_be_estimated_are_left_out_with_a_note():
    cohort = simulated(500, lambda f: (np.full(len(f), 0.003),) * 2, seed=2,
                       age=lambda rng, n: rng.integers(50, 91, n),
                       frequent_user=False, readmitted=lambda rng, n: rng.random(n) < 0.3)
    cohort.loc[cohort.index[:3], "frequent_user"] = True
    cohort.loc[cohort.index[:3], "died"] = False
    design, info = cox_design(cohort, ["age", "frequent_user", "readmitted"])
    assert list(info["terms"]) == ["age", "readmitted"]
    assert "frequent_user left out of the model: no deaths among its 3 rows" in info["notes"]


@pytest.fixture(scope="module")
def rule(small_extract):
    with readmit.open(small_extract) as ex:
        yield readmit.Readmissions(ex)


def test_cox_model_options_on_the_extract(rule):
    default = cox_model(rule)
    assert default.n > 10_000 and default.deaths > 100
    assert 0.5 < default.concordance < 1
    assert set(default.table["variable"]) <= set(readmit.survival.COX_COVARIATES)
    assert default.references["sector"] == "somatic"
    strat = cox_model(rule, strata="sector")
    assert "sector" not in set(strat.table["variable"])
    assert any(n.startswith("stratified on sector") for n in strat.notes)
    stays = cox_model(rule, covariates=["age", "readmitted"], every_stay=True)
    assert stays.n > default.n
    assert any("clustered on the person" in n for n in stays.notes)
    via_rule = rule.cox(covariates=["age", "readmitted"], every_stay=True)
    assert via_rule.table["hazard_ratio"].tolist() == stays.table["hazard_ratio"].tolist()
    fig = hazard_ratio_figure(default.table, lang="en")
    assert len(fig.data) == 2 and "Hazard ratios" in fig.layout.title.text


def test_parameters_are_named(rule):
    with pytest.raises(ParameterError, match="covariates: unknown 'colour'"):
        cox_model(rule, covariates=["age", "colour"])
    with pytest.raises(ParameterError, match="strata: unknown 'age'"):
        cox_model(rule, strata=["age"])
    with pytest.raises(ParameterError, match="covariates must leave at least one"):
        cox_model(rule, covariates=["sector"], strata=["sector"])
