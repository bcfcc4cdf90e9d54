"""Baselines from data, against a hand-written stand-in for readmission_burden."""
from __future__ import annotations

import json
from contextlib import contextmanager

import pandas as pd
import pytest

import readmit
from readmit.cli import main
from readmit.errors import ParameterError
from readmit.savings.baselines import (baseline_for_year, masked_baselines, readmission_baselines,
                                       statutory_ukp_rate, ukp_rates)
from readmit.savings.prepare import prepared_scenarios

BURDEN = pd.DataFrame({
    "year": [2018, 2018, 2019, 2019, 2019],
    "institusjonID": ["HBE", "HFO", "HBE", "HFO", "HFO"],
    "sector": ["somatic", "somatic", "somatic", "somatic", "vop"],
    "n_readmissions": [100, 3, 120, 40, 10],
    "bed_days": [400, 9, 500, 160, 80],
    "ukp_days": [20, 0, 30, 6, 0],
})


class FakeRule:
    """Stands in for readmit.Readmissions: BURDEN in any order, eligible index
    stays discharged 2018-2019 (so a readmission discharged in 2020, after a
    late-December index stay, is outside the period)."""

    calls: list = []

    def __init__(self, extract, **rule):
        self.extract = extract
        FakeRule.calls.append(("init", rule))

    def burden(self, by=("year", "institusjonID", "sector")):
        FakeRule.calls.append(("burden", tuple(by)))
        spill = pd.DataFrame({"year": [2020], "institusjonID": ["HBE"], "sector": ["somatic"],
                              "n_readmissions": [9], "bed_days": [30], "ukp_days": [1]})
        return pd.concat([BURDEN, spill]).sample(frac=1, random_state=1)

    def period(self):
        return (2018, 2019)


class FakeExtract:
    end_date = __import__("datetime").date(2020, 1, 20)
    path = __import__("pathlib").Path("/secure/extracts/hv-2020")
    counts = {"episoder": {"read": 10, "kept": 9, "rejected": 1}}


@pytest.fixture
def fake_burden(monkeypatch):
    FakeRule.calls = []

    @contextmanager
    def fake_open(path, encoding=None):
        yield FakeExtract()

    monkeypatch.setattr(readmit, "Readmissions", FakeRule)
    monkeypatch.setattr(readmit, "open", fake_open)
    return FakeRule.calls


def test_baselines_table_and_statutory_rate(fake_burden):
    t = readmission_baselines(FakeRule("ex"), statutory_rate=True)
    assert ("burden", ("year", "institusjonID", "sector")) in fake_burden
    # 2020 (a readmission spilling over past 31 December 2019) is not a year of the period
    assert t["year"].tolist() == [2018, 2018, 2019, 2019, 2019]
    assert t["ukp_rate"].tolist() == [4747, 4747, 4885, 4885, 4885]


def test_baseline_for_year_sums(fake_burden):
    t = readmission_baselines(FakeRule("ex"))
    latest = baseline_for_year(t)
    assert latest == {"year": 2019, "n_readmissions": 170.0, "bed_days": 740.0, "ukp_days": 36.0}
    assert baseline_for_year(t, 2018, trust="HBE")["bed_days"] == 400
    assert baseline_for_year(t, 2018, trust="helse bergen")["bed_days"] == 400
    assert baseline_for_year(t, sector="vop")["bed_days"] == 80
    with pytest.raises(ParameterError, match="no readmissions in 2020; the extract has 2018-2019"):
        baseline_for_year(t, 2020)
    with pytest.raises(ParameterError, match=r"trust 'HST' has no readmissions.*Helse Fonna \(HFO\)"):
        baseline_for_year(t, trust="HST")


def test_statutory_rates_from_the_reference_file():
    assert ukp_rates()[2012] == 4000 and ukp_rates()[2024] == 5745
    assert statutory_ukp_rate(2016) == 4505
    with pytest.raises(ParameterError, match="2013"):
        statutory_ukp_rate(2013)
    with pytest.raises(ParameterError, match="2025"):
        statutory_ukp_rate(2025)


def test_small_counts_are_masked():
    shown = masked_baselines(BURDEN)
    row = shown.iloc[1]  # 3 readmissions
    assert (row.n_readmissions, row.bed_days, row.ukp_days) == ("<5", "<5", "<5")
    assert shown.iloc[0].bed_days == "400"


def test_prepared_scenarios_take_the_extract_baseline(fake_burden):
    p = prepared_scenarios(["fewer_readmissions_10"], extract="ex", year=2019,
                           statutory_ukp_rate=True)
    s = p.scenarios[0]
    assert s.parameters["bed_days"].base == 740 and s.parameters["ukp_days"].base == 36
    assert s.parameters["ukp_cost_municipality"].base == 4885
    assert p.baseline["year"] == 2019 and p.baseline["period"] == [2018, 2019]
    # the folder by name only, and the rows the loader rejected
    assert p.baseline["extract"] == "hv-2020" and p.baseline["rejected"] == {"episoder": 1}


def test_extract_options_need_an_extract():
    with pytest.raises(ParameterError, match="give extract too"):
        prepared_scenarios([], {"bed_days": 10}, sector="vop")
    with pytest.raises(ParameterError, match="year is the baseline year"):
        prepared_scenarios([], {"bed_days": 10}, year=2019)
    # the year of the statutory rate alone is fine
    assert prepared_scenarios([], {"bed_days": 10}, year=2019,
                              statutory_ukp_rate=True).baseline["ukp_rate_year"] == 2019


def test_simulate_with_extract(fake_burden, capsys):
    code = main(["simulate", "--extract", "some/dir", "--year", "2018", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    # 2018: 409 bed days, 20 UKP days: 0.1 * (409 * 30 000 + 20 * 15 000) = 1 257 000
    assert out["saving"] == pytest.approx(1_257_000)
    assert out["scenarios"][0]["baseline"]["year"] == 2018


def test_simulate_with_extract_defaults_to_the_last_full_year(fake_burden, capsys):
    # end date 2020-01-20: the last full year is 2019 (740 bed days, 36 UKP days)
    main(["simulate", "--extract", "some/dir", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["saving"] == pytest.approx(0.1 * (740 * 30_000 + 36 * 15_000))


def test_extract_and_given_days_conflict(fake_burden, capsys):
    code = main(["simulate", "--extract", "d", "--bed-days", "5"])
    assert code == 2 and "not both" in capsys.readouterr().err
