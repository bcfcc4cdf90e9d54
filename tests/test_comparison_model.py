"""The risk model (grouped GLM = row-level fit; O = E), the C-statistic against
hand-worked and independent references, calibration and LACE tables.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

import readmit
from readmit.comparison import (COVARIATES, c_statistic, calibration_by_decile,
                                calibration_figure, lace_figure, lace_rates,
                                observed_expected, odds_ratio_figure, odds_ratios, risk_model)
from readmit.comparison.risk_model import fit_grouped_logit
from readmit.errors import ParameterError
from readmit.privacy import masked


@pytest.fixture(scope="module")
def fitted(small_extract):
    ex = readmit.open(small_extract)
    r = readmit.Readmissions(ex)
    yield r, risk_model(r)
    ex.close()


# ------------------------------------------------------------------ the fit
def test_grouped_fit_equals_the_row_level_fit(fitted):
    """The binomial GLM on (readmitted, not) per covariate pattern and a logit
    over single stays (statsmodels' formula interface, Newton) have the same
    estimates and standard errors."""
    r, model = fitted
    rows = r.frame("SELECT * FROM mart_comparison_design WHERE sector = 'somatic'",
                   options=model.options)
    refs = model.references["somatic"]
    terms = " + ".join(f"C({c}, Treatment({refs[c]!r}))" for c in COVARIATES)
    row_fit = smf.logit(f"readmitted ~ {terms}", data=rows).fit(disp=0, method="newton",
                                                              maxiter=100)
    grouped = model.fits["somatic"]
    assert len(rows) > 20 * len(grouped.params)
    for name, value in grouped.params.items():
        if name == "Intercept":
            other = "Intercept"
        else:
            c, level = name[:-1].split("[", 1)
            other = f"C({c}, Treatment({refs[c]!r}))[T.{level}]"
        assert row_fit.params[other] == pytest.approx(value, rel=1e-6, abs=1e-8), name
        assert row_fit.bse[other] == pytest.approx(grouped.bse[name], rel=1e-5), name
    assert len(row_fit.params) == len(grouped.params)
    # the same likelihood: the row-level log-likelihood equals the grouped one
    # up to the binomial coefficients, which the row-level one does not have
    p = model.patterns[model.patterns.sector == "somatic"]
    k, n, pi = p.n_readmitted, p.n_index, p.predicted
    loglik = float((k * np.log(pi) + (n - k) * np.log1p(-pi)).sum())
    assert row_fit.llf == pytest.approx(loglik, rel=1e-9)


def test_fit_on_a_tiny_grouped_table_by_hand():
    # one binary covariate: the fit is saturated, the predicted risks are the
    # observed shares (3/10 and 1/10), the odds ratio (1/9) / (3/7) = 7/27
    p = pd.DataFrame({"sex": ["female", "male"], "n_index": [10, 10], "n_readmitted": [3, 1]})
    fit, refs, pred = fit_grouped_logit(p, ["sex"])
    assert refs == {"sex": "female"}            # ties: the first level of LEVELS
    assert pred == pytest.approx([0.3, 0.1])
    assert np.exp(fit.params["sex[male]"]) == pytest.approx(7 / 27)


def test_observed_equals_expected_overall(fitted):
    r, model = fitted
    p = model.patterns
    assert (p.predicted * p.n_index).sum() == pytest.approx(p.n_readmitted.sum(), rel=1e-8)
    for sector, part in p.groupby("sector"):      # each sector's model has an intercept
        assert (part.predicted * part.n_index).sum() == pytest.approx(
            part.n_readmitted.sum(), rel=1e-8), sector
    for unit in ("institusjonID", "komnr"):
        oe = observed_expected(model, unit=unit)
        assert oe.observed.sum() == pytest.approx(oe.expected.sum(), rel=1e-8)
        assert oe.n_index.sum() == p.n_index.sum()
    by_year = observed_expected(model, by_year=True)
    assert by_year.observed.sum() == pytest.approx(by_year.expected.sum(), rel=1e-8)
    assert by_year.observed.sum() == r.rates(by=None).n_readmitted.sum()


def test_odds_ratio_table(fitted):
    _, model = fitted
    t = odds_ratios(model)
    assert set(t.sector) == set(model.sectors)
    refs = t[t.reference]
    assert (refs.odds_ratio == 1).all() and refs.ci_low.isna().all()
    assert len(refs) == sum(len(model.references[s]) for s in model.sectors)
    # every level's stays add up to the sector's
    for (sector, covariate), part in t.groupby(["sector", "covariate"]):
        assert part.n_index.sum() == model.patterns.loc[
            model.patterns.sector == sector, "n_index"].sum()
    other = t[~t.reference]
    assert (other.ci_low <= other.odds_ratio).all() and (other.odds_ratio <= other.ci_high).all()
    fig = odds_ratio_figure(t, lang="en", sector="somatic")
    assert fig.layout.xaxis.type == "log"
    with pytest.raises(ParameterError, match="sector"):
        odds_ratio_figure(t, sector="nowhere")


def test_bad_covariates_and_options(fitted):
    r, _ = fitted
    with pytest.raises(ParameterError, match="covariates must be"):
        risk_model(r, covariates=["age"])
    with pytest.raises(ParameterError, match="weights"):
        risk_model(r, charlson_weights="elixhauser")
    with pytest.raises(ParameterError, match="model must be"):
        r.funnel(model="not a model")


# ------------------------------------------------------------------ C-statistic
def test_c_statistic_by_hand():
    # readmitted stays scored 0.9, 0.6, 0.4; others 0.7, 0.6, 0.3, 0.2.
    # Of 3 x 4 = 12 pairs: 0.9 beats all 4; 0.6 beats 0.3, 0.2 and ties 0.6;
    # 0.4 beats 0.3, 0.2: (4 + 2.5 + 2) / 12 = 8.5 / 12.
    # DeLong: placements of the readmitted V10 = 4/4, 2.5/4, 2/4 (mean 0.708333),
    # S10 = (0.291667^2 + 0.083333^2 + 0.208333^2) / 2 = 0.0677083; of the others
    # V01 = 1/3 (0.7), 1 (0.3), 1 (0.2), 1.5/3 (0.6), S01 = (0.375^2 + 2 x 0.291667^2
    # + 0.208333^2) / 3 = 0.1180556; var = S10/3 + S01/4 = 0.0520833.
    c = c_statistic([0.9, 0.6, 0.4, 0.7, 0.6, 0.3, 0.2], [1, 1, 1, 0, 0, 0, 0],
                    [0, 0, 0, 1, 1, 1, 1])
    assert c.c_statistic == pytest.approx(8.5 / 12)
    assert c.se ** 2 == pytest.approx(0.0520833, rel=1e-5)
    assert (c.n_events, c.n_non_events) == (3, 4)
    assert c.ci_low == pytest.approx(8.5 / 12 - 1.959964 * c.se, rel=1e-6)
    assert c.ci_high == 1.0            # 0.708 + 1.96 x 0.228 > 1: clipped


def _delong_rows(scores_pos, scores_neg):
    """DeLong on single stays, pair by pair (the obviously correct O(mn) way)."""
    x, y = np.asarray(scores_pos, float), np.asarray(scores_neg, float)
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    auc = psi.mean()
    var = (v10.var(ddof=1) / len(x) if len(x) > 1 else 0) + \
        (v01.var(ddof=1) / len(y) if len(y) > 1 else 0)
    return auc, var


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5), st.integers(0, 5)),
                min_size=1, max_size=12))
def test_c_statistic_from_counts_equals_the_stay_level_reference(groups):
    """Scores 0-6 with (events, non-events) per group, repeats allowed: the
    grouped computation equals DeLong over the expanded stays and scipy's
    Mann-Whitney U / (m n)."""
    score = [g[0] / 6 for g in groups]
    pos = [s for s, g in zip(score, groups) for _ in range(g[1])]
    neg = [s for s, g in zip(score, groups) for _ in range(g[2])]
    c = c_statistic(score, [g[1] for g in groups], [g[2] for g in groups])
    if not pos or not neg:
        assert np.isnan(c.c_statistic)
        return
    auc, var = _delong_rows(pos, neg)
    assert c.c_statistic == pytest.approx(auc, abs=1e-12)
    assert c.se ** 2 == pytest.approx(var, abs=1e-12)
    u = mannwhitneyu(pos, neg).statistic
    assert c.c_statistic == pytest.approx(u / (len(pos) * len(neg)), abs=1e-12)


def test_c_statistics_of_the_model_and_lace(fitted):
    _, model = fitted
    t = model.c_statistics()
    assert set(t.predictor) == {"risk_model", "lace"}
    assert ((t.ci_low <= t.c_statistic) & (t.c_statistic <= t.ci_high)).all()
    som = t[t.sector == "somatic"].set_index("predictor")
    # the synthetic extract's readmissions depend on ready for discharge, short
    # stays and frailty: the model separates better than chance
    assert som.loc["risk_model", "ci_low"] > 0.5
    # the same stays behind both
    assert som.loc["risk_model", "n_index"] == som.loc["lace", "n_index"]


# ------------------------------------------------------------------ calibration, LACE
def test_calibration_by_decile(fitted):
    _, model = fitted
    t = calibration_by_decile(model)
    for sector, part in t.groupby("sector"):
        p = model.patterns[model.patterns.sector == sector]
        assert part.n_index.sum() == p.n_index.sum()
        assert part.observed.sum() == p.n_readmitted.sum()
        assert part.expected.sum() == pytest.approx(part.observed.sum(), rel=1e-8)
        assert part.decile.is_monotonic_increasing and part.decile.max() <= 10
        assert part.expected_rate.is_monotonic_increasing
    som = t[t.sector == "somatic"]
    assert len(som) == 10
    assert som.n_index.max() < 1.6 * som.n_index.min()      # about a tenth each
    fig = calibration_figure(masked(t, counts=["n_index", "observed"]), lang="en")
    assert fig.layout.xaxis.title.text == "Expected share readmitted (%)"
    with pytest.raises(ParameterError, match="groups"):
        calibration_by_decile(model, groups=1)


def test_lace_rates_cover_the_eligible_stays(fitted):
    r, model = fitted
    t = lace_rates(model)
    assert t.lace_score.between(0, 19).all()
    assert t.n_index.sum() == model.patterns.n_index.sum()
    assert t.n_readmitted.sum() == r.rates(by=None).n_readmitted.sum()
    assert lace_figure(t, lang="en").data[0].name in ("Somatic care", "Substance-use "
                                                      "treatment (TSB)",
                                                      "Adult mental health (VOP)")


def test_the_rule_methods(fitted):
    r, model = fitted
    f = r.funnel(model=model, unit="komnr", sector="somatic", overdispersion="multiplicative")
    assert set(f.outside) <= {"", "above95", "below95", "above99.8", "below99.8"}
    assert f.sector.unique().tolist() == ["somatic"]
    assert (f.overdispersion == "multiplicative").all()
    year = int(r.period()[1])
    oe = r.observed_expected(model=model, year=year)
    assert oe.year.unique().tolist() == [year]
    assert "risk_model" in readmit.__all__ and "funnel_figure" in readmit.__all__
