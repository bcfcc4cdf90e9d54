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
        burden = readmit.readmission_burden(ex, by=["institusjonID"]).set_index("institusjonID")
    # HST: one readmission, 13 - 10 = 3 bed days, 13 - 12 = 1 UKP day; HFO: one, 0 bed days
    assert burden.loc["HST"].tolist() == [1, 3, 1]
    assert burden.loc["HFO"].tolist() == [1, 0, 0]
    assert "HBE" not in burden.index


def test_simulate_from_extract_by_hand(tmp_path, capsys):
    d = _extract(tmp_path)
    assert main(["simulate", "--extract", str(d), "--year", "2019", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # 0.10 x (3 bed days x 30 000 + 1 UKP day x (5 000 + 10 000)) = 10 500 NOK
    assert out["saving"] == 10_500
