"""The elderly indicator table (readmit.indicator) and ``readmit rates --indicator elderly``.

One hand-built extract; every expected count is worked out by hand below.
Readmissions are acute stays 10 days after the index discharge
(03-05 12:00 -> 03-15 10:00 = 238 h) with main condition R07.4 (in no group,
so never an index stay of the indicator themselves).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402

import readmit  # noqa: E402
from readmit import indicator  # noqa: E402
from readmit.cli import main  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402

COLUMNS = ["year", "institusjonID", "group", "n_index", "n_readmitted", "rate", "ci_low", "ci_high"]


def _index(pid: str, n: int, year: int, code: str, inst: str, *, readmit_after: str | None = None,
           **kw) -> list[dict]:
    """An index stay 03-01 10:00 .. 03-05 12:00 of ``year``; with ``readmit_after``
    'day10' an acute R07.4 stay 03-15 10:00, with 'day0' one 03-05 21:00 (9 h later)."""
    eps = [ep(pid, n, f"{year}-03-01 10:00", f"{year}-03-05 12:00", tilstand_1_1=code,
              institusjonID=inst, **kw)]
    if readmit_after == "day10":
        eps.append(ep(pid, n + 1, f"{year}-03-15 10:00", f"{year}-03-16 10:00",
                      tilstand_1_1="R07.4", institusjonID=inst))
    elif readmit_after == "day0":
        eps.append(ep(pid, n + 1, f"{year}-03-05 21:00", f"{year}-03-07 10:00",
                      tilstand_1_1="R07.4", institusjonID=inst))
    return eps


def _extract_rows():
    eps: list[dict] = []
    persons = []
    n = 0

    def add(pid, *args, dead=None, **kw):
        nonlocal n
        rows = _index(pid, n + 1, *args, **kw)
        n += len(rows)
        eps.extend(rows)
        persons.append(person(pid, dead))

    # 2018, HST, fracture (S72.0): 5 index stays, 1 readmitted
    for i in range(5):
        add(f"f{i}", 2018, "S72.0", "HST", readmit_after="day10" if i == 0 else None)
    # 2019, HBE, heart failure: 7 index stays: 2 readmitted on day 10, 1 on day 0
    for i in range(7):
        add(f"h{i}", 2019, "I50.0", "HBE",
            readmit_after={0: "day10", 1: "day10", 2: "day0"}.get(i))
    # 2019, HBE, pneumonia (J18.9): 5 index stays, none readmitted
    for i in range(5):
        add(f"p{i}", 2019, "J18.9", "HBE")
    # 2019, HST, pneumonia: 3 index stays, 1 readmitted on day 10
    for i in range(3):
        add(f"s{i}", 2019, "J18.9", "HST", readmit_after="day10" if i == 0 else None)
    # 2019, HST, person q: A heart failure 03-01..03-05 12:00, B pneumonia, planned,
    # 03-08 10:00..03-09 10:00, C acute R07.4 03-15 10:00..03-16 10:00
    eps += [ep("q", 901, "2019-03-01 10:00", "2019-03-05 12:00", tilstand_1_1="I50.0",
               institusjonID="HST"),
            ep("q", 902, "2019-03-08 10:00", "2019-03-09 10:00", tilstand_1_1="J18.9",
               institusjonID="HST", innmateHast=4),
            ep("q", 903, "2019-03-15 10:00", "2019-03-16 10:00", tilstand_1_1="R07.4",
               institusjonID="HST")]
    persons.append(person("q"))
    # not counted: aged 66; a VOP stay; no group; death in the window without a
    # readmission; follow-up incomplete (12-20 + 30 > 12-31); death in hospital
    add("x66", 2019, "I50.0", "HBE", readmit_after="day10", alder=66)
    add("xvop", 2019, "I50.0", "HBE", readmit_after="day10", sektor=2)
    add("xnone", 2019, "R07.4", "HBE", readmit_after="day10")
    add("xdied", 2019, "I50.0", "HBE", dead="2019-03-20")
    eps.append(ep("xlate", 990, "2019-12-10 10:00", "2019-12-20 12:00", tilstand_1_1="I50.0"))
    persons.append(person("xlate"))
    eps.append(ep("xdead", 991, "2019-03-01 10:00", "2019-03-05 12:00", tilstand_1_1="I50.0",
                  uttilstand=2))
    persons.append(person("xdead", "2019-03-05"))
    return eps, persons


# (year, institusjonID, group, n_index, n_readmitted), rows in the table's order.
# readmit's rule: HBE HF 7/3 (day 0 counts: 9 h); HBE pneumonia 5/0; HST: q's A (HF) is
# readmitted by C (day 10), q's B (pneumonia) by C (day 6) -> HST HF 1/1, pneumonia 3+1 = 4/2.
EXPECTED_READMIT = [
    (2018, "all", "all", 5, 1), (2018, "all", "fracture", 5, 1),
    (2018, "HST", "all", 5, 1), (2018, "HST", "fracture", 5, 1),
    (2019, "all", "all", 17, 6),            # 7 + 5 + 1 + 4 = 17; 3 + 0 + 1 + 2 = 6
    (2019, "all", "heart_failure", 8, 4),   # HBE 7/3 + HST 1/1
    (2019, "all", "pneumonia", 9, 2),       # HBE 5/0 + HST 4/2
    (2019, "HBE", "all", 12, 3), (2019, "HBE", "heart_failure", 7, 3),
    (2019, "HBE", "pneumonia", 5, 0),
    (2019, "HST", "all", 5, 3), (2019, "HST", "heart_failure", 1, 1),
    (2019, "HST", "pneumonia", 4, 2),
]
# SKDE's variant (window='days', link='latest'): the day-0 readmission does not count
# (HBE HF 7/2). Each group on its own (the macro run per group): HF's index stays are
# A only, so C readmits A (HST HF 1/1); pneumonia's are B only, C readmits B (4/2).
# All groups together: A and B are index stays, C goes to B only: HST all 5/2.
EXPECTED_SKDE = [
    (2018, "all", "all", 5, 1), (2018, "all", "fracture", 5, 1),
    (2018, "HST", "all", 5, 1), (2018, "HST", "fracture", 5, 1),
    (2019, "all", "all", 17, 4),            # HBE 2 + 0, HST 2
    (2019, "all", "heart_failure", 8, 3),   # HBE 7/2 + HST 1/1
    (2019, "all", "pneumonia", 9, 2),
    (2019, "HBE", "all", 12, 2), (2019, "HBE", "heart_failure", 7, 2),
    (2019, "HBE", "pneumonia", 5, 0),
    (2019, "HST", "all", 5, 2), (2019, "HST", "heart_failure", 1, 1),
    (2019, "HST", "pneumonia", 4, 2),
]


@pytest.fixture(scope="module")
def extract_dir(tmp_path_factory) -> Path:
    eps, persons = _extract_rows()
    out = tmp_path_factory.mktemp("indicator") / "x"
    write_extract(out, eps, persons)
    return out


def _expected_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS[:5])
    low, high = proportion_confint(frame.n_readmitted, frame.n_index, alpha=0.05, method="wilson")
    frame["rate"] = frame.n_readmitted / frame.n_index
    frame["ci_low"], frame["ci_high"] = low, high
    return frame


@pytest.mark.parametrize("variant,expected", [
    ({}, EXPECTED_READMIT),
    ({"window": "days", "link": "latest"}, EXPECTED_SKDE),
], ids=["readmit", "skde"])
def test_indicator_by_hand(extract_dir: Path, variant, expected) -> None:
    with readmit.open(extract_dir) as ex:
        table = indicator.elderly_indicator(ex, end_date="2019-12-31", **variant)
    assert list(table.columns) == COLUMNS
    want = _expected_frame(expected)
    got = table[COLUMNS[:5]].astype({"year": int, "n_index": int, "n_readmitted": int})
    assert got.values.tolist() == want[COLUMNS[:5]].values.tolist()
    for column in ("rate", "ci_low", "ci_high"):
        assert table[column].to_numpy() == pytest.approx(want[column].to_numpy(), abs=1e-12)


def test_latest_link_per_group_equals_a_rule_built_for_that_group(extract_dir: Path) -> None:
    """The indicator rebuilds only the group-dependent models: each group's rows equal
    readmission_rates of a rule built from scratch with that elderly_group."""
    rule = dict(window="days", link="latest", end_date="2019-12-31")
    with readmit.open(extract_dir) as ex:
        table = indicator.elderly_indicator(ex, **rule)
        for group in ["heart_failure", "pneumonia", "fracture", "all"]:
            fresh = readmit.Readmissions(ex, min_age=67, sector="somatic",
                                         elderly_group=group, **rule).rates(by=["year"])
            rows = table[(table.institusjonID == "all") & (table.group == group)]
            assert rows[["year", "n_index", "n_readmitted"]].values.tolist() == \
                fresh[["year", "n_index", "n_readmitted"]].values.tolist(), group


def test_suppression_of_small_counts() -> None:
    table = _expected_frame(EXPECTED_READMIT)
    shown = indicator.suppress_small_counts(table)
    by_key = {(r.year, r.institusjonID, r.group): r for r in shown.itertuples(index=False)}
    # 1 readmitted of 5: the count and everything computed from it hidden, n_index shown
    r = by_key[(2018, "all", "all")]
    assert (r.n_index, r.n_readmitted, r.rate, r.ci_low, r.ci_high) == (5, "<5", "<5", "<5", "<5")
    # n_index 1: hidden with its rate
    r = by_key[(2019, "HST", "heart_failure")]
    assert (r.n_index, r.n_readmitted, r.rate) == ("<5", "<5", "<5")
    # 0 of 5: zero is not a small count, nothing hidden
    r = by_key[(2019, "HBE", "pneumonia")]
    assert (r.n_index, r.n_readmitted, r.rate) == (5, 0, 0.0)
    # 6 of 17: shown
    r = by_key[(2019, "all", "all")]
    assert (r.n_index, r.n_readmitted) == (17, 6) and r.rate == pytest.approx(6 / 17)


def test_cli_writes_the_suppressed_table(extract_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "ind.csv"
    assert main(["rates", str(extract_dir), "--indicator", "elderly", "--end-date",
                 "2019-12-31", "--out", str(out)]) == 0
    frame = pd.read_csv(out, dtype=str)
    assert list(frame.columns) == COLUMNS
    counts = pd.concat([frame.n_index, frame.n_readmitted])
    assert not counts.isin(["1", "2", "3", "4"]).any()
    assert (frame.loc[frame.n_readmitted == "<5", "rate"] == "<5").all()
    row = frame[(frame.year == "2019") & (frame.institusjonID == "all") & (frame.group == "all")]
    assert row[["n_index", "n_readmitted"]].values.tolist() == [["17", "6"]]
    printed = capsys.readouterr().out
    assert "<5" in printed and "window=hours" in printed


def test_cli_no_suppress_and_skde_options(extract_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "raw.csv"
    assert main(["rates", str(extract_dir), "--indicator", "elderly", "--end-date",
                 "2019-12-31", "--window", "days", "--link", "latest", "--no-suppress",
                 "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    got = frame[COLUMNS[:5]].values.tolist()
    assert got == [list(r) for r in EXPECTED_SKDE]
    assert "not suppressed" in capsys.readouterr().err   # the shared wording of write_table


def test_cli_exclude_planned_conditions_reaches_the_rule(tmp_path: Path) -> None:
    # one heart-failure index stay readmitted on day 5 by an acute cancer stay (C50.9)
    write_extract(tmp_path / "x", [
        ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
        ep("p1", 2, "2019-03-10 10:00", "2019-03-12 10:00", tilstand_1_1="C50.9")])
    for flag, readmitted in (([], 1), (["--exclude-planned-conditions"], 0)):
        out = tmp_path / "r.csv"
        assert main(["rates", str(tmp_path / "x"), "--indicator", "elderly", "--no-suppress",
                     "--end-date", "2019-12-31", "--out", str(out), *flag]) == 0
        frame = pd.read_csv(out)
        assert frame.n_readmitted.tolist() == [readmitted] * 4  # all/all, all/hf, HBE/all, HBE/hf


@pytest.mark.parametrize("extra,word", [
    (["--sector", "vop"], "--sector"), (["--by", "sex"], "--by"),
    (["--window", "days", "--window-days", "1"], "window_days"),
    (["--elderly-group", "stroke"], "--elderly-group"),
])
def test_cli_bad_options_one_line_exit_2(extract_dir: Path, tmp_path: Path, extra, word,
                                        capsys) -> None:
    code = main(["rates", str(extract_dir), "--indicator", "elderly",
                 "--out", str(tmp_path / "x.csv"), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0 and word in err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("lang,title", [("nb", "Reinnlagt innen 30 dager (%)"),
                                        ("en", "Readmitted within 30 days (%)")])
def test_figure(lang: str, title: str) -> None:
    table = _expected_frame(EXPECTED_READMIT)
    fig = indicator.elderly_indicator_figure(table, lang=lang)
    assert fig.layout.xaxis.title.text == title
    assert [t.name for t in fig.data] == ["2018", "2019"]
    # 2019, whole region: all, heart failure, pneumonia; rates in per cent
    assert list(fig.data[1].x) == pytest.approx([100 * 6 / 17, 100 * 4 / 8, 100 * 2 / 9])
    with pytest.raises(ParameterError, match="institusjonID"):
        indicator.elderly_indicator_figure(table, institusjonID="HXX")


def test_empty_extract_gives_an_empty_table(tmp_path: Path) -> None:
    write_extract(tmp_path / "x", [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00",
                                      tilstand_1_1="R07.4")])
    with readmit.open(tmp_path / "x") as ex:
        table = indicator.elderly_indicator(ex)
    assert table.empty and list(table.columns) == COLUMNS


def test_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(indicator, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= 5


def test_figure_names_every_group_in_both_languages() -> None:
    groups = set(indicator.elderly_group_names())
    assert set(indicator._ENGLISH_TITLES) == groups
    table = _expected_frame(EXPECTED_READMIT)
    fig = indicator.elderly_indicator_figure(table, institusjonID="HST", lang="en")
    # HST has fracture (2018), heart failure and pneumonia (2019) rows
    assert list(fig.layout.yaxis.ticktext) == ["All 11 groups", "Fracture", "Heart failure",
                                               "Pneumonia"]
