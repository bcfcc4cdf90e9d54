"""`readmit readmissions` and `readmit rates` from the command line."""
from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

import readmit
from readmit.cli import main

COLUMNS = ["lopenr", "admitted_at", "discharged_at", "institusjonID", "sector", "age",
           "los_days", "ukp_days", "readmitted", "hours_to_readmission",
           "days_to_readmission", "died_in_window", "eligible"]


def test_readmissions_csv_has_the_issue_columns(small_extract, tmp_path):
    out = tmp_path / "idx.csv"
    assert main(["readmissions", str(small_extract), "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == COLUMNS
    assert set(frame.sector) == {"somatic", "vop", "tsb"}
    assert frame.admitted_at.str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").all()
    assert set(frame.readmitted) == {0, 1} and set(frame.eligible) == {0, 1}
    readm = frame[frame.readmitted == 1]
    assert (readm.hours_to_readmission > 0).all() and (readm.hours_to_readmission <= 720).all()
    assert frame.loc[frame.readmitted == 0, "hours_to_readmission"].isna().all()


def test_min_age_and_sector_filters(small_extract, tmp_path):
    out = tmp_path / "old.csv"
    assert main(["readmissions", str(small_extract), "--out", str(out),
                 "--min-age", "67", "--sector", "somatic"]) == 0
    frame = pd.read_csv(out)
    assert (frame.age >= 67).all() and set(frame.sector) == {"somatic"}


def test_rates_equal_a_count_of_the_index_stays(small_extract, tmp_path):
    out = tmp_path / "rates.csv"
    assert main(["rates", str(small_extract), "--by", "year,sector", "--out", str(out),
                 "--no-suppress"]) == 0
    rates = pd.read_csv(out)
    with readmit.open(small_extract) as ex:
        stays = readmit.Readmissions(ex).index_stays()
    stays["year"] = stays.discharged_at.dt.year
    eligible = stays[stays.eligible == 1]
    by_hand = eligible.groupby(["year", "sector"]).readmitted.agg(["size", "sum"]).reset_index()
    merged = rates.merge(by_hand, on=["year", "sector"])
    assert len(merged) == len(by_hand)
    assert (merged.n_index == merged["size"]).all()
    assert (merged.n_readmitted == merged["sum"]).all()
    low, high = proportion_confint(merged["sum"], merged["size"], method="wilson")
    # the CSV rounds rates and intervals to 4 decimals
    assert merged.ci_low.to_numpy() == pytest.approx(low.to_numpy(), abs=5e-5)
    assert merged.ci_high.to_numpy() == pytest.approx(high.to_numpy(), abs=5e-5)


@pytest.mark.parametrize("by", ["institusjonID", "age_band", "sex", "icd_chapter",
                                "elderly_group", "ready_for_discharge"])
def test_every_grouping_is_accepted(small_extract, by):
    with readmit.open(small_extract) as ex:
        rates = readmit.Readmissions(ex).rates(by=[by])
    assert by in rates.columns and rates.n_index.sum() > 0


def test_unknown_grouping_is_one_line_and_exit_2(small_extract, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "readmit.cli", "rates", str(small_extract), "--by", "colour",
         "--out", str(tmp_path / "x.csv")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "colour" in proc.stderr
    assert not (tmp_path / "x.csv").exists()


def test_readmission_burden_counts_each_readmission_once(small_extract):
    with readmit.open(small_extract) as ex:
        burden = readmit.Readmissions(ex).burden(by=["sector"])
        stays = readmit.Readmissions(ex).index_stays()
        n_pairs = int(((stays.eligible == 1) & (stays.readmitted == 1)).sum())
    assert 0 < burden.n_readmissions.sum() <= n_pairs
    assert (burden.bed_days >= 0).all()


def test_the_functions_of_0_1_still_work_and_say_they_are_deprecated(small_extract):
    with readmit.open(small_extract) as ex:
        r = readmit.Readmissions(ex)
        with pytest.warns(DeprecationWarning, match="bind the rule once"):
            old = readmit.index_stays(ex)
        new = r.index_stays()
        assert old["eligible"].tolist() == new["eligible"].astype(int).tolist()
        with pytest.warns(DeprecationWarning, match="r.rates"):
            rates = readmit.readmission_rates(ex, by=["sector"])
        assert rates.n_index.tolist() == r.rates(by=["sector"]).n_index.tolist()
        with pytest.warns(DeprecationWarning, match="r.burden"):
            burden = readmit.readmission_burden(ex, by=["sector"])
        assert burden.equals(r.burden(by=["sector"]))
