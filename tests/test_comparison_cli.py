"""``readmit analyse EXTRACT_DIR funnel``: its exact columns, its defaults, small
numbers as ``<5``, and one-line errors."""
from __future__ import annotations

import pandas as pd
import pytest

import readmit
from readmit.cli import main
from readmit.comparison import FUNNEL_COLUMNS, funnel

COLUMNS = ["unit", "n_index", "observed", "expected", "ratio", "ci_low", "ci_high",
           "limit95_low", "limit95_high", "limit998_low", "limit998_high", "outside"]
OUTSIDE = {"above99.8", "above95", "below95", "below99.8"}


def test_funnel_columns_and_defaults(small_extract, tmp_path, capsys):
    out = tmp_path / "deep" / "funnel.csv"
    assert main(["analyse", str(small_extract), "funnel", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.columns.tolist() == COLUMNS == FUNNEL_COLUMNS
    assert table.unit.tolist() == ["HBE", "HDS", "HFD", "HFO", "HST"]
    assert set(table.outside) <= OUTSIDE | {""}
    said = capsys.readouterr().out
    # default: the somatic sector, every year, additive overdispersion
    assert "sector: somatic" in said and "phi = " in said and "tau2 = " in said
    with readmit.open(small_extract) as ex:
        lib = funnel(readmit.Readmissions(ex, sector="somatic"))
    assert table.observed.astype(int).tolist() == lib.observed.tolist()
    assert table.expected.astype(float).tolist() == pytest.approx(lib.expected.round(2).tolist())
    assert table.limit998_high.astype(float).tolist() == pytest.approx(
        lib.limit998_high.round(4).tolist())
    assert table.outside.tolist() == lib.outside.tolist()


def test_small_municipalities_are_suppressed(small_extract, tmp_path, capsys):
    out = tmp_path / "komnr.csv"
    assert main(["analyse", str(small_extract), "funnel", "--unit", "komnr", "--year", "2019",
                 "--overdispersion", "none", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.columns.tolist() == COLUMNS
    few_stays = table[table.n_index == "<5"]
    few_readmissions = table[(table.observed == "<5") & (table.n_index != "<5")]
    assert len(few_stays) and len(few_readmissions)
    # everything of a unit with 1-4 index stays is hidden (a count of 0 is no small number)
    assert (few_stays[COLUMNS[1:]].drop(columns="observed") == "<5").all().all()
    assert set(few_stays.observed) <= {"<5", "0"}
    # 1-4 readmissions: the count and what is computed from it, and the expected count
    # and the limits too (E follows O closely: over all units they are equal)
    assert (few_readmissions[["observed", "expected", "ratio", "ci_low", "ci_high",
                              "limit95_low", "limit95_high", "limit998_low",
                              "limit998_high", "outside"]] == "<5").all().all()
    shown = table[(table.n_index != "<5") & (table.observed != "<5")]
    assert (shown.n_index.astype(int) >= 5).all()
    assert (shown.observed.astype(int).eq(0) | shown.observed.astype(int).ge(5)).all()
    said = capsys.readouterr().out
    assert "years: 2019" in said and "exact Poisson limits" in said and "<5:" in said


def test_sector(small_extract, tmp_path, capsys):
    out = tmp_path / "vop.csv"
    assert main(["analyse", str(small_extract), "funnel", "--sector", "vop",
                 "--sr-method", "CQC", "--out", str(out)]) == 0
    assert "sector: vop" in capsys.readouterr().out
    assert pd.read_csv(out).columns.tolist() == COLUMNS


def test_a_year_without_stays_is_one_line(capsys):
    code = main(["analyse", str(readmit.datasets.example_extract()), "funnel", "--year", "2031"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "year: no eligible index stays in 2031" in err[0]


def test_funnel_help_states_the_default_sector(capsys):
    with pytest.raises(SystemExit):
        main(["analyse", "x", "funnel", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: somatic)" in text and "<5" in text
