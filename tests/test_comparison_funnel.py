"""Funnel plot limits and overdispersion (readmit.comparison.funnel).

Reference values are FunnelPlotR's own published tests
(nhs-r-community/FunnelPlotR at 9020d49, tests/testthat/): test-classes_methods.R
(φ = 2.948033 for six units with the package's default SHMI method) and
test-poisson_limits.R (exact Poisson limits at E = 15, 20, 30), typed here
from those files; the rest is worked out by hand in the comments.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readmit.comparison import (dispersion, funnel_figure, funnel_limits, outside_limits,
                                poisson_limits, poisson_ratio_interval)
from readmit.comparison.funnel import LIMITS
from readmit.errors import ParameterError
from readmit.privacy import masked

NUM = [100, 150, 180, 80, 120, 225]
DEN = [108, 112, 165, 95, 100, 220]


# ----------------------------------------------------------------------- FunnelPlotR
def test_funnelplotr_phi():
    # test-classes_methods.R: expect_equal(round(phi.funnelplot(a), 6), 2.948033)
    assert round(dispersion(NUM, DEN).phi, 6) == 2.948033


def test_funnelplotr_phi_by_hand():
    # SHMI: z = sqrt(E) * log(O/E); six units, k = 1/0.1 = 10, rank r kept when
    # 0 < floor(10 r / 7) < 9: floor(10/7)=1 ... floor(60/7)=8, so all six are kept.
    z = [math.sqrt(e) * math.log(o / e) for o, e in zip(NUM, DEN)]
    d = dispersion(NUM, DEN)
    assert d.n == 6
    assert d.phi == pytest.approx(sum(v * v for v in z) / 6, rel=1e-12)
    # tau2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w), w = 1/s^2 = E:
    # sum w = 800; sum w^2 = 108^2 + 112^2 + 165^2 + 95^2 + 100^2 + 220^2 = 118858
    expected_tau2 = (6 * d.phi - 5) / (800 - 118858 / 800)
    assert d.tau2 == pytest.approx(expected_tau2, rel=1e-12)
    assert round(d.tau2, 6) == 0.019478


def test_funnelplotr_poisson_limits():
    # test-poisson_limits.R: calculate_limits(number_seq = c(15, 20, 30), target = 1)
    lim = poisson_limits([15, 20, 30])
    assert lim.limit95_low.round(7).tolist() == [0.5596924, 0.6108260, 0.6746958]
    assert lim.limit95_high.round(6).tolist() == [1.649348, 1.544419, 1.427562]
    assert lim.limit998_low.round(7).tolist() == [0.3862650, 0.4479107, 0.5289724]
    assert lim.limit998_high.round(6).tolist() == [2.082907, 1.902094, 1.702771]


def test_truncation_drops_the_extremes():
    # 20 units: k = 10, rank r kept when 0 < floor(10 r / 21) < 9, i.e. r = 3..18:
    # ranks 1, 2 (floor 0) and 19, 20 (floor 9) are truncated.
    e = np.full(20, 100.0)
    o = np.arange(80, 120, 2, dtype=float)          # z increasing with the unit
    d = dispersion(o, e)
    assert d.n == 16
    z = 10 * np.log(o / 100)
    assert d.phi == pytest.approx(np.mean(z[2:18] ** 2), rel=1e-12)


def test_cqc_winsorises_at_the_quantiles():
    # CQC: z = 2 sqrt(E) (sqrt(O/E) - 1); with E = 100: z = 20 (sqrt(O/100) - 1).
    # O = 64, 81, 100, 121, 144, 400 -> z = -4, -2, 0, 2, 4, 20. R's type 7
    # quantiles of 6 values: 10 % at position 0.5 -> -3, 90 % at 4.5 -> 12.
    # Winsorised: -3, -2, 0, 2, 4, 12; phi = (9 + 4 + 0 + 4 + 16 + 144) / 6 = 29.5.
    d = dispersion([64, 81, 100, 121, 144, 400], [100.0] * 6, sr_method="CQC")
    assert d.z == pytest.approx([-4, -2, 0, 2, 4, 20])
    assert d.phi == pytest.approx(29.5)
    # w = 1/s^2 = 4E = 400 each: sum w - sum w^2/sum w = 2400 - 400 = 2000;
    # tau2 = (6 * 29.5 - 5) / 2000 = 0.086
    assert d.tau2 == pytest.approx(0.086)


def test_no_tau2_when_n_phi_below_n_minus_one():
    # O = E everywhere: every z is 0, phi = 0 < (n - 1)/n: tau2 = 0
    d = dispersion([50, 80, 120], [50.0, 80.0, 120.0])
    assert d.phi == 0 and d.tau2 == 0


def test_units_without_readmissions_are_left_out_of_phi():
    # log(0) = -inf: the unit with O = 0 has no z-score on the log scale; with 3
    # units none is truncated (floor(10 r / 4) = 2, 5, 7), so phi is the mean of
    # the other two z^2: z = 10 log(1.2) and 10 log(0.9).
    d = dispersion([0, 120, 90], [100.0, 100.0, 100.0])
    assert d.n == 2
    assert d.phi == pytest.approx((100 * math.log(1.2) ** 2 + 100 * math.log(0.9) ** 2) / 2)


# ----------------------------------------------------------------------- limits
def test_additive_and_multiplicative_limits_by_hand():
    # SHMI additive: exp(±z sqrt(1/E + tau2)); E = 100, tau2 = 0.01:
    # sqrt(0.02) = 0.1414214; 95 %: exp(±1.959964 * 0.1414214) = exp(±0.2771808)
    lim = funnel_limits([100.0], overdispersion="additive", phi=2.0, tau2=0.01)
    assert lim.limit95_high[0] == pytest.approx(math.exp(0.2771808), rel=1e-6)
    assert lim.limit95_low[0] == pytest.approx(math.exp(-0.2771808), rel=1e-6)
    # 99.8 %: z = 3.090232
    assert lim.limit998_high[0] == pytest.approx(math.exp(3.090232 * math.sqrt(0.02)), rel=1e-6)
    # multiplicative: exp(±z sqrt(phi / E)) = exp(±1.959964 * sqrt(0.02)), the same here
    mult = funnel_limits([100.0], overdispersion="multiplicative", phi=2.0, tau2=0.01)
    assert mult.limit95_high[0] == pytest.approx(math.exp(0.2771808), rel=1e-6)
    # CQC additive: (1 ± z sqrt(1/(4E) + tau2))^2 = (1 ± 1.959964 sqrt(0.0025 + 0.01))^2
    cqc = funnel_limits([100.0], overdispersion="additive", phi=2.0, tau2=0.01, sr_method="CQC")
    sd = math.sqrt(0.0125)
    assert cqc.limit95_low[0] == pytest.approx((1 - 1.959964 * sd) ** 2, rel=1e-6)
    assert cqc.limit95_high[0] == pytest.approx((1 + 1.959964 * sd) ** 2, rel=1e-6)


@pytest.mark.parametrize("overdispersion", ["none", "multiplicative", "additive"])
@pytest.mark.parametrize("sr_method", ["SHMI", "CQC"])
def test_limits_narrow_as_volume_grows(overdispersion, sr_method):
    e = np.array([8.0, 20, 50, 100, 400, 1000, 5000, 20000])
    lim = funnel_limits(e, overdispersion=overdispersion, phi=3.0, tau2=0.002,
                        sr_method=sr_method)
    for c in ("limit95_low", "limit998_low"):
        assert np.all(np.diff(lim[c]) > 0), c
    for c in ("limit95_high", "limit998_high"):
        assert np.all(np.diff(lim[c]) < 0), c
    assert np.all(lim.limit998_low < lim.limit95_low)
    assert np.all(lim.limit95_low < 1) and np.all(lim.limit95_high > 1)
    assert np.all(lim.limit95_high < lim.limit998_high)


@pytest.mark.parametrize("overdispersion", ["multiplicative", "additive"])
def test_limits_are_symmetric_on_the_transformed_scale(overdispersion):
    e = np.array([10.0, 55, 300, 4000])
    shmi = funnel_limits(e, overdispersion=overdispersion, phi=2.5, tau2=0.004)
    for lv in ("95", "998"):      # log scale: log(low) = -log(high)
        assert np.log(shmi[f"limit{lv}_low"].to_numpy()) == pytest.approx(
            -np.log(shmi[f"limit{lv}_high"].to_numpy()))
    cqc = funnel_limits(e, overdispersion=overdispersion, phi=2.5, tau2=0.004, sr_method="CQC")
    for lv in ("95", "998"):      # square-root scale: 1 - sqrt(low) = sqrt(high) - 1
        assert 1 - np.sqrt(cqc[f"limit{lv}_low"].to_numpy()) == pytest.approx(
            np.sqrt(cqc[f"limit{lv}_high"].to_numpy()) - 1)


@pytest.mark.parametrize("overdispersion", ["multiplicative", "additive"])
@pytest.mark.parametrize("phi", [0.3, 0.999, 1.0])
def test_no_overdispersion_gives_the_plain_limits(overdispersion, phi):
    e = [3.0, 12.5, 80, 640]
    plain = poisson_limits(e)
    for sr_method in ("SHMI", "CQC"):
        od = funnel_limits(e, overdispersion=overdispersion, phi=phi, tau2=0.0,
                           sr_method=sr_method)
        pd.testing.assert_frame_equal(od, plain)


def test_limits_with_phi_just_over_one_are_overdispersed():
    e = [100.0]
    assert not funnel_limits(e, overdispersion="additive", phi=1.01, tau2=0.0001).equals(
        poisson_limits(e))


def test_exact_poisson_lower_limit_is_zero_while_no_event_is_usual():
    # P(O = 0 | E) = exp(-E): >= 0.025 while E <= -ln(0.025) = 3.689, >= 0.001 while
    # E <= 6.908. Below that a unit with O = 0 is not unusual: the lower limit is 0.
    lim = poisson_limits([0.5, 3.6, 3.8, 6.8, 7.0])
    assert lim.limit95_low.tolist()[:2] == [0.0, 0.0]
    assert lim.limit95_low[2] > 0
    assert lim.limit998_low.tolist()[:4] == [0.0] * 4
    assert lim.limit998_low[4] > 0
    assert outside_limits([0.0], lim.iloc[[0]]).tolist() == [""]
    # E = 7: P(O = 0) = exp(-7) = 0.0009 < 0.001: O = 0 is below 99.8 %
    assert outside_limits([0.0], lim.iloc[[4]].reset_index(drop=True)).tolist() == ["below99.8"]


# ----------------------------------------------------------------------- O/E = 1
@pytest.mark.parametrize("overdispersion", ["none", "multiplicative", "additive"])
@pytest.mark.parametrize("e", [1, 4, 17, 250, 9000])
def test_observed_equal_to_expected_is_inside_every_limit(overdispersion, e):
    o = float(e)
    ratio = o / e
    assert ratio == 1
    lim = funnel_limits([float(e)], overdispersion=overdispersion, phi=2.0, tau2=0.003)
    assert outside_limits([ratio], lim).tolist() == [""]
    low, high = poisson_ratio_interval([o], [float(e)])
    assert low[0] < 1 < high[0]


def test_poisson_interval_matches_garwood_table():
    # Garwood's exact 95 % limits for a Poisson count of 2: 0.2422 and 7.2247
    # (e.g. Ulm 1990); divided by E = 1.25
    low, high = poisson_ratio_interval([2, 0], [1.25, 2.0])
    assert low[0] == pytest.approx(0.2422 / 1.25, abs=1e-4)
    assert high[0] == pytest.approx(7.2247 / 1.25, abs=1e-4)
    # O = 0: from 0 to -ln(0.025) = 3.6889, over E = 2
    assert low[1] == 0 and high[1] == pytest.approx(3.6889 / 2, abs=1e-4)


def test_outside_categories():
    lim = pd.DataFrame({"limit95_low": [0.8] * 6, "limit95_high": [1.2] * 6,
                        "limit998_low": [0.7] * 6, "limit998_high": [1.3] * 6})
    got = outside_limits([1.31, 1.3, 1.21, 0.79, 0.69, 0.7], lim).tolist()
    assert got == ["above99.8", "above95", "above95", "below95", "below99.8", "below95"]


# ----------------------------------------------------------------------- one outlier
def _simulated_units(seed: int = 11, n_units: int = 30, outlier_factor: float = 1.6):
    rng = np.random.default_rng(seed)
    e = np.round(rng.uniform(40, 1500, n_units), 1)
    o = rng.poisson(e).astype(float)
    o[7] = rng.poisson(outlier_factor * e[7])     # the one unit with a real excess
    return o, e


@pytest.mark.parametrize("overdispersion", ["none", "multiplicative", "additive"])
def test_one_true_outlier_and_no_other_outside_99_8(overdispersion):
    o, e = _simulated_units()
    d = dispersion(o, e)
    lim = funnel_limits(e, overdispersion=overdispersion, phi=d.phi, tau2=d.tau2)
    out = outside_limits(o / e, lim)
    beyond = [i for i, v in enumerate(out) if v.endswith("99.8")]
    assert beyond == [7]
    assert out[7] == "above99.8"


def test_overdispersion_widens_limits_and_hides_the_noise():
    # units with a real spread between them (random effects, sd 0.15 on the log
    # scale): plain Poisson limits flag many, the additive limits few.
    rng = np.random.default_rng(3)
    e = rng.uniform(200, 3000, 40)
    o = rng.poisson(e * np.exp(rng.normal(0, 0.15, 40))).astype(float)
    d = dispersion(o, e)
    assert d.phi > 5 and d.tau2 > 0
    plain = outside_limits(o / e, funnel_limits(e)).str.endswith("99.8").sum()
    od = outside_limits(o / e, funnel_limits(e, overdispersion="additive", phi=d.phi,
                                             tau2=d.tau2)).str.endswith("99.8").sum()
    assert plain >= 10 and od < plain / 5


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.floats(5, 500)), min_size=3, max_size=30),
       st.sampled_from(["SHMI", "CQC"]))
def test_phi_is_the_mean_of_squared_kept_z_scores(units, sr_method):
    o = np.array([u[0] for u in units], dtype=float)
    e = np.array([u[1] for u in units])
    d = dispersion(o, e, sr_method=sr_method)
    assert d.n <= len(units)
    if d.n:
        assert d.phi >= 0
        assert d.tau2 >= 0
        assert (d.tau2 > 0) <= (d.n * d.phi > d.n - 1)


# ----------------------------------------------------------------------- checks, figure
def test_bad_parameters_name_the_parameter():
    with pytest.raises(ParameterError, match="overdispersion"):
        funnel_limits([1.0], overdispersion="random")
    with pytest.raises(ParameterError, match="sr_method"):
        dispersion([1], [1.0], sr_method="shmi")
    with pytest.raises(ParameterError, match="trim_by"):
        dispersion([1], [1.0], trim_by=0.6)


def _funnel_table():
    o, e = _simulated_units()
    d = dispersion(o, e)
    t = pd.DataFrame({"unit": [f"U{i:02d}" for i in range(len(o))],
                      "unit_name": [f"Unit {i}" for i in range(len(o))],
                      "sector": "somatic", "n_index": np.round(e * 9).astype(int),
                      "observed": o.astype(int), "expected": e})
    t.loc[3, ["n_index", "observed"]] = [30, 3]          # a small unit: 3 readmissions
    t["ratio"] = t.observed / t.expected
    t["ci_low"], t["ci_high"] = poisson_ratio_interval(t.observed, t.expected)
    t["crude_rate"] = t.observed / t.n_index
    t["standardised_rate"] = t.ratio * 0.11
    t["standardised_ci_low"], t["standardised_ci_high"] = t.ci_low * 0.11, t.ci_high * 0.11
    lim = funnel_limits(t.expected, overdispersion="additive", phi=d.phi, tau2=d.tau2)
    t = t.join(lim)
    t["outside"] = outside_limits(t.ratio, lim)
    t["z"] = d.z
    return t.assign(overdispersion="additive", sr_method="SHMI", phi=d.phi, tau2=d.tau2,
                    adjusted=d.phi > 1, mean_risk=float(t.expected.sum() / t.n_index.sum()),
                    overall_rate=0.11)


def test_figure_names_outliers_prints_the_method_and_hides_small_units():
    from readmit.comparison import FUNNEL_SUPPRESSION

    table = _funnel_table()
    shown = masked(table, **FUNNEL_SUPPRESSION)
    fig = funnel_figure(shown, lang="en", highlight="U01")
    points = [tr for tr in fig.data if tr.mode == "markers+text"]
    texts = [x for tr in points for x in tr.text if x]
    assert "Unit 7" in texts and "Unit 1" in texts          # the outlier and the highlight
    drawn = {round(float(v), 9) for tr in points for v in tr.y}
    assert round(table.ratio[3], 9) not in drawn                # the masked unit is not drawn
    note = fig.layout.annotations[-1].text
    # the simulated units are not overdispersed once the outlier is truncated
    assert table.phi[0] < 1
    assert f"No overdispersion (φ = {table.phi[0]:.3f} ≤ 1" in note
    assert "<5: 1 units" in note
    adjusted = funnel_figure(shown.assign(phi=2.5, tau2=0.00123, adjusted=True), lang="en")
    note = adjusted.layout.annotations[-1].text
    assert "additive" in note and "φ = 2.500" in note and "τ² = 0.00123" in note
    nb = funnel_figure(shown)
    assert "φ =" in nb.layout.annotations[-1].text and "Indeksopphold" in nb.layout.xaxis.title.text


def test_figure_against_expected_and_as_standardised_rate():
    table = _funnel_table()
    fig = funnel_figure(table, lang="en", x="expected", y="standardised_rate")
    points = [tr for tr in fig.data if tr.mode == "markers+text"]
    assert max(v for tr in points for v in tr.y) == pytest.approx(100 * 0.11 * table.ratio.max())
    with pytest.raises(ParameterError, match="highlight"):
        funnel_figure(table, highlight="nowhere")
    with pytest.raises(ParameterError, match="x must"):
        funnel_figure(table, x="n")


def test_limit_columns_are_named_as_the_cli_writes_them():
    assert LIMITS == ["limit95_low", "limit95_high", "limit998_low", "limit998_high"]
