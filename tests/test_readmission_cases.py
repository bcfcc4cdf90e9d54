"""Golden cases for the 30-day readmission rule: given rows -> expected index stays.

Each case is a name, its episode (and person) rows, the parameters, and the
expected rows of ``readmit.readmissions.index_stays``, worked out by hand from
``shared/spec/definitions.md`` (arithmetic in the comments). Every case runs
against the DuckDB implementation (through ``readmit.open`` on a Parquet and a
CSV extract) and against the pure-Python reference in
``tests/reference_readmissions.py``.

Unless a case says otherwise: somatic, acute (innmateHast 1), inpatient
(omsorgsniva 1), HBE, alder 70, discharged alive, and ``end_date`` 2019-12-31 so
that follow-up is complete.
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402
import reference_readmissions as ref  # noqa: E402

END = dt.date(2019, 12, 31)


def R(lopenr: str, admitted: str, discharged: str, *, los: int, inst: str = "HBE",
      sector: str = "somatic", age: int = 70, ukp: int | None = None,
      hours: float | None = None, days: int | None = None, died: int = 0,
      eligible: int = 1) -> dict[str, Any]:
    """One expected output row; ``hours``/``days`` given <=> readmitted."""
    assert (hours is None) == (days is None)
    return {
        "lopenr": lopenr,
        "admitted_at": pd.Timestamp(admitted).to_pydatetime(),
        "discharged_at": pd.Timestamp(discharged).to_pydatetime(),
        "institusjonID": inst,
        "sector": sector,
        "age": age,
        "los_days": los,
        "ukp_days": ukp,
        "readmitted": 0 if hours is None else 1,
        "hours_to_readmission": hours,
        "days_to_readmission": days,
        "died_in_window": died,
        "eligible": eligible,
    }


@dataclass
class Case:
    name: str
    episodes: list[dict[str, Any]]
    expected: list[dict[str, Any]]
    persons: list[dict[str, Any]] | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def call_params(self) -> dict[str, Any]:
        p = {"end_date": END}
        p.update(self.params)
        if p.get("end_date", "default") is None:
            del p["end_date"]  # None here means: let the implementation take its default
        return p


CASES: list[Case] = []


def case(name, episodes, expected, persons=None, **params):
    CASES.append(Case(name, episodes, expected, persons, params))


# ----------------------------------------------------------------- stays and merging
case("single_stay",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00")],
     # los = 5 - 1 = 4 days
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4)])

case("merge_gap_7h59",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", institusjonID="HBE"),
      ep("p1", 2, "2019-03-05 19:59", "2019-03-10 09:00", institusjonID="HST")],
     # gap 12:00 -> 19:59 = 7 h 59 min < 8 h: one stay 03-01 10:00 .. 03-10 09:00,
     # institution of the episode ending last (2) = HST; los = 10 - 1 = 9
     [R("p1", "2019-03-01 10:00", "2019-03-10 09:00", los=9, inst="HST")])

case("no_merge_gap_exactly_8h",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", institusjonID="HBE"),
      ep("p1", 2, "2019-03-05 20:00", "2019-03-10 09:00", institusjonID="HST")],
     # gap 12:00 -> 20:00 = 8 h, not < 8 h: two stays. Stay 2 is acute, same sector,
     # 8 h after discharge -> readmission: hours 8.0, days 5 - 5 = 0
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=8.0, days=0),
      R("p1", "2019-03-05 20:00", "2019-03-10 09:00", los=5, inst="HST")])

case("overlapping_contained_episode",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-10 12:00", institusjonID="HBE"),
      ep("p1", 2, "2019-03-03 08:00", "2019-03-06 12:00", institusjonID="HST")],
     # 2 lies inside 1: one stay 03-01 10:00 .. 03-10 12:00; ends last: 1 (HBE); los 9
     [R("p1", "2019-03-01 10:00", "2019-03-10 12:00", los=9, inst="HBE")])

case("merge_against_max_discharge_so_far",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-10 12:00", institusjonID="HBE"),
      ep("p1", 2, "2019-03-03 08:00", "2019-03-06 12:00", institusjonID="HST"),
      ep("p1", 3, "2019-03-10 18:00", "2019-03-12 10:00", institusjonID="HFO")],
     # 3 starts 6 h after the run's latest discharge (03-10 12:00, episode 1) although
     # 4 d 6 h after the previous episode's (2): merges. One stay .. 03-12 10:00, HFO, los 11
     [R("p1", "2019-03-01 10:00", "2019-03-12 10:00", los=11, inst="HFO")])

case("ends_last_ties_go_to_later_in_sort_order",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", institusjonID="HBE", alder=80),
      ep("p1", 2, "2019-03-02 10:00", "2019-03-05 12:00", institusjonID="HST", alder=81),
      # p2: identical times, sorted by episode_lnr: 3 then 4 (file order 4, 3)
      ep("p2", 4, "2019-03-01 10:00", "2019-03-05 12:00", institusjonID="HFD", alder=76),
      ep("p2", 3, "2019-03-01 10:00", "2019-03-05 12:00", institusjonID="HDS", alder=75)],
     # p1: both end 03-05 12:00; later in (admitted, discharged, lnr) order is 2 -> HST;
     #     age from the first episode (1) = 80
     # p2: order 3, 4 -> ends last 4 (HFD); age from 3 = 75
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, inst="HST", age=80),
      R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4, inst="HFD", age=75)])

case("transfer_between_trusts_attributed_to_discharging_trust",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-04 14:00", institusjonID="HBE", tilSted=3, alder=80),
      ep("p1", 2, "2019-03-04 16:00", "2019-03-09 11:00", institusjonID="HFD", fraSted=3,
         innmateHast=4, alder=80, utskrklardato="2019-03-07"),
      ep("p1", 3, "2019-03-20 08:00", "2019-03-22 12:00", institusjonID="HBE", alder=80)],
     # 1 -> 2 gap 2 h: one stay 03-01 10:00 .. 03-09 11:00, discharged by HFD, urgency of
     # episode 1 (acute), los 9 - 1 = 8, ukp = 03-09 - 03-07 = 2 (utskrklardato of ep 2).
     # Stay 2 (03-20 08:00) readmits it: 03-09 11:00 -> 03-20 08:00 = 11 d - 3 h = 261 h,
     # days 20 - 9 = 11. Stay 2: HBE, los 2.
     [R("p1", "2019-03-01 10:00", "2019-03-09 11:00", los=8, inst="HFD", age=80, ukp=2,
        hours=261.0, days=11),
      R("p1", "2019-03-20 08:00", "2019-03-22 12:00", los=2, inst="HBE", age=80)])

case("stay_urgency_is_its_first_episodes",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-03 10:00"),
      ep("p1", 2, "2019-03-10 10:00", "2019-03-12 10:00", innmateHast=4),
      ep("p1", 3, "2019-03-12 12:00", "2019-03-15 10:00", innmateHast=1),
      ep("p2", 4, "2019-03-01 10:00", "2019-03-03 10:00"),
      ep("p2", 5, "2019-03-10 10:00", "2019-03-12 10:00", innmateHast=2),
      ep("p2", 6, "2019-03-12 12:00", "2019-03-15 10:00", innmateHast=4)],
     # p1: 2+3 merge (gap 2 h) into a stay that starts planned -> not a readmission of stay 1
     # p2: 5+6 merge into a stay that starts acute (2) -> readmission of stay 1:
     #     03-03 10:00 -> 03-10 10:00 = 7 * 24 = 168 h, days 7
     [R("p1", "2019-03-01 10:00", "2019-03-03 10:00", los=2),
      R("p1", "2019-03-10 10:00", "2019-03-15 10:00", los=5),
      R("p2", "2019-03-01 10:00", "2019-03-03 10:00", los=2, hours=168.0, days=7),
      R("p2", "2019-03-10 10:00", "2019-03-15 10:00", los=5)])

case("merge_across_sectors_takes_first_sector",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", sektor=1),
      ep("p1", 2, "2019-03-05 15:00", "2019-03-15 10:00", sektor=2),
      ep("p1", 3, "2019-03-20 10:00", "2019-03-22 10:00", sektor=2)],
     # 1+2 (gap 3 h) is one somatic stay (first episode), los 14; 3 is a VOP stay.
     # Default: each sector followed within itself -> no somatic stay after stay 1.
     [R("p1", "2019-03-01 10:00", "2019-03-15 10:00", los=14),
      R("p1", "2019-03-20 10:00", "2019-03-22 10:00", los=2, sector="vop")])

case("merge_across_sectors_vop_only",
     CASES[-1].episodes,
     # sector='vop': the merged stay is somatic (its first episode), so only stay 3 is listed
     [R("p1", "2019-03-20 10:00", "2019-03-22 10:00", los=2, sector="vop")],
     sector="vop")

case("transfer_hours_24",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-06 11:59", "2019-03-08 10:00"),
      ep("p1", 3, "2019-03-09 10:00", "2019-03-10 10:00")],
     # transfer_hours=24: 1 -> 2 gap 23 h 59 min merges (stay .. 03-08 10:00, los 7);
     # 2 -> 3 gap exactly 24 h: new stay, readmission after 24.0 h, days 9 - 8 = 1
     [R("p1", "2019-03-01 10:00", "2019-03-08 10:00", los=7, hours=24.0, days=1),
      R("p1", "2019-03-09 10:00", "2019-03-10 10:00", los=1)],
     transfer_hours=24.0)

case("transfer_hours_0_back_to_back",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-05 12:00", "2019-03-07 12:00"),
      ep("p1", 3, "2019-03-07 11:00", "2019-03-09 10:00")],
     # transfer_hours=0: 2 starts exactly at 1's discharge: 12:00 < 12:00 + 0 is false ->
     # new stay; and a readmission needs admission > discharge, 12:00 > 12:00 false -> none.
     # 3 overlaps 2 (11:00 < 12:00) -> merged: stay 2 = 03-05 12:00 .. 03-09 10:00, los 4
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
      R("p1", "2019-03-05 12:00", "2019-03-09 10:00", los=4)],
     transfer_hours=0.0)

# ----------------------------------------------------------------- the 30-day window
case("readmission_at_exactly_720h",
     [ep("p1", 1, "2019-02-25 10:00", "2019-03-01 12:00"),
      ep("p1", 2, "2019-03-31 12:00", "2019-04-02 10:00")],
     # 03-01 12:00 + 30 d = 03-31 12:00 = 720 h: inside (<=). days 31 - 1 = 30.
     # los stay 1: 02-25 -> 03-01 = 3 (to 02-28) + 1 = 4
     [R("p1", "2019-02-25 10:00", "2019-03-01 12:00", los=4, hours=720.0, days=30),
      R("p1", "2019-03-31 12:00", "2019-04-02 10:00", los=2)])

case("readmission_720h_and_one_minute_is_outside",
     [ep("p1", 1, "2019-02-25 10:00", "2019-03-01 12:00"),
      ep("p1", 2, "2019-03-31 12:01", "2019-04-02 10:00")],
     # 720 h 1 min > 720 h: not a readmission (though the dates differ by 30 days)
     [R("p1", "2019-02-25 10:00", "2019-03-01 12:00", los=4),
      R("p1", "2019-03-31 12:01", "2019-04-02 10:00", los=2)])

case("window_days_7",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-12 12:00", "2019-03-14 12:00"),
      ep("p1", 3, "2019-03-21 12:01", "2019-03-22 09:00")],
     # window 7 d = 168 h: 03-05 12:00 -> 03-12 12:00 = 168 h (inside), days 7;
     # 03-14 12:00 -> 03-21 12:01 = 168 h 1 min (outside)
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=168.0, days=7),
      R("p1", "2019-03-12 12:00", "2019-03-14 12:00", los=2),
      R("p1", "2019-03-21 12:01", "2019-03-22 09:00", los=1)],
     window_days=7)

# ----------------------------------------------------------------- urgency and care level
case("planned_and_returned_are_index_stays_but_never_readmissions",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", innmateHast=1),
      ep("p1", 2, "2019-03-10 09:00", "2019-03-12 12:00", innmateHast=4),
      ep("p1", 3, "2019-03-20 09:00", "2019-03-22 12:00", innmateHast=5),
      ep("p2", 4, "2019-03-01 10:00", "2019-03-03 10:00", innmateHast=4),
      ep("p2", 5, "2019-03-08 10:00", "2019-03-09 10:00", innmateHast=3)],
     # p1: stays 2 (planned) and 3 (returned) are inside the window but not acute -> no
     #     readmissions; all three are index stays.
     # p2: a planned index stay readmitted acutely (3): 03-03 10:00 -> 03-08 10:00 = 120 h, 5 d
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
      R("p1", "2019-03-10 09:00", "2019-03-12 12:00", los=2),
      R("p1", "2019-03-20 09:00", "2019-03-22 12:00", los=2),
      R("p2", "2019-03-01 10:00", "2019-03-03 10:00", los=2, hours=120.0, days=5),
      R("p2", "2019-03-08 10:00", "2019-03-09 10:00", los=1)])

case("first_readmission_skips_planned_stays",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-08 10:00", "2019-03-09 10:00", innmateHast=4),
      ep("p1", 3, "2019-03-15 10:00", "2019-03-16 10:00", innmateHast=1)],
     # stay 1: first acute stay is 3: 03-05 12:00 -> 03-15 10:00 = 10 d - 2 h = 238 h, 10 d
     # stay 2: 03-09 10:00 -> 03-15 10:00 = 144 h, 6 d
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10),
      R("p1", "2019-03-08 10:00", "2019-03-09 10:00", los=1, hours=144.0, days=6),
      R("p1", "2019-03-15 10:00", "2019-03-16 10:00", los=1)])

case("day_and_outpatient_contacts_ignored",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-05 16:00", "2019-03-05 23:00", omsorgsniva=2),
      ep("p1", 3, "2019-03-06 02:00", "2019-03-08 10:00"),
      ep("p1", 4, "2019-03-09 09:00", "2019-03-09 10:00", omsorgsniva=3),
      ep("p2", 5, "2019-03-01 10:00", "2019-03-01 11:00", omsorgsniva=3),
      ep("p2", 6, "2019-03-02 10:00", "2019-03-02 15:00", omsorgsniva=2)],
     # p1: the day contact (2) would bridge 1 and 3 but is ignored: 1 -> 3 gap
     #     12:00 -> 02:00 next day = 14 h >= 8 h: two stays; 3 readmits 1 after 14 h, 1 day.
     #     The acute outpatient visit (4) is not a readmission of stay 3.
     # p2: no inpatient episode -> no rows
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=14.0, days=1),
      R("p1", "2019-03-06 02:00", "2019-03-08 10:00", los=2)])

case("omsorgsniva_8_never_forms_splits_or_bridges_a_stay",
     # omsorgsniva 8: an outpatient contact during an inpatient stay (extract.md)
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-10 12:00"),
      ep("p1", 2, "2019-03-10 15:00", "2019-03-10 16:00", omsorgsniva=8),
      ep("p1", 3, "2019-03-10 22:00", "2019-03-12 10:00"),
      ep("p2", 4, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p2", 5, "2019-03-20 10:00", "2019-03-20 11:00", omsorgsniva=8),
      ep("p3", 6, "2019-03-01 10:00", "2019-03-10 12:00", institusjonID="HBE"),
      ep("p3", 7, "2019-03-05 08:00", "2019-03-10 12:00", institusjonID="HST", omsorgsniva=8)],
     # p1: counted as inpatient, 2 would bridge 1 (gap 12:00 -> 15:00 = 3 h) and 3 (gap
     #     16:00 -> 22:00 = 6 h) into one stay. Ignored: 1 -> 3 gap 12:00 -> 22:00 = 10 h
     #     >= 8 h, two stays; 3 readmits 1 after 10 h, 0 days. los 10 - 1 = 9 and 12 - 10 = 2.
     # p2: the acute contact 5, 15 days after discharge, is no readmission (nor a stay).
     # p3: 7 lies inside stay 6 and ends at the same moment; counted as inpatient it would
     #     be the episode ending last (ties go to the later one, 7) and make the stay HST.
     #     Ignored: the stay is 6 alone, HBE, los 10 - 1 = 9.
     [R("p1", "2019-03-01 10:00", "2019-03-10 12:00", los=9, hours=10.0, days=0),
      R("p1", "2019-03-10 22:00", "2019-03-12 10:00", los=2),
      R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
      R("p3", "2019-03-01 10:00", "2019-03-10 12:00", los=9, inst="HBE")])

# ----------------------------------------------------------------- sectors
_sector_eps = [
    ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", sektor=1),
    ep("p1", 2, "2019-03-10 10:00", "2019-03-20 10:00", sektor=2),
    ep("p1", 3, "2019-03-25 10:00", "2019-03-26 10:00", sektor=1),
]
# hand arithmetic for these three stays:
#   1 -> 2: 03-05 12:00 -> 03-10 10:00 = 5 d - 2 h = 118 h, 5 d
#   1 -> 3: 03-05 12:00 -> 03-25 10:00 = 20 d - 2 h = 478 h, 20 d
#   2 -> 3: 03-20 10:00 -> 03-25 10:00 = 120 h, 5 d
case("sector_default_each_within_itself", _sector_eps,
     # somatic 1 is readmitted by somatic 3 (the VOP stay in between does not count)
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=478.0, days=20),
      R("p1", "2019-03-10 10:00", "2019-03-20 10:00", los=10, sector="vop"),
      R("p1", "2019-03-25 10:00", "2019-03-26 10:00", los=1)])
case("sector_all_counts_any_sector", _sector_eps,
     # VOP after somatic counts: 1's first readmission is the VOP stay 2; 2 is readmitted by 3
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=118.0, days=5),
      R("p1", "2019-03-10 10:00", "2019-03-20 10:00", los=10, sector="vop", hours=120.0, days=5),
      R("p1", "2019-03-25 10:00", "2019-03-26 10:00", los=1)],
     sector="all")
case("sector_somatic_only", _sector_eps,
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=478.0, days=20),
      R("p1", "2019-03-25 10:00", "2019-03-26 10:00", los=1)],
     sector="somatic")
case("sector_vop_only", _sector_eps,
     # the somatic stay 3 after the VOP stay is not a VOP readmission
     [R("p1", "2019-03-10 10:00", "2019-03-20 10:00", los=10, sector="vop")],
     sector="vop")
case("vop_after_somatic_not_a_readmission",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", sektor=1),
      ep("p1", 2, "2019-03-10 10:00", "2019-03-20 10:00", sektor=2)],
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
      R("p1", "2019-03-10 10:00", "2019-03-20 10:00", los=10, sector="vop")])
case("tsb_followed_within_tsb",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-15 10:00", sektor=3),
      ep("p1", 2, "2019-03-17 10:00", "2019-03-18 10:00", sektor=1),
      ep("p1", 3, "2019-03-20 10:00", "2019-03-30 10:00", sektor=3)],
     # sector='tsb': only TSB stays listed; 1 -> 3: 03-15 10:00 -> 03-20 10:00 = 120 h, 5 d
     [R("p1", "2019-03-01 10:00", "2019-03-15 10:00", los=14, sector="tsb", hours=120.0, days=5),
      R("p1", "2019-03-20 10:00", "2019-03-30 10:00", los=10, sector="tsb")],
     sector="tsb")

# ----------------------------------------------------------------- chains
case("chain_readmission_is_itself_an_index_stay",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-10 08:00", "2019-03-12 10:00"),
      ep("p1", 3, "2019-03-25 09:00", "2019-03-28 12:00"),
      ep("p1", 4, "2019-05-20 10:00", "2019-05-21 10:00")],
     # 1: stays 2 and 3 are both within 30 d; the first is 2:
     #    03-05 12:00 -> 03-10 08:00 = 5 d - 4 h = 116 h, 5 d
     # 2: 03-12 10:00 -> 03-25 09:00 = 13 d - 1 h = 311 h, 13 d
     # 3: next stay 05-20 is 53 days later -> not readmitted
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=116.0, days=5),
      R("p1", "2019-03-10 08:00", "2019-03-12 10:00", los=2, hours=311.0, days=13),
      R("p1", "2019-03-25 09:00", "2019-03-28 12:00", los=3),
      R("p1", "2019-05-20 10:00", "2019-05-21 10:00", los=1)])

# ----------------------------------------------------------------- deaths
_death_eps = [ep(p, i, "2019-03-01 10:00", "2019-03-05 12:00") for i, p in enumerate(["p1", "p2", "p3"], 1)]
_death_persons = [person("p1", "2019-03-20"), person("p2", "2019-04-04"), person("p3", "2019-04-05")]
# window for discharge date 03-05: (03-05, 03-05 + 30 d] = (03-05, 04-04]
case("death_in_window_without_readmission", _death_eps,
     # p1 dies 03-20 (inside), p2 04-04 (last day, inside), p3 04-05 (outside)
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=1, eligible=0),
      R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=1, eligible=0),
      R("p3", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=0, eligible=1)],
     persons=_death_persons)
case("death_in_window_keep_deaths", _death_eps,
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=1, eligible=1),
      R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=1, eligible=1),
      R("p3", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=0, eligible=1)],
     persons=_death_persons, keep_deaths=True)

_death_after_readm = [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
                      ep("p1", 2, "2019-03-10 08:00", "2019-03-24 12:00")]
case("death_in_window_after_readmission", _death_after_readm,
     # dies 03-25. Stay 1: readmitted (116 h, 5 d) and died in window -> stays eligible.
     # Stay 2 (discharged alive 03-24, death 03-25 > 03-24: an index stay): los 14,
     # died in its window (03-24, 04-23], not readmitted -> not eligible.
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=116.0, days=5, died=1, eligible=1),
      R("p1", "2019-03-10 08:00", "2019-03-24 12:00", los=14, died=1, eligible=0)],
     persons=[person("p1", "2019-03-25")])
case("death_in_window_after_readmission_keep_deaths", _death_after_readm,
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=116.0, days=5, died=1, eligible=1),
      R("p1", "2019-03-10 08:00", "2019-03-24 12:00", los=14, died=1, eligible=1)],
     persons=[person("p1", "2019-03-25")], keep_deaths=True)

case("readmission_that_ends_in_death",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-10 08:00", "2019-03-20 06:00", uttilstand=2)],
     # the readmission ends in death (not an index stay itself) but still counts:
     # 116 h, 5 d; died 03-20 inside (03-05, 04-04]; readmitted -> eligible
     [R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=116.0, days=5, died=1, eligible=1)],
     persons=[person("p1", "2019-03-20")])

case("death_in_hospital_is_not_an_index_stay",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", uttilstand=2),
      ep("p2", 2, "2019-03-01 10:00", "2019-03-05 12:00", uttilstand=3),
      ep("p3", 3, "2019-03-01 10:00", "2019-03-05 12:00", uttilstand=1),
      ep("p4", 4, "2019-03-01 10:00", "2019-03-05 12:00", uttilstand=1),
      ep("p5", 5, "2019-03-01 10:00", "2019-03-03 10:00", uttilstand=1, institusjonID="HBE"),
      ep("p5", 6, "2019-03-03 12:00", "2019-03-05 12:00", uttilstand=2, institusjonID="HST"),
      ep("p6", 7, "2019-03-01 10:00", "2019-03-05 12:00", uttilstand=2)],
     # p1 dead (2), p2 suicide (3): no index stay.
     # p3 uttilstand 1 but doddato = discharge date 03-05 (on or before): no index stay.
     # p4 doddato 03-06 > 03-05: index stay, died 03-06 in (03-05, 04-04] -> not eligible.
     # p5 transfer whose last-ending episode ends in death: no index stay.
     # p6 uttilstand 2 without a doddato: no index stay.
     [R("p4", "2019-03-01 10:00", "2019-03-05 12:00", los=4, died=1, eligible=0)],
     persons=[person("p1", "2019-03-05"), person("p2", "2019-03-05"), person("p3", "2019-03-05"),
              person("p4", "2019-03-06"), person("p5", "2019-03-05"), person("p6")])

# ----------------------------------------------------------------- follow-up and end_date
_fu_eps = [
    ep("p1", 1, "2019-05-31 08:00", "2019-05-31 20:00"),
    ep("p2", 2, "2019-05-25 10:00", "2019-06-01 09:00"),
    ep("p3", 3, "2019-06-10 10:00", "2019-06-12 10:00"),
    ep("p3", 4, "2019-06-15 10:00", "2019-06-30 10:00"),
]
case("incomplete_follow_up_default_end_date", _fu_eps,
     # end of data = latest utdato = 06-30.
     # p1: 06-30 - 05-31 = 30 >= 30 complete; same-day stay, los 0
     # p2: 06-30 - 06-01 = 29 < 30 incomplete; los 06-01 - 05-25 = 7
     # p3 stay 1: readmitted after 06-12 10:00 -> 06-15 10:00 = 72 h, 3 d; 30 - 12 = 18 -> not eligible
     # p3 stay 2: 0 days of follow-up -> not eligible
     [R("p1", "2019-05-31 08:00", "2019-05-31 20:00", los=0),
      R("p2", "2019-05-25 10:00", "2019-06-01 09:00", los=7, eligible=0),
      R("p3", "2019-06-10 10:00", "2019-06-12 10:00", los=2, hours=72.0, days=3, eligible=0),
      R("p3", "2019-06-15 10:00", "2019-06-30 10:00", los=15, eligible=0)],
     end_date=None)
case("end_date_default_counts_outpatient_episodes",
     _fu_eps + [ep("p4", 5, "2019-07-01 09:00", "2019-07-01 10:00", omsorgsniva=3)],
     # the latest utdato of any episode is now the outpatient visit's, 07-01:
     # p1: 07-01 - 05-31 = 31; p2: 07-01 - 06-01 = 30 -> complete; p3: 19 and 1 -> not
     [R("p1", "2019-05-31 08:00", "2019-05-31 20:00", los=0),
      R("p2", "2019-05-25 10:00", "2019-06-01 09:00", los=7),
      R("p3", "2019-06-10 10:00", "2019-06-12 10:00", los=2, hours=72.0, days=3, eligible=0),
      R("p3", "2019-06-15 10:00", "2019-06-30 10:00", los=15, eligible=0)],
     end_date=None)
case("end_date_parameter", _fu_eps,
     # end_date 07-12: p1 42, p2 41, p3 stay 1: 07-12 - 06-12 = 30 (complete), stay 2: 12
     [R("p1", "2019-05-31 08:00", "2019-05-31 20:00", los=0),
      R("p2", "2019-05-25 10:00", "2019-06-01 09:00", los=7),
      R("p3", "2019-06-10 10:00", "2019-06-12 10:00", los=2, hours=72.0, days=3),
      R("p3", "2019-06-15 10:00", "2019-06-30 10:00", los=15, eligible=0)],
     end_date=dt.date(2019, 7, 12))
case("end_date_does_not_truncate_readmissions",
     [ep("p1", 1, "2019-06-01 10:00", "2019-06-03 10:00"),
      ep("p1", 2, "2019-06-20 10:00", "2019-06-22 10:00")],
     # end_date 06-15 only decides follow-up: stay 1 is still readmitted by stay 2
     # (06-03 10:00 -> 06-20 10:00 = 17 * 24 = 408 h, 17 d) but 15 - 3 = 12 < 30 -> not
     # eligible; stay 2 (after the end date) is listed, 06-15 - 06-22 = -7 -> not eligible
     [R("p1", "2019-06-01 10:00", "2019-06-03 10:00", los=2, hours=408.0, days=17, eligible=0),
      R("p1", "2019-06-20 10:00", "2019-06-22 10:00", los=2, eligible=0)],
     end_date=dt.date(2019, 6, 15))

# ----------------------------------------------------------------- missing clock times
case("missing_clock_times_count_as_midnight",
     [ep("p1", 1, "2019-03-01", "2019-03-05"),
      ep("p1", 2, "2019-03-05 07:59", "2019-03-06"),
      ep("p1", 3, "2019-04-05", "2019-04-07 10:00"),
      ep("p2", 4, "2019-03-01 10:00", "2019-03-05"),
      ep("p2", 5, "2019-03-05 08:00", "2019-03-07 10:00")],
     # p1: 1 = 03-01 00:00 .. 03-05 00:00; 2 starts 7 h 59 min later -> merged, stay
     #     .. 03-06 00:00 (los 5). 3 = 04-05 00:00 = 03-06 00:00 + 30 d (March has 31 days)
     #     = 720 h -> readmission, 30 d. Stay 3: los 2.
     # p2: 4 ends 03-05 00:00; 5 starts 8 h later -> separate stay, readmission 8 h, 0 d
     [R("p1", "2019-03-01 00:00", "2019-03-06 00:00", los=5, hours=720.0, days=30),
      R("p1", "2019-04-05 00:00", "2019-04-07 10:00", los=2),
      R("p2", "2019-03-01 10:00", "2019-03-05 00:00", los=4, hours=8.0, days=0),
      R("p2", "2019-03-05 08:00", "2019-03-07 10:00", los=2)])

# ----------------------------------------------------------------- filters and columns
case("min_age_67",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", alder=66),
      ep("p1", 2, "2019-04-20 10:00", "2019-04-22 10:00", alder=67),
      ep("p2", 3, "2019-03-01 10:00", "2019-03-05 12:00", alder=67),
      ep("p2", 4, "2019-03-10 10:00", "2019-03-11 10:00", alder=67),
      ep("p3", 5, "2019-03-01 10:00", "2019-03-03 10:00", alder=66),
      ep("p3", 6, "2019-03-03 12:00", "2019-03-05 12:00", alder=67),
      # p4: ages deliberately inconsistent: a readmission need not pass the age filter
      ep("p4", 7, "2019-03-01 10:00", "2019-03-05 12:00", alder=67),
      ep("p4", 8, "2019-03-10 10:00", "2019-03-11 10:00", alder=66)],
     # p1: stay 1 aged 66 -> left out; stay 2 aged 67 -> listed, nothing after it
     # p2: 67 at both; 03-05 12:00 -> 03-10 10:00 = 118 h, 5 d
     # p3: one merged stay aged 66 (its first episode) -> left out
     # p4: 67 index readmitted by a stay aged 66: 118 h, 5 d; that stay is not listed
     [R("p1", "2019-04-20 10:00", "2019-04-22 10:00", los=2, age=67),
      R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4, age=67, hours=118.0, days=5),
      R("p2", "2019-03-10 10:00", "2019-03-11 10:00", los=1, age=67),
      R("p4", "2019-03-01 10:00", "2019-03-05 12:00", los=4, age=67, hours=118.0, days=5)],
     min_age=67)

case("rows_sorted_by_lopenr_then_admission",
     [ep("p2", 1, "2019-03-20 10:00", "2019-03-21 10:00"),
      ep("p2", 2, "2019-03-01 10:00", "2019-03-02 10:00", innmateHast=4),
      ep("p10", 3, "2019-05-01 10:00", "2019-05-02 10:00")],
     # text ids: "p10" sorts before "p2"; p2's stays by admission.
     # p2: 03-02 10:00 -> 03-20 10:00 = 18 * 24 = 432 h, 18 d
     [R("p10", "2019-05-01 10:00", "2019-05-02 10:00", los=1),
      R("p2", "2019-03-01 10:00", "2019-03-02 10:00", los=1, hours=432.0, days=18),
      R("p2", "2019-03-20 10:00", "2019-03-21 10:00", los=1)])

case("ukp_days_from_the_episode_ending_last",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-10 12:00", utskrklardato="2019-03-07"),
      ep("p2", 2, "2019-03-01 10:00", "2019-03-01 18:00", utskrklardato="2019-03-01"),
      ep("p3", 3, "2019-03-01 10:00", "2019-03-04 10:00", utskrklardato="2019-03-04"),
      ep("p3", 4, "2019-03-04 12:00", "2019-03-06 10:00")],
     # p1: 03-10 - 03-07 = 3; los 9
     # p2: same day: ukp 0, los 0
     # p3: transfer; the last-ending episode (4) has no utskrklardato -> null; los 5
     [R("p1", "2019-03-01 10:00", "2019-03-10 12:00", los=9, ukp=3),
      R("p2", "2019-03-01 10:00", "2019-03-01 18:00", los=0, ukp=0),
      R("p3", "2019-03-01 10:00", "2019-03-06 10:00", los=5)])

case("end_date_as_text",
     [ep("p1", 1, "2019-06-01 10:00", "2019-06-03 10:00"),
      ep("p1", 2, "2019-06-20 10:00", "2019-06-22 10:00")],
     # as end_date_does_not_truncate_readmissions, the date given as "YYYY-MM-DD" (as the CLI does)
     [R("p1", "2019-06-01 10:00", "2019-06-03 10:00", los=2, hours=408.0, days=17, eligible=0),
      R("p1", "2019-06-20 10:00", "2019-06-22 10:00", los=2, eligible=0)],
     end_date="2019-06-15")


# =================================================================== running the cases
def _ids(c: Case) -> str:
    return c.name


def _fail(case_: Case, diffs: list[str], got: list[dict[str, Any]]) -> None:
    lines = [f"case {case_.name} params {case_.call_params()}:"] + ["  " + d for d in diffs]
    lines.append("  got rows:")
    lines += ["    " + str(r) for r in got]
    pytest.fail("\n".join(lines))


@pytest.mark.parametrize("c", CASES, ids=_ids)
def test_reference(c: Case) -> None:
    from extract_builder import fill_rows

    rows = fill_rows(c.episodes, c.persons)
    got = ref.index_stays(rows.episodes, rows.persons, **c.call_params())
    diffs = ref.differences(c.expected, got)
    if diffs:
        _fail(c, diffs, got)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("c", CASES, ids=_ids)
def test_duckdb(c: Case, fmt: str, tmp_path: Path) -> None:
    readmit = pytest.importorskip("readmit")
    readmissions = pytest.importorskip("readmit.readmissions")
    write_extract(tmp_path / "x", c.episodes, c.persons, fmt=fmt)
    with readmit.open(tmp_path / "x") as ex:
        rejected = {k: v.get("rejected", 0) for k, v in ex.counts.items()}
        assert not any(rejected.values()), (rejected, ex.rejects_frame().to_dict("records"))
        df = readmit.Readmissions(ex, **c.call_params()).index_stays()
    assert list(df.columns) == ref.OUTPUT_COLUMNS
    got = ref.frame_rows(df)
    diffs = ref.differences(c.expected, got)
    if diffs:
        _fail(c, diffs, got)


@pytest.mark.parametrize("c", CASES, ids=_ids)
def test_pandas_baseline(c: Case, tmp_path: Path) -> None:
    """The benchmark's pandas implementation (benchmarks/pandas_readmissions.py) on the same cases."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    import pandas_readmissions

    write_extract(tmp_path / "x", c.episodes, c.persons, fmt="parquet")
    df = pandas_readmissions.index_stays(*pandas_readmissions.read_extract(tmp_path / "x"),
                                         **c.call_params())
    assert list(df.columns) == ref.OUTPUT_COLUMNS
    got = ref.frame_rows(df)
    diffs = ref.differences(c.expected, got)
    if diffs:
        _fail(c, diffs, got)


def test_case_names_unique() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
