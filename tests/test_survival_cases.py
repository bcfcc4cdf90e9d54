"""Six-month survival worked out by hand (definitions.md, Six-month mortality).

Named cases in the style of scikit-survival's: ties of deaths, censoring at
the horizon, censoring at the end of the data, a death on the day after
discharge, a group with no deaths; and the cohort's own rules (one row per
person, the year of look-back, the covariates). Each extract is a few
hand-written rows; the expected numbers come from the Kaplan–Meier product
and Greenwood's formula written out in the comments, never from the code.

Every extract also holds two outpatient contacts of a bystander "zz": on
2018-01-01 (the start of the data, so index stays admitted from 2019-01-01
have their year of look-back) and on 2019-12-31 (the end of the data).
Unless a row says otherwise a stay is somatic, acute, at HBE, age 70.
"""
from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import readmit  # noqa: E402
from extract_builder import ep, person, write_extract  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402
from readmit.survival import (logrank_test, mortality_cohort, survival_at,  # noqa: E402
                              survival_curves)

Z95 = 1.959963984540054
BYSTANDER = [ep("zz", 9001, "2018-01-01 08:00", "2018-01-01 09:00", omsorgsniva=3),
             ep("zz", 9002, "2019-12-31 08:00", "2019-12-31 09:00", omsorgsniva=3)]


@contextmanager
def rule(tmp_path, episodes, persons, **params):
    write_extract(tmp_path, [*episodes, *BYSTANDER], persons=[*persons, person("zz")])
    with readmit.open(tmp_path) as ex:
        yield readmit.Readmissions(ex, **params)


def loglog_interval(s: float, greenwood: float) -> tuple[float, float]:
    """The 95% log(-log) interval of a survival s with Greenwood sum
    sum d/(n(n-d)): s ** exp(+-1.96 * sqrt(sum) / |log s|)."""
    se = math.sqrt(greenwood) / abs(math.log(s))
    return s ** math.exp(Z95 * se), s ** math.exp(-Z95 * se)


def stay(lopenr, n, admitted, discharged, **kw):
    return ep(lopenr, n, admitted, discharged, **kw)


# ------------------------------------------------------------ ties, horizon censoring
TIES = [stay(f"p{i}", i, "2019-01-05 10:00", "2019-01-10 12:00") for i in range(1, 7)]
TIES_PERSONS = [
    person("p1", doddato="2019-01-20"),   # day 10
    person("p2", doddato="2019-01-20"),   # day 10: a tie with p1
    person("p3", doddato="2019-02-09"),   # day 30
    person("p4"),                         # alive: censored at the horizon, day 182
    person("p5", doddato="2019-07-11"),   # day 182 (21 + 28 + 31 + 30 + 31 + 30 + 11): counts
    person("p6", doddato="2019-07-12"),   # day 183: after the horizon, censored at 182
]


def test_ties_of_deaths_and_censoring_at_the_horizon(tmp_path):
    with rule(tmp_path, TIES, TIES_PERSONS) as r:
        cohort = mortality_cohort(r).set_index("lopenr")
        at = survival_at(r, days=[30, 90, 182]).set_index("day")
        curves = survival_curves(r).set_index("day")
    assert cohort["days"].to_dict() == {"p1": 10, "p2": 10, "p3": 30, "p4": 182, "p5": 182,
                                        "p6": 182}
    assert cohort["died"].to_dict() == {"p1": True, "p2": True, "p3": True, "p4": False,
                                        "p5": True, "p6": False}
    # Kaplan-Meier: day 10: 6 at risk, 2 deaths -> 4/6; day 30: 4 at risk, 1 death ->
    # 4/6 * 3/4 = 1/2; day 182: 3 at risk (p4, p5, p6), 1 death -> 1/2 * 2/3 = 1/3.
    assert curves.loc[[0, 9, 10, 29, 30, 181, 182], "survival"].tolist() == pytest.approx(
        [1, 1, 4 / 6, 4 / 6, 1 / 2, 1 / 2, 1 / 3], abs=1e-12)
    assert curves.loc[[0, 10, 11, 30, 182], "n_at_risk"].tolist() == [6, 6, 4, 4, 3]
    assert curves.loc[[10, 30, 182], "deaths"].tolist() == [2, 1, 1]
    assert curves.loc[182, "censored"] == 2
    assert at["n"].tolist() == [6, 6, 6]
    assert at["deaths"].tolist() == [3, 3, 4]          # deaths up to the day, day 182 included
    assert at["survival"].tolist() == pytest.approx([0.5, 0.5, 1 / 3], abs=1e-12)
    # Greenwood at day 30: 2/(6*4) + 1/(4*3) = 1/6      -> (0.1109, 0.8037)
    # at day 182: 1/6 + 1/(3*2) = 1/3                   -> (0.0461, 0.6756)
    assert at.loc[30, ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [0.110948, 0.803709], abs=1e-6)
    assert at.loc[182, ["ci_low", "ci_high"]].tolist() == pytest.approx(
        loglog_interval(1 / 3, 1 / 3), abs=1e-9)
    assert at.loc[182, "ci_low"] == pytest.approx(0.046082, abs=1e-6)


