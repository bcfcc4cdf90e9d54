"""`readmit simulate --extract`: baselines from an extract through the real
readmission rule, checked against hand-written rows."""
from __future__ import annotations

import json

import readmit
from readmit.cli import main
from tests.extract_builder import ep, person, write_extract


def _extract(tmp_path):
    # p1: index stay 1-5 March (HST), readmitted acutely 10 March, discharged
    #     13 March (3 bed days), ready for discharge on 12 March (1 UKP day).
    # p2: index stay at HFO, readmitted 2 days later for 0 days (same day), no UKP.
    # p3: index stay, next stay is planned (innmateHast 4): not a readmission.
    # The data run to 31 December (p4's outpatient contact), so follow-up is complete.
    episodes = [
        ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", institusjonID="HST"),
        ep("p1", 2, "2019-03-10 09:00", "2019-03-13 11:00", institusjonID="HST",
           utskrklardato="2019-03-12"),
        ep("p2", 3, "2019-05-01 10:00", "2019-05-04 10:00", institusjonID="HFO"),
        ep("p2", 4, "2019-05-06 08:00", "2019-05-06 20:00", institusjonID="HFO"),
        ep("p3", 5, "2019-06-01 10:00", "2019-06-02 10:00"),
        ep("p3", 6, "2019-06-10 10:00", "2019-06-12 10:00", innmateHast=4),
        ep("p4", 7, "2019-12-31 10:00", "2019-12-31 11:00", omsorgsniva=3),
    ]
    write_extract(tmp_path, episodes, persons=[person(p) for p in ("p1", "p2", "p3", "p4")])
    return tmp_path


def test_burden_by_hand(tmp_path):
    with readmit.open(_extract(tmp_path)) as ex:
        burden = readmit.Readmissions(ex).burden(by=["institusjonID"]).set_index("institusjonID")
    # HST: one readmission, 13 - 10 = 3 bed days, 13 - 12 = 1 UKP day; HFO: one, 0 bed days
    assert burden.loc["HST"].tolist() == [1, 3, 1]
    assert burden.loc["HFO"].tolist() == [1, 0, 0]
    assert "HBE" not in burden.index


def test_simulate_from_extract_by_hand(tmp_path, capsys):
    d = _extract(tmp_path)
    assert main(["simulate", "--extract", str(d), "--year", "2019", "--json",
                 "--no-suppress"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    # 0.10 x (3 bed days x 30 000 + 1 UKP day x (5 000 + 10 000)) = 10 500 NOK
    assert out["saving"] == 10_500
    assert "keep these results inside the secure server" in captured.err


def test_a_baseline_of_fewer_than_five_readmissions_is_refused(tmp_path, capsys):
    # the extract has 2 readmissions: the saving would reveal their bed days
    d = _extract(tmp_path)
    assert main(["simulate", "--extract", str(d), "--year", "2019"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "fewer than 5 readmissions" in captured.err and "--no-suppress" in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def _spill_over_extract(tmp_path):
    # p1: index stay 20-22 December 2019, readmitted 30 December, discharged
    #     3 January 2020 (4 bed days): a readmission discharged in 2020.
    # p2: an index stay in June 2019, not readmitted.
    # p3: an outpatient contact on 31 January 2020 ends the data: p1's index stay
    #     has 2020-01-31 - 2019-12-22 = 40 days of follow-up (eligible); the
    #     readmission stay itself (discharged 3 January) has 28 < 30 (not eligible),
    #     so 2020 has no eligible index stay and is no year of the extract.
    episodes = [
        ep("p1", 1, "2019-12-20 10:00", "2019-12-22 12:00"),
        ep("p1", 2, "2019-12-30 09:00", "2020-01-03 11:00"),
        ep("p2", 3, "2019-06-01 10:00", "2019-06-04 10:00"),
        ep("p3", 4, "2020-01-31 10:00", "2020-01-31 11:00", omsorgsniva=3),
    ]
    write_extract(tmp_path, episodes, persons=[person(p) for p in ("p1", "p2", "p3")])
    return tmp_path


def test_no_phantom_year_in_rates(tmp_path, capsys):
    d = _spill_over_extract(tmp_path)
    assert main(["rates", str(d), "--no-suppress"]) == 0
    out = capsys.readouterr().out
    table = out.split("\nperiod:")[0].splitlines()
    # one row, 2019: 2 eligible index stays (p1's first, p2's), 1 readmitted
    assert [line.split()[:3] for line in table[1:]] == [["2019", "2", "1"]]
    assert "2020" not in out.split("period:")[0]
    assert "period: 2019 (discharge years of the eligible index stays)" in out
    with readmit.open(d) as ex:
        r = readmit.Readmissions(ex)
        assert r.period() == (2019, 2019)
        assert r.rates(by="year")["year"].tolist() == [2019]


def test_no_phantom_year_in_the_savings_baseline(tmp_path, capsys):
    d = _spill_over_extract(tmp_path)
    # the one readmission is discharged in 2020, outside the extract's period
    assert main(["simulate", "--extract", str(d), "--year", "2020", "--no-suppress"]) == 2
    err = capsys.readouterr().err
    assert "no readmissions of eligible index stays in the extract" in err
    assert "2014-2020" not in err
