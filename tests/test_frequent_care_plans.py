"""Care plans against a comparison group with pseudo-starts: the person-month
panel by hand, and the rate ratios on simulated data with regression to the
mean built in (a known effect is recovered, a null effect is not invented)."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import readmit
from readmit.cli import main
from readmit.frequent import care_plan_monthly, care_plan_rate_ratios
from tests.extract_builder import contact, ep, person, write_extract


def days_between(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


# ----------------------------------------------------------------------------- by hand
@pytest.fixture(scope="module")
def planned_extract(tmp_path_factory):
    path = tmp_path_factory.mktemp("plans")
    rows = []

    def add(p, days, service="AMK"):
        for d in days:
            rows.append(contact(p, len(rows) + 1, f"{d} 12:00", tjeneste=service))

    jan = [f"2016-01-{d:02d}" for d in range(1, 11)]
    # P: ten AMK contacts 1-10 Jan 2016 (qualifies on 10 Jan), plan from 8 June
    # 2016 (lag 150 days); after it: 8 June, 8 July (month 0), 9 July (month 1)
    add("P", jan + ["2016-06-08", "2016-07-08", "2016-07-09"])
    # C: ten LV contacts 21 Feb - 1 Mar 2016 (qualifies 1 Mar), no plan: its
    # pseudo-start is 1 Mar + 150 days = 29 Jul 2016; then 28 Jul (month -1)
    # and 29 Aug (day 31: month 1); dies 31 Dec 2016 (day 155)
    add("C", [f"2016-02-{d}" for d in range(21, 30)] + ["2016-03-01", "2016-07-28",
                                                        "2016-08-29"], "LV")
    # L: qualifies in 2019, plan 1 June 2019: its after-window passes the end of the data
    add("L", [f"2019-01-{d:02d}" for d in range(1, 11)])
    # N: a plan but never ten contacts in a year
    add("N", ["2016-05-01"])
    # E: the edges of the contact data, 1 Jan 2014 and 31 Dec 2019
    add("E", ["2014-01-01", "2019-12-31"])
    persons = [person("P"), person("C", doddato="2016-12-31"), person("L"), person("N"),
               person("E")]
    write_extract(path, [ep("E", 1, "2015-03-01 10:00", "2015-03-02 10:00")],
                  persons=persons, contacts=rows)
    pq.write_table(pa.table({
        "lopenr": pa.array(["P", "L", "N"]),
        "startdato": pa.array([dt.date(2016, 6, 8), dt.date(2019, 6, 1), dt.date(2016, 6, 1)]),
        "tjeneste": pa.array(["begge", "AMK", "LV"]),
    }), path / "handlingsplaner.parquet")
    return path


@pytest.fixture(scope="module")
def panel(planned_extract):
    with readmit.open(planned_extract) as ex:
        return readmit.Readmissions(ex).care_plan_panel()


def test_the_hand_dates():
    assert days_between("2016-01-10", "2016-06-08") == 150
    assert days_between("2016-03-01", "2016-07-29") == 150
    assert days_between("2016-07-29", "2016-12-31") == 155


def test_only_whole_windows_of_qualified_persons(panel):
    # L's window passes the end of the contact data, N never qualified
    assert sorted(panel.lopenr.unique()) == ["C", "P"]
    assert panel.groupby("lopenr").start.first().dt.date.to_dict() == {
        "C": dt.date(2016, 7, 29), "P": dt.date(2016, 6, 8)}


def test_months_of_the_contacts(panel):
    p = panel[panel.lopenr == "P"].set_index("month")
    # 1-7 Jan are days -159..-153 before 8 June: month -6 (days -182..-153);
    # 8-10 Jan are days -152..-150: month -5 (days -152..-122)
    assert p.n_contacts[p.n_contacts > 0].to_dict() == {-6: 7, -5: 3, 0: 2, 1: 1}
    assert p.index.tolist() == list(range(-12, 12))
    # a month is 365.25/12 days: month -12 is days -365..-335 (31 days), and the
    # 12 months before hold 365 days, the 12 after 366 (days 0..365)
    assert p.loc[-12, "days"] == 31
    assert p.loc[p.index < 0, "days"].sum() == 365 and p.loc[p.index >= 0, "days"].sum() == 366


def test_a_death_ends_the_follow_up(panel):
    c = panel[panel.lopenr == "C"].set_index("month")
    assert c.n_contacts[c.n_contacts > 0].to_dict() == {-6: 7, -5: 3, -1: 1, 1: 1}
    # death on day 155: month 5 is days 153..182, of which 153, 154, 155 alive
    assert c.index.max() == 5 and c.loc[5, "days"] == 3
    assert c.loc[c.index >= 0, "days"].sum() == 156


def test_rate_ratios_of_the_hand_panel(panel):
    t = care_plan_rate_ratios(panel).set_index("estimate")
    plan = (3 / 366) / (10 / 365)
    comparison = (1 / 156) / (11 / 365)
    assert t.loc["plan_before_after", "rate_ratio"] == pytest.approx(plan)
    assert t.loc["comparison_before_after", "rate_ratio"] == pytest.approx(comparison)
    assert t.loc["difference_in_differences", "rate_ratio"] == pytest.approx(plan / comparison)
    assert t.n_persons.tolist() == [1, 1, 2]


def test_care_plans_cli_columns(planned_extract, tmp_path):
    out = tmp_path / "cp.csv"
    assert main(["analyse", str(planned_extract), "care-plans", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert table.columns.tolist() == ["estimate", "n_persons", "rate_ratio", "ci_low", "ci_high"]
    assert table.estimate.tolist() == ["plan_before_after", "comparison_before_after",
                                       "difference_in_differences"]
    # one person in each group: small numbers, and the ratios computed from them
    assert table.iloc[0].tolist()[1:] == ["<5"] * 4
    out2 = tmp_path / "cp2.csv"
    assert main(["analyse", str(planned_extract), "care-plans", "--out", str(out2),
                 "--no-suppress"]) == 0
    raw = pd.read_csv(out2)
    assert raw.rate_ratio[0] == pytest.approx((3 / 366) / (10 / 365), abs=5e-5)


def test_monthly_table_and_figure(panel):
    monthly = care_plan_monthly(panel)
    plan = monthly[monthly.group == "plan"].set_index("month")
    # month -6 of P: 7 contacts in 30 days (days -182..-153) -> 7/30 * 30.4375
    assert plan.loc[-6, "rate"] == pytest.approx(7 / 30 * 365.25 / 12)
    fig = readmit.care_plan_figure(readmit.privacy.masked(
        monthly, counts=["n_persons"], derived={"rate": ["n_persons"]}))
    assert len(fig.data) == 4


# ----------------------------------------------------------------------------- simulated
def simulated_panel(effect: float, seed: int, n: int = 4000) -> pd.DataFrame:
    """Person-months with regression to the mean built in.

    Each person has a base rate (gamma, mean 3 a month) and a monthly level
    that drifts (log-AR(1), 0.85, shocks sd 0.35) around it. Persons are
    chosen for their high count in the 12 months before month 0 (above the
    80th percentile): chosen on a high spell, they fall back afterwards
    whatever is done. Half of them, at random, get a plan that multiplies
    their rate by ``effect`` from month 0; the other half are the comparison.
    """
    rng = np.random.default_rng(seed)
    months = 36
    base = rng.gamma(2.0, 1.5, n)
    level = np.zeros((n, months))
    level[:, 0] = rng.normal(0, 0.35 / math.sqrt(1 - 0.85 ** 2), n)
    for t in range(1, months):
        level[:, t] = 0.85 * level[:, t - 1] + rng.normal(0, 0.35, n)
    rate = base[:, None] * np.exp(level)
    before = rng.poisson(rate[:, :24])
    year_before = before[:, 12:24].sum(axis=1)
    chosen = np.flatnonzero(year_before >= np.quantile(year_before, 0.8))
    planned = rng.random(len(chosen)) < 0.5
    after = rng.poisson(rate[chosen, 24:] * np.where(planned, effect, 1.0)[:, None])
    counts = np.hstack([before[chosen, 12:24], after])
    k = np.arange(-12, 12)
    return pd.DataFrame({
        "lopenr": np.repeat(chosen, 24), "planned": np.repeat(planned, 24),
        "month": np.tile(k, len(chosen)), "after": np.tile(k >= 0, len(chosen)),
        "n_contacts": counts.ravel(), "days": 30,
    })


@pytest.mark.parametrize("effect", [0.7, 1.0])
def test_the_difference_in_differences_recovers_a_known_effect(effect):
    t = care_plan_rate_ratios(simulated_panel(effect, seed=11)).set_index("estimate")
    did = t.loc["difference_in_differences"]
    naive = t.loc["plan_before_after"]
    comparison = t.loc["comparison_before_after"]
    # regression to the mean: the comparison group, chosen on a high year,
    # falls without any plan, and the naive ratio credits that fall to the plan
    assert comparison.ci_high < 0.95
    assert naive.rate_ratio < effect - 0.05
    # the difference in differences does not: its interval covers the effect
    assert did.ci_low <= effect <= did.ci_high
    assert abs(math.log(did.rate_ratio / effect)) < 0.08
    # ... and is narrow enough to tell 0.7 from 1 (about +-10 % on the log scale)
    assert math.log(did.ci_high / did.ci_low) < 0.25


def test_a_ratio_from_a_small_group_is_hidden_even_when_the_sum_is_not(tmp_path):
    # 100 planned and 3 comparison persons: the plan's own ratio is shown; the
    # comparison's and the difference in differences are not, nor the latter's
    # 103 persons (103 - 100 would give the comparison's 3)
    import argparse

    from readmit.cli.common import write_table
    from readmit.frequent.care_plans import CARE_PLAN_SUPPRESSION

    table = pd.DataFrame({
        "estimate": ["plan_before_after", "comparison_before_after", "difference_in_differences"],
        "n_persons": [100, 3, 103], "rate_ratio": [0.8, 0.9, 0.89], "ci_low": [0.7, 0.6, 0.6],
        "ci_high": [0.9, 1.2, 1.3], "n_plan": [100, 0, 100], "n_comparison": [0, 3, 3]})
    out = tmp_path / "t.csv"
    write_table(table, argparse.Namespace(out=str(out), no_suppress=False),
                **CARE_PLAN_SUPPRESSION, hidden=["n_plan", "n_comparison"])
    written = pd.read_csv(out, dtype=str)
    assert written.columns.tolist() == ["estimate", "n_persons", "rate_ratio", "ci_low", "ci_high"]
    assert written.rate_ratio.tolist() == ["0.8", "<5", "<5"]
    assert written.n_persons.tolist() == ["100", "<5", "<5"]


def test_on_the_default_extract_the_estimate_covers_the_generators_effect(tmp_path_factory):
    # the default synthetic extract (seed 2020, scale 1, as `make report`
    # writes it): the generator lowers a planned person's contacts by
    # care_plan_effect and gives plans some months after a person first
    # qualified, while everyone's use drifts back towards their own base. The
    # difference in differences must cover the effect; the naive before/after
    # ratio, which credits that drift to the plan, lies further from 1.
    from readmit.synthetic import generate_extract
    from readmit.synthetic.config import load_config

    effect = load_config()["emergency"]["care_plan_effect"]
    out = tmp_path_factory.mktemp("default") / "helse-vest"
    generate_extract(out, seed=2020, scale=1.0, years=(2014, 2019))
    r = readmit.Readmissions(readmit.open(out))
    t = r.care_plan_effects().set_index("estimate")
    did = t.loc["difference_in_differences"]
    naive = t.loc["plan_before_after"]
    assert did.ci_low <= effect <= did.ci_high
    assert abs(math.log(naive.rate_ratio)) > abs(math.log(did.rate_ratio))
    assert abs(math.log(naive.rate_ratio)) > abs(math.log(effect))
