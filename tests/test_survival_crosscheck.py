"""Cross-checks with an independent implementation: statsmodels.

On the session's synthetic extract (``small_extract``): the Kaplan–Meier
curves (fitted by lifelines from per-day counts) against statsmodels'
``SurvfuncRight`` on one row per person, survival within 1e-9 at every event
time and the log(−log) interval built from statsmodels' Greenwood standard
error; the log-rank test against ``survdiff``; the Cox model against
``PHReg``. lifelines' ``CoxPHFitter`` handles tied death days by Efron's
method only (its ``baseline_estimation_method="breslow"`` is the baseline
hazard, not the ties), so PHReg runs with ``ties="efron"`` too; and with
``ties="breslow"`` on the same cohort with its death days made distinct,
where the two methods coincide (the issue asked for Breslow in both).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from lifelines.statistics import proportional_hazard_test
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

import readmit
from readmit.survival import COX_COVARIATES, mortality_cohort, survival_curves
from readmit.survival.cox import cox_design, fit_cox
from readmit.survival.kaplan_meier import logrank_table, outcome_counts
from readmit.survival.residuals import (clustered_covariance, scaled_schoenfeld_residuals,
                                        score_residuals)

Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def rule(small_extract):
    with readmit.open(small_extract) as ex:
        yield readmit.Readmissions(ex)


@pytest.fixture(scope="module")
def cohort(rule):
    return mortality_cohort(rule)


@pytest.mark.parametrize("by", [None, "readmitted", "age_band", "institusjonID",
                                "frequent_user"])
def test_kaplan_meier_matches_statsmodels(rule, cohort, by):
    curves = survival_curves(rule, by=by)
    key = by or "group"
    groups = cohort[by] if by else pd.Series("all", index=cohort.index)
    checked = 0
    for value, rows in cohort.groupby(groups):
        if not rows["died"].any():
            continue
        sf = SurvfuncRight(rows["days"].to_numpy(float), rows["died"].to_numpy(int))
        mine = curves[curves[key] == value].set_index("day").loc[sf.surv_times.astype(int)]
        assert np.abs(mine["survival"].to_numpy() - sf.surv_prob).max() < 1e-9
        assert (mine["n_at_risk"].to_numpy() == sf.n_risk).all()
        assert (mine["deaths"].to_numpy() == sf.n_events).all()
        # the log(-log) interval from statsmodels' Greenwood standard error of S
        inside = (sf.surv_prob > 0) & (sf.surv_prob < 1)
        s, se = sf.surv_prob[inside], sf.surv_prob_se[inside]
        half = Z95 * se / (s * np.abs(np.log(s)))
        low, high = s ** np.exp(half), s ** np.exp(-half)
        assert np.abs(mine["ci_low"].to_numpy()[inside] - low).max() < 1e-9
        assert np.abs(mine["ci_high"].to_numpy()[inside] - high).max() < 1e-9
        checked += 1
    assert checked >= (1 if by is None else 2)


@pytest.mark.parametrize("by", ["readmitted", "sector", "age_band"])
def test_log_rank_matches_statsmodels(rule, cohort, by):
    mine = logrank_table(outcome_counts(rule, by=by), by).iloc[0]
    chi2, p = survdiff(cohort["days"].to_numpy(float), cohort["died"].to_numpy(int),
                       cohort[by].astype(str).to_numpy())
    assert mine["test_statistic"] == pytest.approx(chi2, rel=1e-8)
    # statsmodels' p is 1 - cdf (0 below 1e-16); the upper tail keeps small p-values
    assert mine["df"] == cohort[by].nunique() - 1
    assert mine["p"] == pytest.approx(stats.chi2.sf(chi2, mine["df"]), rel=1e-9)
    assert abs(mine["p"] - p) < 1e-12


def _phreg(design, terms, *, groups=None, ties="efron", **kw):
    """statsmodels' fit (BFGS: its Newton steps diverge on these unscaled covariates)."""
    model = PHReg(design["days"].to_numpy(), design[list(terms)].to_numpy(),
                  status=design["died"].to_numpy(int), ties=ties, **kw)
    return model.fit(method="bfgs", gtol=1e-9, maxiter=5000, groups=groups)


def test_cox_matches_statsmodels_phreg(cohort):
    design, info = cox_design(cohort, COX_COVARIATES)
    mine = fit_cox(design, terms=info["terms"])
    theirs = _phreg(design, info["terms"])
    assert len(info["terms"]) >= 10
    assert np.abs(mine.table["coef"].to_numpy() - theirs.params).max() < 1e-4
    assert np.abs(mine.table["se"].to_numpy() - theirs.bse).max() < 1e-4


