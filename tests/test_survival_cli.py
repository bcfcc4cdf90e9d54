"""``readmit mortality``: its exact columns, suppression of small numbers, errors."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402
from readmit.cli import main  # noqa: E402
from test_survival_cases import BYSTANDER, TIES, TIES_PERSONS  # noqa: E402

COLUMNS = ["group", "n", "deaths", "survival", "ci_low", "ci_high"]
COX = ["covariate", "hazard_ratio", "ci_low", "ci_high", "p", "ph_test_p"]


def ties_extract(tmp_path):
    write_extract(tmp_path / "x", [*TIES, *BYSTANDER], persons=[*TIES_PERSONS, person("zz")])
    return str(tmp_path / "x")


def test_columns_and_small_numbers(tmp_path, capsys):
    d = ties_extract(tmp_path)
    assert main(["mortality", d, "--out", str(tmp_path / "m.csv")]) == 0
    out = pd.read_csv(tmp_path / "m.csv", dtype=str)
    # 6 persons, 4 deaths by day 182 (test_survival_cases): 4 deaths is a small count,
    # so it and the survival computed from it are hidden
    assert out.columns.tolist() == COLUMNS
    assert out.values.tolist() == [["all", "6", "<5", "<5", "<5", "<5"]]
    assert "<5" in capsys.readouterr().out
    assert main(["mortality", d, "--out", str(tmp_path / "raw.csv"), "--no-suppress"]) == 0
    raw = pd.read_csv(tmp_path / "raw.csv")
    # S(182) = 1/3 and its interval (0.0461, 0.6756), to 4 decimals
    assert raw.values.tolist() == [["all", 6, 4, 0.3333, 0.0461, 0.6756]]
    assert "not suppressed" in capsys.readouterr().err


def test_a_shorter_horizon(tmp_path):
    d = ties_extract(tmp_path)
    assert main(["mortality", d, "--horizon-days", "30", "--no-suppress",
                 "--out", str(tmp_path / "m.csv")]) == 0
    # by day 30: deaths on days 10, 10, 30 -> S = 1/2
    assert pd.read_csv(tmp_path / "m.csv").values.tolist()[0][:4] == ["all", 6, 3, 0.5]


def test_by_group_with_the_cox_model(small_extract, tmp_path, capsys):
    m, c = tmp_path / "out" / "m.csv", tmp_path / "out" / "cox.csv"
    assert main(["mortality", str(small_extract), "--by", "trust", "--out", str(m),
                 "--cox", str(c)]) == 0
    table, cox = pd.read_csv(m), pd.read_csv(c)
    assert table.columns.tolist() == COLUMNS
    assert table["group"].tolist() == ["institusjonID=HBE", "institusjonID=HDS",
                                       "institusjonID=HFD", "institusjonID=HFO",
                                       "institusjonID=HST"]
    assert (table["n"] >= 5).all() and table["survival"].between(0, 1).all()
    assert cox.columns.tolist() == COX
    assert {"age", "readmitted", "comorbidity_score"} <= set(cox["covariate"])
    printed = capsys.readouterr().out
    assert "log-rank test across institusjonID" in printed
    assert "concordance" in printed and "reference levels" in printed


def test_flags_read_yes_and_no_and_every_stay(small_extract, tmp_path):
    assert main(["mortality", str(small_extract), "--by", "readmitted", "--every-stay",
                 "--min-age", "67", "--out", str(tmp_path / "m.csv")]) == 0
    table = pd.read_csv(tmp_path / "m.csv")
    assert table["group"].tolist() == ["readmitted=no", "readmitted=yes"]


def test_bad_parameters_are_one_line_and_exit_2(tmp_path, capsys):
    d = ties_extract(tmp_path)
    assert main(["mortality", d, "--horizon-days", "0", "--out", str(tmp_path / "m.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "horizon_days must be" in err
    assert main(["mortality", d, "--by", "colour", "--out", str(tmp_path / "m.csv")]) == 2
    assert "cannot group by 'colour'" in capsys.readouterr().err