def test_a_shorter_horizon_censors_earlier(tmp_path):
    with rule(tmp_path, TIES, TIES_PERSONS) as r:
        cohort = mortality_cohort(r, horizon_days=30).set_index("lopenr")
    # deaths on days 10, 10, 30 count (a death on the last day counts); p4-p6 censored at 30
    assert cohort["days"].tolist() == [10, 10, 30, 30, 30, 30]
    assert cohort["died"].tolist() == [True, True, True, False, False, False]


# ------------------------------------------------------------ end of the data
END_EPISODES = [
    stay("q1", 11, "2019-11-25 10:00", "2019-11-30 10:00"),
    stay("q2", 12, "2019-11-28 10:00", "2019-12-01 10:00"),
    stay("q3", 13, "2019-09-28 10:00", "2019-10-01 10:00"),
    stay("q4", 14, "2019-12-29 10:00", "2019-12-31 07:00"),
]
END_PERSONS = [
    person("q1"),                          # alive: followed 31 days (30 Nov -> 31 Dec)
    person("q2", doddato="2019-12-20"),    # dies on day 19
    person("q3", doddato="2020-01-15"),    # dies after the end of the data: censored on day 91
    person("q4"),                          # discharged on the last day: followed 0 days
]


def test_censoring_at_the_end_of_the_data(tmp_path):
    with rule(tmp_path, END_EPISODES, END_PERSONS) as r:
        cohort = mortality_cohort(r).set_index("lopenr")
        at = survival_at(r, days=[182]).iloc[0]
    assert cohort["follow_up_days"].to_dict() == {"q1": 31, "q2": 30, "q3": 91, "q4": 0}
    assert cohort["days"].to_dict() == {"q1": 31, "q2": 19, "q3": 91, "q4": 0}
    assert cohort["died"].to_dict() == {"q1": False, "q2": True, "q3": False, "q4": False}
    # day 19: at risk q1, q2, q3 (q4 was followed 0 days) -> S = 2/3, then only censoring.
    # Greenwood 1/(3*2) = 1/6 -> (0.0541, 0.9452)
    assert (at["n"], at["n_at_risk"], at["deaths"]) == (4, 0, 1)
    assert at["survival"] == pytest.approx(2 / 3, abs=1e-12)
    assert [at["ci_low"], at["ci_high"]] == pytest.approx([0.054073, 0.945206], abs=1e-6)


def test_an_earlier_end_date_ends_follow_up_and_the_cohort(tmp_path):
    with rule(tmp_path, END_EPISODES, END_PERSONS, end_date="2019-12-15") as r:
        cohort = mortality_cohort(r).set_index("lopenr")
    # q1: 30 Nov -> 15 Dec = 15 days; q2 dies 20 Dec, after the end: censored on day 14;
    # q3: 1 Oct -> 15 Dec = 75 days; q4 is discharged after the end: not in the cohort
    assert cohort["days"].to_dict() == {"q1": 15, "q2": 14, "q3": 75}
    assert not cohort["died"].any()


# ------------------------------------------------------------ the day after discharge
def test_a_death_on_the_day_after_discharge(tmp_path):
    episodes = [stay("r1", 21, "2019-03-01 08:00", "2019-03-01 18:00"),
                stay("r2", 22, "2019-03-01 08:00", "2019-03-01 18:00"),
                stay("r3", 23, "2019-03-01 08:00", "2019-03-01 18:00")]
    persons = [person("r1", doddato="2019-03-02"),   # day 1
               person("r2"),
               person("r3", doddato="2019-03-01")]   # dies on the discharge date: no index stay
    with rule(tmp_path, episodes, persons) as r:
        cohort = mortality_cohort(r).set_index("lopenr")
        curves = survival_curves(r, horizon_days=5).set_index("day")
    assert cohort["days"].to_dict() == {"r1": 1, "r2": 182}
    assert cohort["died"].to_dict() == {"r1": True, "r2": False}
    # day 1: 2 at risk, 1 death -> 1/2
    assert curves["survival"].tolist() == pytest.approx([1, 0.5, 0.5, 0.5, 0.5, 0.5])
    assert curves.loc[1, ["n_at_risk", "deaths"]].tolist() == [2, 1]