def test_cox_matches_statsmodels_breslow_where_no_death_days_tie(cohort):
    # Breslow's and Efron's handling of tied deaths differ only where deaths
    # tie; spread each day's deaths over distinct times within the day (in a
    # fixed order) and lifelines' Efron fit must equal PHReg's Breslow fit
    design, info = cox_design(cohort, COX_COVARIATES)
    design = design.copy()
    assert design.loc[design["died"] == 1, "days"].duplicated().any()
    within_day = design.groupby("days").cumcount() / (design.groupby("days")["days"]
                                                      .transform("size") + 1)
    design["days"] = design["days"] + 0.5 * within_day
    assert not design.loc[design["died"] == 1, "days"].duplicated().any()
    mine = fit_cox(design, terms=info["terms"])
    theirs = _phreg(design, info["terms"], ties="breslow")
    assert np.abs(mine.table["coef"].to_numpy() - theirs.params).max() < 1e-4
    assert np.abs(mine.table["se"].to_numpy() - theirs.bse).max() < 1e-4


def test_stratified_cox_matches_statsmodels_phreg(cohort):
    design, info = cox_design(cohort, ["age", "readmitted", "comorbidity_score"], ["sector"])
    mine = fit_cox(design, terms=info["terms"], strata=["sector"])
    theirs = _phreg(design, info["terms"], strata=design["sector"].to_numpy())
    assert np.abs(mine.table["coef"].to_numpy() - theirs.params).max() < 1e-4


def test_every_stay_clusters_on_the_person_as_statsmodels_does(rule):
    stays = mortality_cohort(rule, every_stay=True)
    # every stay of 5 000 persons (statsmodels' residuals loop in Python)
    persons = stays["lopenr"].drop_duplicates().sample(5000, random_state=1)
    stays = stays[stays["lopenr"].isin(persons)]
    assert stays["lopenr"].duplicated().sum() > 100
    design, info = cox_design(stays, ["age", "readmitted", "prior_acute_stays",
                                      "comorbidity_score"])
    clustered = fit_cox(design, terms=info["terms"], cluster="lopenr")
    groups = pd.factorize(design["lopenr"])[0]
    model = PHReg(design["days"].to_numpy(), design[list(info["terms"])].to_numpy(),
                  status=design["died"].to_numpy(int), ties="efron")
    theirs = model.fit(method="bfgs", gtol=1e-9, maxiter=5000, groups=groups)
    assert np.abs(clustered.table["coef"].to_numpy() - theirs.params).max() < 1e-4
    # at the same coefficients: statsmodels' score residuals and sandwich, to 1e-9
    params = clustered.table["coef"].to_numpy()
    data = design[[*info["terms"], "days", "died"]]
    mine_u = score_residuals(clustered.fitter, data)
    assert np.abs(mine_u - model.score_residuals(params)).max() < 1e-9
    mine_v = clustered_covariance(clustered.fitter, data, design["lopenr"]).to_numpy()
    theirs_v = model.robust_covariance(params)
    assert np.abs(mine_v - theirs_v).max() <= 1e-9 * np.abs(theirs_v).max()
    assert clustered.table["se"].to_numpy() == pytest.approx(np.sqrt(np.diag(theirs_v)),
                                                             rel=1e-9)


def test_scaled_schoenfeld_residuals_match_lifelines(cohort):
    """lifelines' own residuals (slow: a sample) against the fast ones, with strata."""
    sample = cohort.sample(3000, random_state=5)
    design, info = cox_design(sample, ["age", "readmitted", "comorbidity_score"], ["sex"])
    fit = fit_cox(design, terms=info["terms"], strata=["sex"])
    data = design[[*info["terms"], "sex", "days", "died"]]
    theirs = fit.fitter.compute_residuals(data, kind="scaled_schoenfeld")
    mine = scaled_schoenfeld_residuals(fit.fitter, data)
    assert (mine.index == theirs.index).all()
    assert np.abs(mine.to_numpy() - theirs.to_numpy()).max() < 1e-9
    slow = proportional_hazard_test(fit.fitter, data, time_transform="km").summary["p"]
    assert fit.table["ph_test_p"].to_numpy() == pytest.approx(
        slow.loc[fit.table["covariate"]].to_numpy(), rel=1e-9)
