"""The exact Aalen–Johansen estimator (readmit.analyses.cumulative_incidence):
cases by hand, published reference values, and properties against plain
references and statsmodels.

References:
- statsmodels' own ``test_incidence`` (statsmodels/duration/tests/
  test_survfunc.py): cumulative incidences from R's cmprsk ``cuminc`` and
  standard errors that "agree with Stata" (the delta method);
- scikit-survival's ``SimpleDataBMTCases`` (tests/test_nonparametric.py): the
  BMT data of Scrucca et al. (2007), with events at time 0;
- SAS PROC LIFETEST's delta-method 95 % intervals (log(−log)) on Pintilie's
  CGVHD data, as stored in scikit-survival's tests/data/cgvhd_delta.npy.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight

from readmit.analyses.cumulative_incidence import cumulative_incidence, log_log_interval
from readmit.errors import ParameterError

Z = 1.959963984540054


def by_time(time, status, cause=1):
    """Counts per distinct time: (times, events of ``cause``, other events, censored)."""
    time, status = np.asarray(time), np.asarray(status)
    t = np.unique(time)
    d1 = np.array([np.sum((time == u) & (status == cause)) for u in t])
    d2 = np.array([np.sum((time == u) & (status > 0) & (status != cause)) for u in t])
    c = np.array([np.sum((time == u) & (status == 0)) for u in t])
    return t, d1, d2, c


# --------------------------------------------------------------------------- by hand
def test_six_index_stays_with_a_tie_between_readmission_and_death():
    # Six index stays, day by day (d1 readmissions, d2 deaths, c censored):
    #   day 0: one readmission on the discharge day   n=6  d1=1
    #   day 1: nothing                                n=5
    #   day 2: one readmission and one death (two     n=5  d1=1 d2=1
    #          stays) on the same day
    #   day 3: one censored (end of data)             n=3  c=1
    #   day 4: one readmission                        n=2  d1=1
    #   day 5: the last censored                      n=1  c=1
    # All-cause S: S(0)=5/6, S(2)=5/6*3/5=1/2, S(4)=1/2*1/2=1/4.
    # F1(0) = 1/6; F1(2) = 1/6 + S(1)*1/5 = 1/6 + 1/6 = 1/3; F1(4) = 1/3 + S(3)*1/2 = 7/12.
    # F2(2) = S(1)*1/5 = 1/6.
    # Naive 1-KM (deaths censored): KM(0)=5/6, KM(2)=5/6*4/5=2/3, KM(4)=2/3*1/2=1/3,
    # so 1-KM(4) = 2/3 > F1(4) = 7/12: it overstates.
    out = cumulative_incidence([1, 0, 1, 0, 1, 0], [0, 0, 1, 0, 0, 0], [0, 0, 0, 1, 0, 1])
    assert out["n_at_risk"].tolist() == [6, 5, 5, 3, 2, 1]
    assert out["cif"].tolist() == pytest.approx([1 / 6, 1 / 6, 1 / 3, 1 / 3, 7 / 12, 7 / 12])
    assert out["cif_competing"].tolist() == pytest.approx([0, 0, 1 / 6, 1 / 6, 1 / 6, 1 / 6])
    assert out["naive"].tolist() == pytest.approx([1 / 6, 1 / 6, 1 / 3, 1 / 3, 2 / 3, 2 / 3])
    # Before any censoring the estimate is the empirical share and its delta-method
    # variance the binomial one: day 0, p = 1/6 of 6: (1/6)(5/6)/6 = 5/216;
    # day 2, p = 1/3 of 6: (1/3)(2/3)/6 = 1/27.
    assert out["se"][0] == pytest.approx(math.sqrt(5 / 216))
    assert out["se"][2] == pytest.approx(math.sqrt(1 / 27))
    # day 2 by the formula's three sums (module docstring), s = 0 and 2:
    #   [F(2)-F(0)]^2 d/(n(n-d)) at s=0: (1/6)^2 * 1/(6*5) = 1/1080 (s=2: factor 0)
    #   S(s-1)^2 d1(n-d1)/n^3: 1*1*5/216 + (5/6)^2*1*4/125 = 5/216 + 1/45
    #   -2 [F(2)-F(0)] S(-1) d1/n^2 at s=0: -2*(1/6)*1/36 = -1/108
    #   total = 1/1080 + 5/216 + 1/45 - 1/108 = (1 + 25 + 24 - 10)/1080 = 40/1080 = 1/27
    # The log(-log) interval at day 2: F^exp(±z*se/(F*log F)).
    f, se = 1 / 3, math.sqrt(1 / 27)
    theta = Z * se / (f * math.log(f))
    assert out["ci_low"][2] == pytest.approx(f ** math.exp(-theta))
    assert out["ci_high"][2] == pytest.approx(f ** math.exp(theta))
    assert out["ci_low"][2] < f < out["ci_high"][2]


def test_no_event_yet_has_a_zero_interval_and_censoring_alone_changes_nothing():
    # Day 0: 2 censored of 4; day 1: nothing; day 2: 1 readmission of the 2 left.
    # F1(2) = 1 * 1/2 = 0.5 (censored before day 2 do not count in the denominator).
    out = cumulative_incidence([0, 0, 1], [0, 0, 0], [2, 0, 1])
    assert out["cif"].tolist() == [0.0, 0.0, 0.5]
    assert out[["ci_low", "ci_high"]].iloc[0].tolist() == [0.0, 0.0]
    assert out["n_at_risk"].tolist() == [4, 2, 2]


def test_everyone_left_has_the_event_the_variance_stays_finite():
    # Day 0: 1 readmission of 2; day 1: the last one is readmitted (n = d: the
    # first sum skips that day). F1 = 1/2, then 1. Var at day 0 = 1/8 (binomial);
    # at day 1 F1 = 1 with all followed: the binomial variance is 0.
    out = cumulative_incidence([1, 1], [0, 0], [0, 0])
    assert out["cif"].tolist() == [0.5, 1.0]
    assert out["se"].tolist() == pytest.approx([math.sqrt(1 / 8), 0.0])
    assert np.isfinite(out[["ci_low", "ci_high"]].to_numpy()).all()


def test_bad_counts_are_parameter_errors():
    with pytest.raises(ParameterError, match="same length"):
        cumulative_incidence([1], [0, 0], [0])
    with pytest.raises(ParameterError, match="events must be counts"):
        cumulative_incidence([-1], [0], [0])


# --------------------------------------------------------------------------- references
def test_statsmodels_test_incidence_reference_values():
    # statsmodels/duration/tests/test_survfunc.py::test_incidence: CIF from R cmprsk,
    # standard errors agreeing with Stata (delta method).
    ftime = np.r_[1, 1, 2, 4, 4, 4, 6, 6, 7, 8, 9, 9, 9, 1, 2, 2, 4, 4]
    fstat = np.r_[1, 1, 1, 2, 2, 2, 3, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    cinc = [[0.11111111, 0.17037037, 0.17037037, 0.17037037, 0.17037037, 0.17037037, 0.17037037],
            [0., 0., 0.20740741, 0.20740741, 0.20740741, 0.20740741, 0.20740741],
            [0., 0., 0., 0.17777778, 0.26666667, 0.26666667, 0.26666667]]
    cinc_se = [[0.07407407, 0.08976251, 0.08976251, 0.08976251, 0.08976251, 0.08976251,
                0.08976251],
               [0., 0., 0.10610391, 0.10610391, 0.10610391, 0.10610391, 0.10610391],
               [0., 0., 0., 0.11196147, 0.12787781, 0.12787781, 0.12787781]]
    for cause in (1, 2, 3):
        _, d1, d2, c = by_time(ftime, fstat, cause)
        out = cumulative_incidence(d1, d2, c)
        assert out["cif"].to_numpy() == pytest.approx(cinc[cause - 1], abs=1e-8)
        assert out["se"].to_numpy() == pytest.approx(cinc_se[cause - 1], abs=1e-8)


BMT = ("0,13,2 0,1,1 0,72,0 0,7,2 0,8,2 1,67,0 0,9,2 0,5,2 1,70,0 1,4,0 1,7,0 1,68,0 0,1,2 "
       "1,10,2 1,7,2 1,3,1 1,4,1 1,4,1 1,3,1 1,3,1 0,22,2 1,8,1 1,2,2 0,0,2 0,0,1 0,35,0 "
       "1,35,0 0,4,2 0,14,2 0,26,2 0,3,2 1,2,0 1,8,0 1,32,0 0,12,1")   # dis,ftime,status


def test_scikit_survival_bmt_reference_values_with_events_at_time_zero():
    rows = np.array([[int(x) for x in r.split(",")] for r in BMT.split()])
    time, status = rows[:, 1], rows[:, 2]
    t, d1, d2, c = by_time(time, status, 1)
    out = cumulative_incidence(d1, d2, c)
    assert t.tolist() == [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 22, 26, 32, 35, 67, 68,
                          70, 72]
    cif1 = [0.02857143, 0.05714286, 0.05714286, 0.14581281, 0.20492611, 0.20492611,
            0.20492611, 0.23771164, 0.23771164, 0.23771164] + [0.27283899] * 11
    cif2 = [0.02857143, 0.05714286, 0.08571429, 0.11527094, 0.14482759, 0.1757917,
            0.23771992, 0.27050544, 0.30563279, 0.34076015, 0.34076015, 0.3758875,
            0.41101485, 0.4461422] + [0.48126955] * 7
    assert out["cif"].to_numpy() == pytest.approx(cif1, abs=1e-8)
    assert out["cif_competing"].to_numpy() == pytest.approx(cif2, abs=1e-8)
    # at t = 72: CIF1 = 0.27283899, CIF2 = 0.48126955 (the check)
    assert out["cif"].iloc[-1] == pytest.approx(0.27283899, abs=1e-8)
    assert out["cif_competing"].iloc[-1] == pytest.approx(0.48126955, abs=1e-8)
    # the all-cause 1 - KM is the sum of the two incidences
    km = SurvfuncRight(time, (status > 0).astype(float))
    assert (out["cif"] + out["cif_competing"]).to_numpy()[np.isin(t, km.surv_times)] == \
        pytest.approx(1 - km.surv_prob, abs=1e-8)


# Pintilie's CGVHD data (scikit-survival's load_cgvhd: ftime = min(survtime, reltime,
# cgvhtime), status 1 CGVHD, 2 relapse, 3 death, 0 censored), as time:status.
CGVHD = (
    "0.52:1 0.408:1 0.348:1 0.482:1 0.378:1 0.416:2 0.381:1 0.914:1 0.923:1 0.397:1 0.479:1 "
    "0.991:1 0.474:1 0.339:1 0.277:1 0.367:1 0.742:1 0.408:1 0.958:1 0.063:3 0.282:1 0.413:1 "
    "0.394:1 0.342:1 0.367:1 0.277:1 0.367:1 0.331:1 0.32:1 0.329:1 0.444:1 0.438:2 0.964:1 "
    "0.564:1 0.402:1 0.277:1 0.4:1 0.446:1 0.474:1 0.329:1 0.323:1 0.392:1 0.496:1 0.63:1 "
    "0.383:1 1.205:0 0.361:1 0.277:1 0.287:1 0.619:1 0.452:1 0.29:1 0.479:1 0.11:3 0.857:1 "
    "1.993:1 0.463:1 0.496:1 0.422:1 0.307:1 0.701:1 0.279:1 0.419:1 0.616:1 0.331:1 0.181:3 "
    "0.567:1 0.287:3 0.057:0 0.764:1 0.381:1 0.274:2 2.776:0 0.172:2 0.553:1 0.287:1 0.345:1 "
    "0.375:1 0.517:1 0.457:1 0.345:1 0.219:3 0.422:1 0.479:1 0.29:1 0.35:1 0.372:1 0.277:1 "
    "0.301:2 0.474:1 0.465:1 0.433:1 0.359:1 1.202:0 0.408:1 0.402:1 0.35:1 0.411:1 0.301:1 "
    "0.32:1")
# SAS PROC LIFETEST, delta method, log(-log) 95 % limits: (cause, time, CIF, lower, upper)
CGVHD_SAS = [
    (1, 0.277, 0.050505, 0.018789, 0.106152), (1, 0.331, 0.202020, 0.129644, 0.285897),
    (1, 0.411, 0.484848, 0.383544, 0.578763), (1, 2.776, 0.878788, 0.791629, 0.931041),
    (2, 0.172, 0.010101, 0.000890, 0.049487), (2, 0.307, 0.030303, 0.008157, 0.078685),
    (2, 2.776, 0.050505, 0.018789, 0.106152), (3, 0.110, 0.020202, 0.003903, 0.064226),
    (3, 0.290, 0.050505, 0.018789, 0.106152),
]


def test_intervals_match_sas_delta_method_on_cgvhd():
    pairs = [p.split(":") for p in CGVHD.split()]
    time = np.array([float(a) for a, _ in pairs])
    status = np.array([int(b) for _, b in pairs])
    for cause, at, cif, low, high in CGVHD_SAS:
        t, d1, d2, c = by_time(time, status, cause)
        out = cumulative_incidence(d1, d2, c)
        i = int(np.flatnonzero(np.isclose(t, at))[0])
        assert out["cif"][i] == pytest.approx(cif, abs=1e-6)
        assert out["ci_low"][i] == pytest.approx(low, abs=1e-6)
        assert out["ci_high"][i] == pytest.approx(high, abs=1e-6)


# --------------------------------------------------------------------------- properties
def reference_aalen_johansen(time, status):
    """Plain loops: (times, at risk, F1, F2, 1-KM) at each distinct time."""
    data = sorted(zip(time, status))
    times = sorted(set(time))
    surv, km, f1, f2 = 1.0, 1.0, 0.0, 0.0
    rows = []
    for u in times:
        n = sum(1 for t, _ in data if t >= u)
        e1 = sum(1 for t, s in data if t == u and s == 1)
        e2 = sum(1 for t, s in data if t == u and s == 2)
        f1 += surv * e1 / n
        f2 += surv * e2 / n
        surv *= 1 - (e1 + e2) / n
        km *= 1 - e1 / n
        rows.append((u, n, f1, f2, 1 - km))
    return rows


samples = st.lists(st.tuples(st.integers(0, 12), st.sampled_from([0, 0, 1, 1, 1, 2])),
                   min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(samples)
def test_properties_against_a_plain_reference(data):
    time = np.array([t for t, _ in data])
    status = np.array([s for _, s in data])
    t, d1, d2, c = by_time(time, status, 1)
    out = cumulative_incidence(d1, d2, c)
    ref = reference_aalen_johansen(time.tolist(), status.tolist())
    assert out["n_at_risk"].tolist() == [r[1] for r in ref]
    assert out["cif"].to_numpy() == pytest.approx([r[2] for r in ref], abs=1e-12)
    assert out["cif_competing"].to_numpy() == pytest.approx([r[3] for r in ref], abs=1e-12)
    assert out["naive"].to_numpy() == pytest.approx([r[4] for r in ref], abs=1e-12)
    # never decreases; the two incidences never exceed 1; 1-KM never understates
    assert (np.diff(out["cif"]) >= -1e-15).all()
    assert (np.diff(out["cif_competing"]) >= -1e-15).all()
    assert (out["cif"] + out["cif_competing"] <= 1 + 1e-12).all()
    assert (out["naive"] >= out["cif"] - 1e-12).all()
    assert (out["ci_low"] <= out["cif"] + 1e-12).all()
    assert (out["cif"] <= out["ci_high"] + 1e-12).all()
    assert ((out["ci_low"] >= 0) & (out["ci_high"] <= 1 + 1e-12)).all()


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(samples.filter(lambda d: any(s == 1 for _, s in d)))
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_equals_statsmodels_cumincidenceright(data):
    time = np.array([t for t, _ in data], dtype=float)
    status = np.array([s for _, s in data])
    fit = CumIncidenceRight(time, status)
    t, d1, d2, c = by_time(time, status, 1)
    out = cumulative_incidence(d1, d2, c)
    at = np.isin(t, fit.times)          # statsmodels reports its own time points
    assert out["cif"].to_numpy()[at] == pytest.approx(fit.cinc[0], abs=1e-12)
    se = fit.cinc_se[0]
    finite = np.isfinite(se)            # statsmodels divides by n - d = 0 where all fail
    assert out["se"].to_numpy()[at][finite] == pytest.approx(se[finite], abs=1e-9)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.sampled_from([0, 1, 1])), min_size=1,
                max_size=40).filter(lambda d: any(s == 1 for _, s in d)))
def test_without_deaths_it_is_one_minus_kaplan_meier(data):
    time = np.array([t for t, _ in data], dtype=float)
    status = np.array([s for _, s in data])
    t, d1, d2, c = by_time(time, status, 1)
    out = cumulative_incidence(d1, d2, c)
    km = SurvfuncRight(time, status.astype(float))
    at = np.isin(t, km.surv_times)
    assert out["cif"].to_numpy()[at] == pytest.approx(1 - km.surv_prob, abs=1e-12)
    assert out["cif"].to_numpy() == pytest.approx(out["naive"].to_numpy(), abs=1e-12)
    assert (out["cif_competing"] == 0).all()


def test_log_log_interval_contains_the_estimate():
    low, high = log_log_interval(np.array([0.0, 0.1, 0.5, 0.9]), np.array([0.0, 0.02, 0.05, 0.0]))
    assert low.tolist()[0] == high.tolist()[0] == 0.0
    assert low[1] < 0.1 < high[1] and low[2] < 0.5 < high[2]
    assert low[3] == high[3] == 0.9
