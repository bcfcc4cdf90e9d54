"""Trend, length of stay and ready for discharge: hand-built extract -> expected
rows, worked out by hand from definitions.md; and their CLI tables."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402

import readmit  # noqa: E402
from readmit.analyses import LOS_VS_READMISSION_COLUMNS  # noqa: E402
from readmit.cli import main  # noqa: E402
from readmit.errors import ParameterError, ReadmitError  # noqa: E402

# Statutory municipal rates per ready-for-discharge day of the shipped reference data
# (readmit/reference/ukp_satser.csv, Helsedirektoratet).
RATE_NOK = {2018: 4747, 2019: 4885}


def wilson(k: int, n: int) -> tuple[float, float]:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return float(low), float(high)


@pytest.fixture(scope="module")
def catchment():
    ref = pd.read_csv(Path(readmit.__file__).parent / "reference" / "institusjoner.csv")
    return {(r.institusjonID, r.year): r.catchment_population for r in ref.itertuples()}


@pytest.fixture(scope="module")
def hand_extract(tmp_path_factory):
    """Helse Fonna 2018, somatic: a trust-year with three stays; Helse Stavanger
    2018, VOP: two; Helse Bergen 2019: two, one ending in death. All acute unless
    said; the end of the data is the latest discharge, 2019-03-05, so every stay
    discharged by 2019-02-03 has complete follow-up (30 days).

    p1  A HFO 2018-03-01 08:00 - 03-04 12:00 (LOS 3, band 3-4), ready for
          discharge 03-02 (ukp 2 days), readmitted by B (6 days later)
        B HFO 2018-03-10 08:00 - 03-12 12:00 (LOS 2), not readmitted
    p2  C HFO 2018-05-01 08:00 - 05-01 16:00 (LOS 0), not readmitted
    p4  E HST VOP 2018-06-01 - 06-11 (LOS 10, band 8-14), then
        F HST VOP 2018-06-20 - 06-21 planned (LOS 1): never a readmission, but an
          index stay of its own
        G HBE 2019-01-10 - 01-12 (LOS 2), not readmitted
    p3  D HBE 2019-03-01 - 03-05, ready 03-03 (2 days), dies in hospital: a stay
          with ready-for-discharge days, not an index stay
    """
    episodes = [
        ep("p1", 1, "2018-03-01 08:00", "2018-03-04 12:00", institusjonID="HFO",
           utskrklardato="2018-03-02"),
        ep("p1", 2, "2018-03-10 08:00", "2018-03-12 12:00", institusjonID="HFO"),
        ep("p2", 3, "2018-05-01 08:00", "2018-05-01 16:00", institusjonID="HFO"),
        ep("p4", 4, "2018-06-01 09:00", "2018-06-11 12:00", institusjonID="HST", sektor=2),
        ep("p4", 5, "2018-06-20 09:00", "2018-06-21 12:00", institusjonID="HST", sektor=2,
           innmateHast=4),
        ep("p3", 6, "2019-03-01 09:00", "2019-03-05 12:00", institusjonID="HBE",
           utskrklardato="2019-03-03", uttilstand=2),
        ep("p2", 7, "2019-01-10 08:00", "2019-01-12 12:00", institusjonID="HBE"),
    ]
    persons = [person("p1"), person("p2"), person("p3", doddato="2019-03-05"), person("p4")]
    out = tmp_path_factory.mktemp("tables") / "extract"
    write_extract(out, episodes, persons)
    return out


@pytest.fixture(scope="module")
def rule(hand_extract):
    ex = readmit.open(hand_extract)
    yield readmit.Readmissions(ex)
    ex.close()


def test_trend_by_year(rule):
    # 2018: index stays A, B, C, E, F (all eligible), one readmitted (A): 1/5;
    # stays with a ready-for-discharge date: A (2 days). 2019: index stay G, not
    # readmitted; D (no index stay: died) has 2 ready-for-discharge days.
    table = rule.trend()
    assert table.columns.tolist() == ["year", "n_index", "n_readmitted", "rate", "ci_low",
                                      "ci_high", "n_stays_ready", "ukp_days"]
    assert table["year"].tolist() == [2018, 2019]
    assert table.iloc[1][["n_index", "n_readmitted", "n_stays_ready", "ukp_days"]].tolist() == \
        [1, 0, 1, 2]
    row = table.iloc[0]
    assert (row["n_index"], row["n_readmitted"], row["n_stays_ready"], row["ukp_days"]) == \
        (5, 1, 1, 2)
    assert row["rate"] == pytest.approx(0.2)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(1, 5))


def test_trend_by_sector_and_trust(rule):
    # (2018, somatic, HFO): A, B, C -> 3 index stays, 1 readmitted, 1 ready (2 days);
    # (2018, vop, HST): E, F -> 2, 0, none ready; (2019, somatic, HBE): G, and D's
    # 2 ready-for-discharge days.
    table = rule.trend(by=["sector", "trust"])
    assert table[["year", "sector", "institusjonID", "n_index", "n_readmitted",
                  "n_stays_ready", "ukp_days"]].values.tolist() == [
        [2018, "somatic", "HFO", 3, 1, 1, 2],
        [2018, "vop", "HST", 2, 0, 0, 0],
        [2019, "somatic", "HBE", 1, 0, 1, 2],
    ]
    assert table["rate"].tolist() == pytest.approx([1 / 3, 0.0, 0.0])


def test_rates_by_los_band(rule):
    # somatic: C in '0', B and G in '2', A (readmitted) in '3-4'; vop: F in '1',
    # E in '8-14'.
    table = rule.rates_by_los_band()
    assert table[["sector", "los_band", "n_index", "n_readmitted"]].values.tolist() == [
        ["somatic", "0", 1, 0], ["somatic", "2", 2, 0], ["somatic", "3-4", 1, 1],
        ["vop", "1", 1, 0], ["vop", "8-14", 1, 0],
    ]
    assert table["rate"].tolist() == pytest.approx([0, 0, 1, 0, 0])
    assert (table.loc[2, "ci_low"], table.loc[2, "ci_high"]) == pytest.approx(wilson(1, 1))
    with pytest.raises(ParameterError, match="by: cannot group by 'age'"):
        rule.rates_by_los_band(by="age")


def test_los_vs_readmission_a_trust_year_with_three_stays(rule, catchment):
    # HFO 2018 somatic: A (LOS 3), B (LOS 2), C (LOS 0): mean (3 + 2 + 0)/3 = 5/3,
    # 1 of 3 readmitted; HST 2018 VOP: E (10), F (1): mean 11/2 = 5.5, 0 of 2;
    # HBE 2019 somatic: G (2), 0 of 1.
    table = rule.los_vs_readmission()
    assert table.columns.tolist() == LOS_VS_READMISSION_COLUMNS
    assert table[["year", "institusjonID", "sector", "n_index", "n_readmitted"]].values.tolist() \
        == [[2018, "HFO", "somatic", 3, 1], [2018, "HST", "vop", 2, 0],
            [2019, "HBE", "somatic", 1, 0]]
    assert table["mean_los_days"].tolist() == pytest.approx([5 / 3, 5.5, 2.0])
    assert table["rate"].tolist() == pytest.approx([1 / 3, 0.0, 0.0])
    assert (table.loc[0, "ci_low"], table.loc[0, "ci_high"]) == pytest.approx(wilson(1, 3))
    assert table["catchment_population"].tolist() == [catchment[("HFO", 2018)],
                                                      catchment[("HST", 2018)],
                                                      catchment[("HBE", 2019)]]


def test_ready_for_discharge_by_year_trust_sector(rule):
    # 2018 HFO somatic: 3 stays, A ready with 2 days: 2 x 4 747 = 9 494 NOK;
    #   index stays with a ready date: A (readmitted) -> 1/1; without: B, C -> 0/2.
    # 2018 HST vop: 2 stays, none ready: 0 days, 0 NOK; without: E, F -> 0/2.
    # 2019 HBE somatic: D and G; D ready 2 days: 2 x 4 885 = 9 770 NOK; the index
    #   stay G has no ready date and is not readmitted -> 0/1.
    table = rule.ready_for_discharge()
    assert table[["year", "institusjonID", "sector", "n_stays", "n_stays_ready", "ukp_days",
                  "statutory_rate_nok", "payment_nok", "n_index_ready", "n_readmitted_ready",
                  "n_index_not_ready", "n_readmitted_not_ready"]].values.tolist() == [
        [2018, "HFO", "somatic", 3, 1, 2, RATE_NOK[2018], 9494, 1, 1, 2, 0],
        [2018, "HST", "vop", 2, 0, 0, RATE_NOK[2018], 0, 0, 0, 2, 0],
        [2019, "HBE", "somatic", 2, 1, 2, RATE_NOK[2019], 9770, 0, 0, 1, 0],
    ]
    assert table["rate_ready"].tolist()[0] == 1.0 and pd.isna(table["rate_ready"][1])
    assert table["rate_not_ready"].tolist()[:2] == [0.0, 0.0]
    assert (table.loc[0, "ci_low_not_ready"], table.loc[0, "ci_high_not_ready"]) == \
        pytest.approx(wilson(0, 2))
    by_year = rule.ready_for_discharge(by="year")
    assert by_year[["year", "n_stays", "ukp_days", "payment_nok"]].values.tolist() == [
        [2018, 5, 2, 9494], [2019, 2, 2, 9770]]
    with pytest.raises(ParameterError, match="by must include 'year'"):
        rule.ready_for_discharge(by="sector")


def test_a_year_without_a_statutory_rate_is_an_error_naming_it(tmp_path):
    # 2013 has no rate in ukp_satser.csv; leaving it out with years= works. The
    # last stay spills over into 2015 and ends the data: 2015 has no eligible index
    # stay, so it is not a row (an incomplete year), and the 2014 stay has
    # complete follow-up.
    write_extract(tmp_path, [ep("p1", 1, "2013-06-01 08:00", "2013-06-03 12:00"),
                             ep("p1", 2, "2014-06-01 08:00", "2014-06-03 12:00"),
                             ep("p1", 3, "2014-12-30 08:00", "2015-01-02 12:00",
                                innmateHast=4)])
    with readmit.open(tmp_path) as ex:
        with pytest.raises(ReadmitError, match=r"in 2013 \(") as err:
            readmit.Readmissions(ex).ready_for_discharge()
        assert "2014" not in str(err.value)
        table = readmit.Readmissions(ex, years="2014-2019").ready_for_discharge()
        assert table["year"].tolist() == [2014]
    assert main(["analyse", str(tmp_path), "ready-for-discharge"]) == 2


def test_rule_filters_apply_to_the_stays(hand_extract):
    # sector="vop": only E and F, in every table (2019 has no VOP index stay).
    with readmit.open(hand_extract) as ex:
        r = readmit.Readmissions(ex, sector="vop")
        assert r.ready_for_discharge(by="year")["n_stays"].tolist() == [2]
        assert r.trend()["n_index"].tolist() == [2]


# --------------------------------------------------------------------------- CLI
def test_cli_los_vs_readmission_exact_columns_and_small_numbers(hand_extract, tmp_path,
                                                                catchment, capsys):
    out = tmp_path / "los.csv"
    assert main(["analyse", str(hand_extract), "los-vs-readmission", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert list(table.columns) == LOS_VS_READMISSION_COLUMNS
    # every count here is 1-4: hidden with the mean, the rate and its interval;
    # n_readmitted 0 is shown, and the rate 0/2 is hidden because n_index is 2
    assert table["n_index"].tolist() == ["<5", "<5", "<5"]
    assert table["n_readmitted"].tolist() == ["<5", "0", "0"]
    assert (table[["mean_los_days", "rate", "ci_low", "ci_high"]] == "<5").all().all()
    assert table["catchment_population"].tolist() == [str(catchment[("HFO", 2018)]),
                                                      str(catchment[("HST", 2018)]),
                                                      str(catchment[("HBE", 2019)])]
    assert "<5" in capsys.readouterr().out
    raw = tmp_path / "raw.csv"
    assert main(["analyse", str(hand_extract), "los-vs-readmission", "--out", str(raw),
                 "--no-suppress"]) == 0
    assert pd.read_csv(raw)["mean_los_days"].tolist() == [1.67, 5.5, 2.0]


def test_cli_ready_for_discharge_and_trend(hand_extract, tmp_path):
    out = tmp_path / "ready.csv"
    assert main(["analyse", str(hand_extract), "ready-for-discharge", "--out", str(out),
                 "--no-suppress"]) == 0
    table = pd.read_csv(out)
    # at least the columns; the CLI adds the trust's name after its code
    assert list(table.columns[:8]) == ["year", "institusjonID", "trust", "sector", "n_stays",
                                       "n_stays_ready", "ukp_days", "statutory_rate_nok"]
    assert "payment_nok" in table.columns
    assert table["payment_nok"].tolist() == [9494, 0, 9770]
    out = tmp_path / "trend.csv"
    assert main(["analyse", str(hand_extract), "trend", "--by", "sector", "--out",
                 str(out)]) == 0
    assert pd.read_csv(out, dtype=str)["n_index"].tolist() == ["<5", "<5", "<5"]


def test_cli_lists_every_analysis(capsys):
    with pytest.raises(SystemExit):
        main(["analyse", "--help"])
    text = capsys.readouterr().out
    for name in ("trend", "los-bands", "los-vs-readmission", "time-to-readmission",
                 "days-to-readmission-by-los", "ready-for-discharge"):
        assert name in text