# ------------------------------------------------------------ a group with no deaths
def test_a_group_with_no_deaths_and_the_log_rank_test(tmp_path):
    episodes = [stay("s1", 31, "2019-04-01 08:00", "2019-04-03 08:00"),
                stay("s2", 32, "2019-04-01 08:00", "2019-04-03 08:00"),
                stay("v1", 33, "2019-04-01 08:00", "2019-04-03 08:00", sektor=2),
                stay("v2", 34, "2019-04-01 08:00", "2019-04-03 08:00", sektor=2)]
    persons = [person("s1", doddato="2019-04-08"), person("s2"), person("v1"), person("v2")]
    with rule(tmp_path, episodes, persons) as r:
        at = survival_at(r, by="sector", days=[182]).set_index("sector")
        test = logrank_test(r, by="sector").iloc[0]
    # somatic: day 5, 2 at risk, 1 death -> 1/2; VOP: no deaths -> 1, interval (1, 1)
    assert at.loc["somatic", ["n", "deaths", "survival"]].tolist() == [2, 1, 0.5]
    assert at.loc["vop", ["n", "deaths", "survival", "ci_low", "ci_high"]].tolist() == \
        [2, 0, 1.0, 1.0, 1.0]
    # log-rank: at day 5, 4 at risk (2 + 2), 1 death; expected somatic deaths 1 * 2/4 = 0.5,
    # variance 1 * (2/4) * (2/4) * (4 - 1)/(4 - 1) = 0.25; chi2 = (1 - 0.5)^2 / 0.25 = 1,
    # 1 df: p = P(chi2_1 > 1) = 0.3173
    assert (test["groups"], test["df"]) == (2, 1)
    assert test["test_statistic"] == pytest.approx(1.0, abs=1e-12)
    assert test["p"] == pytest.approx(0.317311, abs=1e-6)


# ------------------------------------------------------------ who is in the cohort
def test_first_index_stay_per_person_and_every_stay(tmp_path):
    episodes = [
        stay("f", 41, "2019-02-01 08:00", "2019-02-03 08:00"),
        stay("f", 42, "2019-05-01 08:00", "2019-05-04 08:00", innmateHast=4),
        # g: a stay in the year of look-back (admitted before 2019-01-01) is not in the cohort
        stay("g", 43, "2018-06-01 08:00", "2018-06-05 08:00"),
        stay("g", 44, "2019-03-01 08:00", "2019-03-02 08:00"),
        # h: a death in hospital (uttilstand 2) is no index stay
        stay("h", 45, "2019-03-01 08:00", "2019-03-09 08:00", uttilstand=2),
    ]
    persons = [person("f", doddato="2019-06-01"), person("g"), person("h", doddato="2019-03-09")]
    with rule(tmp_path, episodes, persons) as r:
        first = mortality_cohort(r)
        every = mortality_cohort(r, every_stay=True)
    # f: 3 Feb -> 1 Jun = 118 days; g: from its 2019 stay, alive
    assert first[["lopenr", "days", "died"]].values.tolist() == [["f", 118, True],
                                                                   ["g", 182, False]]
    # every stay: f's second stay, 4 May -> 1 Jun = 28 days
    assert every[["lopenr", "days", "died"]].values.tolist() == [
        ["f", 118, True], ["f", 28, True], ["g", 182, False]]


def test_covariates_by_hand(tmp_path):
    episodes = [
        # k: acute stays in 2018 (Mar, Jun, Sep), a planned one (Oct), then the index stay:
        stay("k", 51, "2018-03-01 10:00", "2018-03-02 10:00"),
        stay("k", 52, "2018-06-01 10:00", "2018-06-02 10:00", innmateHast=2),
        stay("k", 53, "2018-09-01 10:00", "2018-09-02 10:00", innmateHast=3),
        stay("k", 54, "2018-10-01 10:00", "2018-10-02 10:00", innmateHast=4),
        stay("k", 55, "2019-02-01 08:00", "2019-02-06 12:00", utskrklardato="2019-02-04",
             tilstand_1_1="I50.0", tilstand_2_1="J44.1", alder=81, kjonn=1),
        # m: first acute stay 2018-02-01 10:00, exactly 365 days (less 2 hours) before the
        # index admission 2019-02-01 08:00: a prior stay by the clock (within 365 x 24 h)
        # but 365 days before by date, so the index is its 4th acute admission 365 days
        # after the first: not a frequent user (at most 364 days)
        stay("m", 61, "2018-02-01 10:00", "2018-02-02 10:00"),
        stay("m", 62, "2018-06-01 10:00", "2018-06-02 10:00"),
        stay("m", 63, "2018-09-01 10:00", "2018-09-02 10:00"),
        stay("m", 64, "2019-02-01 08:00", "2019-02-02 08:00", tilstand_1_1="I50",
             tilstand_2_1="I10"),
        # n: a transfer (2 h apart) is one stay; its conditions span chapters IX, X, IV;
        # readmitted acutely 10 days later
        stay("n", 71, "2019-03-01 10:00", "2019-03-03 10:00", tilstand_1_1="I21.0"),
        stay("n", 72, "2019-03-03 12:00", "2019-03-06 10:00", institusjonID="HFO",
             tilstand_1_1="J18", tilstand_2_1="E11.9"),
        stay("n", 73, "2019-03-16 10:00", "2019-03-18 10:00"),
    ]
    persons = [person("k"), person("m"), person("n")]
    with rule(tmp_path, episodes, persons) as r:
        c = mortality_cohort(r).set_index("lopenr")
    # k: acute stays admitted from 2018-02-01 08:00 up to the index: Mar, Jun, Sep = 3 prior;
    # from 2018-02-02 (364 days before 1 Feb 2019) to the index, index included: 4 -> frequent
    # m: prior 3 (2018-02-01 10:00 is after 2018-02-01 08:00); frequent window from
    # 2018-02-02: Jun, Sep, index = 3 -> not frequent
    assert c.loc[["k", "m", "n"], "prior_acute_stays"].tolist() == [3, 3, 0]
    assert c.loc[["k", "m", "n"], "frequent_user"].tolist() == [True, False, False]
    # Charlson index (SKDE's choices: contacts admitted in the 365 days before the index
    # admission date, not the index stay's own conditions): k's earlier stays all carry
    # the builder's default main condition I50.0 (congestive heart failure, weight 1) -> 1;
    # m's too (2018-02-01 is 365 days before 2019-02-01 by date: in the lookback) -> 1;
    # n has no earlier contact (its own I21, J18, E11 do not count) -> 0
    assert c.loc[["k", "m", "n"], "comorbidity_score"].tolist() == [1, 1, 0]
    # k: 1 Feb -> 6 Feb = 5 days, ready 4 Feb -> 2 ready-for-discharge days; n: readmitted,
    # its stay ends at HFO (the trust that discharged it), 1 Mar -> 6 Mar = 5 days
    assert c.loc["k", ["los_days", "ukp_days", "ready_for_discharge", "age", "sex"]].tolist() \
        == [5, 2, True, 81, "male"]
    assert c.loc[["k", "m", "n"], "readmitted"].tolist() == [False, False, True]
    assert c.loc["n", ["institusjonID", "los_days"]].tolist() == ["HFO", 5]


def test_any_number_of_secondary_conditions(tmp_path):
    """tilstand_2_2, tilstand_2_3 ... count like tilstand_2_1 (extract.md: any number)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    episodes = [ep("w", 80, "2019-01-10 09:00", "2019-01-10 10:00", omsorgsniva=3,
                   tilstand_1_1="Z09.8"),   # an outpatient contact 50 days before
                stay("w", 81, "2019-03-01 10:00", "2019-03-03 10:00", tilstand_1_1="I50",
                     tilstand_2_1="i10")]
    write_extract(tmp_path, [*episodes, *BYSTANDER], persons=[person("w"), person("zz")])
    table = pq.read_table(tmp_path / "episoder.parquet")
    n = table.num_rows
    # w's contact comes first: F00 (dementia), C34.1 (malignancy) and an unknown code
    table = table.append_column("tilstand_2_2", pa.array(["F00"] + [None] * (n - 1), pa.string()))
    table = table.append_column("tilstand_2_3", pa.array(["C34.1"] + [None] * (n - 1),
                                                         pa.string()))
    table = table.append_column("tilstand_2_4", pa.array(["99X"] + [None] * (n - 1), pa.string()))
    pq.write_table(table, tmp_path / "episoder.parquet")
    with readmit.open(tmp_path) as ex:
        c = mortality_cohort(readmit.Readmissions(ex))
    # Charlson, original weights: dementia 1 + any malignancy 2 = 3 (the index stay's own
    # I50 is not counted: SKDE's choice; Z09.8 and 99X are no condition)
    assert c["comorbidity_score"].tolist() == [3]


def test_parameters_are_named(tmp_path):
    with rule(tmp_path, TIES, TIES_PERSONS) as r:
        with pytest.raises(ParameterError, match="horizon_days"):
            mortality_cohort(r, horizon_days=0)
        with pytest.raises(ParameterError, match="by: cannot group by 'colour'"):
            survival_at(r, by="colour")
        with pytest.raises(ParameterError, match="days must be"):
            survival_at(r, days=[30, -1])
        with pytest.raises(ParameterError, match="log-rank test needs two"):
            logrank_test(r, by="sector")
