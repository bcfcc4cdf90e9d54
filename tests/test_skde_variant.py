"""SKDE's variant of the readmission rule beside readmit's, on named cases.

SKDE's macro (SKDE-Analyse/sas_codes, makroer/reinnleggelser.sas @ 4289da1):
line 163 counts a readmission when ``0 < EoC_inndato - _EoC_utdato < 30`` in
whole days, where ``_EoC_utdato`` is the discharge date of the latest primary
(index) stay before it (lines 155-175, retained through the person's stays in
order), and with ``eks_diag`` leaves out readmissions whose main condition is on
FHI's 2016 list (lines 59-89). readmit offers these as ``window="days"``,
``link="latest"`` and ``exclude_planned_conditions=True``.

Each case gives the episodes once and the expected index stays under each
variant it names, worked out by hand (arithmetic in the comments):

- ``readmit``: the defaults (``window="hours", link="first"``);
- ``skde``: ``window="days", link="latest"``;
- ``days_first``: ``window="days"`` alone (SKDE's day count, readmit's link).

Every case runs against the DuckDB rule and the pure-Python reference
(tests/reference_readmissions.py). A property test then holds the SQL against
the reference on generated extracts for every combination of the new
parameters.

Unless a case says otherwise: somatic, acute (innmateHast 1), inpatient, HBE,
alder 70, main condition I50.0 (heart failure), discharged alive, end_date
2019-12-31.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, fill_rows, write_extract  # noqa: E402
import reference_readmissions as ref  # noqa: E402
from test_readmission_cases import END, R  # noqa: E402
from test_readmission_properties import PROPERTY_SETTINGS, extracts  # noqa: E402

import readmit  # noqa: E402
from readmit import readmissions  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402

VARIANTS: dict[str, dict[str, Any]] = {
    "readmit": {},
    "skde": {"window": "days", "link": "latest"},
    "days_first": {"window": "days"},
    "hours_latest": {"link": "latest"},
}


@dataclass
class Case:
    name: str
    episodes: list[dict[str, Any]]
    expected: dict[str, list[dict[str, Any]]]  # variant -> rows
    params: dict[str, Any]


CASES: list[Case] = []


def case(name: str, episodes, params: dict[str, Any] | None = None, **expected) -> None:
    CASES.append(Case(name, episodes, expected, params or {}))


# ----------------------------------------------------------------- the window, day by day
# Index stay 03-01 10:00 .. 03-05 12:00 (los 4); the next acute stay starts ...
case("day_0_after_8_hours",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-05 20:00", "2019-03-07 10:00")],
     # ... 8 h later, the same date: a separate stay (gap not < 8 h).
     # readmit: 8.0 h <= 720 h -> readmitted, days 5 - 5 = 0.
     # skde: 0 < 0 is false -> not a readmission (SAS line 163).
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=8.0, days=0),
              R("p1", "2019-03-05 20:00", "2019-03-07 10:00", los=2)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-03-05 20:00", "2019-03-07 10:00", los=2)])

case("day_1",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-06 08:00", "2019-03-07 10:00")],
     # 03-05 12:00 -> 03-06 08:00 = 20 h, day 1: both count it
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=20.0, days=1),
              R("p1", "2019-03-06 08:00", "2019-03-07 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=20.0, days=1),
           R("p1", "2019-03-06 08:00", "2019-03-07 10:00", los=1)])

case("day_29",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-04-03 23:00", "2019-04-05 10:00")],
     # 03-05 + 29 days = 04-03 (March has 31 days). 03-05 12:00 -> 04-03 23:00 =
     # 29 * 24 + 11 = 707 h <= 720: readmit counts it; 0 < 29 < 30: skde counts it
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=707.0, days=29),
              R("p1", "2019-04-03 23:00", "2019-04-05 10:00", los=2)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=707.0, days=29),
           R("p1", "2019-04-03 23:00", "2019-04-05 10:00", los=2)])

case("day_30_before_720_hours",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-04-04 10:00", "2019-04-05 10:00")],
     # 03-05 12:00 -> 04-04 10:00 = 30 * 24 - 2 = 718 h <= 720: readmit counts it;
     # day 30 is not < 30: skde does not
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=718.0, days=30),
              R("p1", "2019-04-04 10:00", "2019-04-05 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-04-04 10:00", "2019-04-05 10:00", los=1)])

case("day_30_at_720_hours",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-04-04 12:00", "2019-04-05 10:00")],
     # exactly 720 h: readmit counts it (<=); day 30: skde does not
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=720.0, days=30),
              R("p1", "2019-04-04 12:00", "2019-04-05 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-04-04 12:00", "2019-04-05 10:00", los=1)])

case("day_30_after_720_hours",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-04-04 12:01", "2019-04-05 10:00")],
     # 720 h 1 min: neither
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
              R("p1", "2019-04-04 12:01", "2019-04-05 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-04-04 12:01", "2019-04-05 10:00", los=1)])

case("window_days_7_by_date",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p1", 2, "2019-03-11 23:00", "2019-03-12 10:00"),
      ep("p2", 3, "2019-03-01 10:00", "2019-03-05 12:00"),
      ep("p2", 4, "2019-03-12 08:00", "2019-03-13 10:00")],
     {"window_days": 7},
     # p1: 03-05 12:00 -> 03-11 23:00 = 6 d 11 h = 155 h (<= 168), day 6 (< 7): both count it
     # p2: 03-05 12:00 -> 03-12 08:00 = 7 d - 4 h = 164 h (<= 168): readmit counts it;
     #     day 7 is not < 7: skde does not
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=155.0, days=6),
              R("p1", "2019-03-11 23:00", "2019-03-12 10:00", los=1),
              R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=164.0, days=7),
              R("p2", "2019-03-12 08:00", "2019-03-13 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=155.0, days=6),
           R("p1", "2019-03-11 23:00", "2019-03-12 10:00", los=1),
           R("p2", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p2", "2019-03-12 08:00", "2019-03-13 10:00", los=1)])

# ----------------------------------------------------------------- linking
case("day_0_stay_then_day_5",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),   # A
      ep("p1", 2, "2019-03-05 20:00", "2019-03-06 10:00"),   # B, acute, the same date
      ep("p1", 3, "2019-03-10 10:00", "2019-03-11 10:00")],  # C, acute
     # readmit: A -> B (8 h, day 0); B -> C: 03-06 10:00 -> 03-10 10:00 = 96 h, day 4.
     # skde: B is compared with A only: day 0, not counted; B is an index stay, so C
     #   is compared with B only: day 4 -> C readmits B. A is not readmitted.
     # days_first: A's first acute stay on a later date is C: 03-05 12:00 -> 03-10 10:00
     #   = 5 d - 2 h = 118 h, day 5 -> readmitted; B -> C as above.
     # hours_latest: B readmits A (8 h); C is compared with B only (96 h).
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=8.0, days=0),
              R("p1", "2019-03-05 20:00", "2019-03-06 10:00", los=1, hours=96.0, days=4),
              R("p1", "2019-03-10 10:00", "2019-03-11 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-03-05 20:00", "2019-03-06 10:00", los=1, hours=96.0, days=4),
           R("p1", "2019-03-10 10:00", "2019-03-11 10:00", los=1)],
     days_first=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=118.0, days=5),
                 R("p1", "2019-03-05 20:00", "2019-03-06 10:00", los=1, hours=96.0, days=4),
                 R("p1", "2019-03-10 10:00", "2019-03-11 10:00", los=1)],
     hours_latest=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=8.0, days=0),
                   R("p1", "2019-03-05 20:00", "2019-03-06 10:00", los=1, hours=96.0, days=4),
                   R("p1", "2019-03-10 10:00", "2019-03-11 10:00", los=1)])

_chain = [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),                 # A, acute
          ep("p1", 2, "2019-03-08 10:00", "2019-03-09 10:00", innmateHast=4),  # B, planned
          ep("p1", 3, "2019-03-15 10:00", "2019-03-16 10:00")]                 # C, acute
case("chain_readmission_linked_to_the_latest_index_stay", _chain,
     # readmit: A's first acute stay is C (B is planned): 03-05 12:00 -> 03-15 10:00 =
     #   10 d - 2 h = 238 h, day 10. B -> C: 03-09 10:00 -> 03-15 10:00 = 144 h, day 6.
     # skde: B, planned, is no readmission but an index stay; C is compared with the
     #   latest index stay before it, B, only: day 6 -> C readmits B; A is not readmitted
     #   (SAS lines 162-175: _eoc_utdato is B's once B has passed).
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10),
              R("p1", "2019-03-08 10:00", "2019-03-09 10:00", los=1, hours=144.0, days=6),
              R("p1", "2019-03-15 10:00", "2019-03-16 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-03-08 10:00", "2019-03-09 10:00", los=1, hours=144.0, days=6),
           R("p1", "2019-03-15 10:00", "2019-03-16 10:00", los=1)],
     days_first=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10),
                 R("p1", "2019-03-08 10:00", "2019-03-09 10:00", los=1, hours=144.0, days=6),
                 R("p1", "2019-03-15 10:00", "2019-03-16 10:00", los=1)])

case("two_readmissions_of_one_index_stay_first_counts",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),                  # A
      ep("p1", 2, "2019-03-08 10:00", "2019-03-09 10:00", uttilstand=1,     # B: not an index
         alder=70, tilstand_1_1="R07.4"),                                     # stay with a group
      ep("p1", 3, "2019-03-15 10:00", "2019-03-16 10:00", tilstand_1_1="R07.4")],
     {"elderly_group": "all"},
     # elderly_group='all': only A is an index stay (B and C: R07.4, in no group).
     # skde: B -> A (03-05 12:00 -> 03-08 10:00 = 70 h, day 3); C is compared with A
     #   too (B is no index stay): day 10, also a readmission of A; the first is B.
     # readmit: A's first acute stay is B: 70 h, day 3.
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=70.0, days=3)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=70.0, days=3)])

_groups = [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", tilstand_1_1="I50.0"),   # A
           ep("p1", 2, "2019-03-08 10:00", "2019-03-09 10:00", tilstand_1_1="J18.9",    # B
              innmateHast=4),
           ep("p1", 3, "2019-03-15 10:00", "2019-03-16 10:00", tilstand_1_1="R07.4")]   # C
case("latest_index_stay_of_the_group", _groups, {"elderly_group": "heart_failure"},
     # only A (heart failure) is an index stay: C is compared with A: day 10, 238 h
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10)])
case("latest_index_stay_of_all_groups", _groups, {"elderly_group": "all"},
     # A (heart failure) and B (pneumonia, planned) are index stays. readmit: A -> C
     # (238 h, day 10), B -> C (144 h, day 6). skde: C goes to B only; A not readmitted.
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10),
              R("p1", "2019-03-08 10:00", "2019-03-09 10:00", los=1, hours=144.0, days=6)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-03-08 10:00", "2019-03-09 10:00", los=1, hours=144.0, days=6)])

case("latest_link_within_the_sector",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", sektor=1),                 # A somatic
      ep("p1", 2, "2019-03-08 10:00", "2019-03-12 10:00", sektor=2, innmateHast=4),  # B VOP
      ep("p1", 3, "2019-03-15 10:00", "2019-03-16 10:00", sektor=1)],                # C somatic
     # each sector within itself: the VOP stay B is not an index stay of the somatic
     # follow-up, so C is compared with A: 03-05 12:00 -> 03-15 10:00 = 238 h, day 10
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10),
              R("p1", "2019-03-08 10:00", "2019-03-12 10:00", los=4, sector="vop"),
              R("p1", "2019-03-15 10:00", "2019-03-16 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=238.0, days=10),
           R("p1", "2019-03-08 10:00", "2019-03-12 10:00", los=4, sector="vop"),
           R("p1", "2019-03-15 10:00", "2019-03-16 10:00", los=1)])

# ----------------------------------------------------------------- excluded main conditions
_excluded = [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", tilstand_1_1="I50.0"),  # A
             ep("p1", 2, "2019-03-10 10:00", "2019-03-12 10:00", tilstand_1_1="C50.9"),  # B
             ep("p1", 3, "2019-03-20 10:00", "2019-03-21 10:00", tilstand_1_1="J18.9")]  # C
case("readmission_with_an_excluded_main_condition_kept", _excluded, {"elderly_group": "all"},
     # A and C are index stays (groups), B (cancer) is not. readmit: A -> B:
     #   03-05 12:00 -> 03-10 10:00 = 118 h, day 5. skde: B is compared with A: day 5.
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=118.0, days=5),
              R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=118.0, days=5),
           R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)])
case("readmission_with_an_excluded_main_condition_left_out", _excluded,
     {"elderly_group": "all", "exclude_planned_conditions": True},
     # B (C50.9, on the list) is no readmission. readmit: A's first acute stay not on
     #   the list is C: 03-05 12:00 -> 03-20 10:00 = 15 d - 2 h = 358 h, day 15.
     # skde: C is compared with the latest index stay before it, A (B is none): day 15.
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=358.0, days=15),
              R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=358.0, days=15),
           R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)])
case("excluded_stay_is_still_an_index_stay", _excluded, {"exclude_planned_conditions": True},
     # no group filter: B is an index stay (alive) though no readmission.
     # readmit: A -> C (358 h, day 15); B -> C: 03-12 10:00 -> 03-20 10:00 = 192 h, day 8.
     # skde: C is compared with B, the latest index stay: day 8; A is not readmitted.
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=358.0, days=15),
              R("p1", "2019-03-10 10:00", "2019-03-12 10:00", los=2, hours=192.0, days=8),
              R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-03-10 10:00", "2019-03-12 10:00", los=2, hours=192.0, days=8),
           R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)])
case("readmission_without_a_main_condition_is_not_excluded",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),                         # A
      ep("p1", 2, "2019-03-10 10:00", "2019-03-12 10:00", tilstand_1_1=None),      # B
      ep("p1", 3, "2019-03-20 10:00", "2019-03-21 10:00", tilstand_1_1="C50.9")],  # C
     {"exclude_planned_conditions": True},
     # B has no main condition, so none on the list: it readmits A (118 h, day 5) in both.
     # C (cancer) readmits nothing; B is not readmitted.
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=118.0, days=5),
              R("p1", "2019-03-10 10:00", "2019-03-12 10:00", los=2),
              R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4, hours=118.0, days=5),
           R("p1", "2019-03-10 10:00", "2019-03-12 10:00", los=2),
           R("p1", "2019-03-20 10:00", "2019-03-21 10:00", los=1)])
case("fracture_T10_is_an_index_stay_and_an_excluded_readmission",
     [ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", tilstand_1_1="J18.9"),
      ep("p1", 2, "2019-03-10 10:00", "2019-03-12 10:00", tilstand_1_1="T10")],
     {"elderly_group": "all", "exclude_planned_conditions": True},
     # T10 is in the fracture group and on the list (prefix T1): stay 2 is an index
     # stay of the indicator but does not readmit stay 1
     readmit=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
              R("p1", "2019-03-10 10:00", "2019-03-12 10:00", los=2)],
     skde=[R("p1", "2019-03-01 10:00", "2019-03-05 12:00", los=4),
           R("p1", "2019-03-10 10:00", "2019-03-12 10:00", los=2)])


# =================================================================== running the cases
RUNS = [(c, v) for c in CASES for v in c.expected]


def _params(c: Case, variant: str) -> dict[str, Any]:
    return {"end_date": END, **c.params, **VARIANTS[variant]}


def _check(c: Case, variant: str, got: list[dict[str, Any]]) -> None:
    diffs = ref.differences(c.expected[variant], got)
    if diffs:
        pytest.fail("\n".join([f"case {c.name}, {variant} {_params(c, variant)}:"]
                              + ["  " + d for d in diffs] + ["  got:"]
                              + ["    " + str(r) for r in got]))


@pytest.mark.parametrize("c,variant", RUNS, ids=[f"{c.name}-{v}" for c, v in RUNS])
def test_reference(c: Case, variant: str) -> None:
    rows = fill_rows(c.episodes)
    _check(c, variant, ref.index_stays(rows.episodes, rows.persons, **_params(c, variant)))


@pytest.mark.parametrize("c,variant", RUNS, ids=[f"{c.name}-{v}" for c, v in RUNS])
def test_duckdb(c: Case, variant: str, tmp_path: Path) -> None:
    write_extract(tmp_path / "x", c.episodes)
    with readmit.open(tmp_path / "x") as ex:
        df = readmit.Readmissions(ex, **_params(c, variant)).index_stays()
    assert list(df.columns) == ref.OUTPUT_COLUMNS
    _check(c, variant, ref.frame_rows(df))


def test_every_case_shows_both_variants() -> None:
    assert all({"readmit", "skde"} <= set(c.expected) for c in CASES)
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("bad,message", [
    ({"window": "weeks"}, "^window must be one of hours, days"),
    ({"link": "last"}, "^link must be one of first, latest"),
    ({"window": "days", "window_days": 1}, "window_days must be at least 2"),
])
def test_bad_parameters_name_the_python_parameter(bad, message) -> None:
    with pytest.raises(ParameterError, match=message):
        readmissions.rule_parameters(**bad)


def test_defaults_are_readmits_rule() -> None:
    from readmit import sql

    p = readmissions.rule_parameters()
    assert (p["window"], p["link"], p["exclude_planned_conditions"], p["elderly_group"]) == \
        ("hours", "first", False, None)
    assert {k: sql.DEFAULT_PARAMS[k] for k in p} == p


# =================================================================== property test
CODES = ["I50.0", "I50.0", "J18.9", "S72.0", "T10", "R07.4", "C50.9", "Z09.8", "N300", None, None]


@st.composite
def variant_scenarios(draw):
    params = {
        "window_days": draw(st.sampled_from([30, 30, 7, 2])),
        "transfer_hours": draw(st.sampled_from([8.0, 8.0, 0.0, 24.0])),
        "min_age": draw(st.sampled_from([None, None, 67])),
        "sector": draw(st.sampled_from([None, None, "somatic", "all"])),
        "keep_deaths": draw(st.booleans()),
        "end_date": draw(st.sampled_from([None, "2019-04-20"])),
        "window": draw(st.sampled_from(["hours", "days"])),
        "link": draw(st.sampled_from(["first", "latest", "latest"])),
        "exclude_planned_conditions": draw(st.booleans()),
        "elderly_group": draw(st.sampled_from([None, None, "all", "heart_failure", "pneumonia"])),
    }
    episodes, persons = draw(extracts(params))
    for e in episodes:
        e["tilstand_1_1"] = draw(st.sampled_from(CODES))
    return params, episodes, persons


@settings(PROPERTY_SETTINGS,
          max_examples=int(os.environ.get("READMIT_PROPERTY_EXAMPLES", "25")))
@given(variant_scenarios())
def test_sql_equals_reference_for_every_variant(scenario) -> None:
    params, episodes, persons = scenario
    call = {k: v for k, v in params.items() if not (k == "end_date" and v is None)}
    with tempfile.TemporaryDirectory() as tmp:
        rows = write_extract(Path(tmp) / "x", episodes, persons)
        expected = ref.index_stays(rows.episodes, rows.persons, **call)
        with readmit.open(Path(tmp) / "x") as ex:
            got = ref.frame_rows(readmit.Readmissions(ex, **call).index_stays())
        diffs = ref.differences(expected, got)
        assert not diffs, "\n".join(
            [f"params {call}", "episodes:"] + [f"  {e}" for e in rows.episodes]
            + ["persons:"] + [f"  {p}" for p in rows.persons] + ["differences:"]
            + [f"  {d}" for d in diffs])
        # whatever the variant, a readmission follows its index stay within the window
        for r in got:
            if r["readmitted"]:
                if params["window"] == "days":
                    assert 0 < r["days_to_readmission"] < params["window_days"], r
                else:
                    assert 0 < r["hours_to_readmission"] <= 24 * params["window_days"], r


def test_days_window_counts_a_subset_of_the_hours_window(small_extract) -> None:
    """With link='first', a stay readmitted on days 1-29 by date is readmitted within
    720 h (at most 29 d 23 h 59 min after the discharge); the clock counts more only
    where its readmission falls on day 0 or day 30."""
    with readmit.open(small_extract) as ex:
        hours = readmit.Readmissions(ex, sector="somatic", end_date="2019-12-31").index_stays()
        days = readmit.Readmissions(ex, sector="somatic", end_date="2019-12-31",
                                        window="days").index_stays()
    both = hours.merge(days, on=["lopenr", "admitted_at", "discharged_at"],
                       suffixes=("_h", "_d"))
    assert len(both) == len(hours) == len(days)
    assert (both.readmitted_h >= both.readmitted_d).all()
    only_hours = both[(both.readmitted_h == 1) & (both.readmitted_d == 0)]
    assert len(only_hours) > 0
    assert only_hours.days_to_readmission_h.isin([0, 30]).all()


def test_readmissions_cli_takes_the_variant_options(tmp_path: Path) -> None:
    import pandas as pd

    from readmit.cli import main

    c = next(c for c in CASES if c.name == "chain_readmission_linked_to_the_latest_index_stay")
    write_extract(tmp_path / "x", c.episodes)
    out = tmp_path / "idx.csv"
    assert main(["readmissions", str(tmp_path / "x"), "--out", str(out), "--end-date",
                 "2019-12-31", "--window", "days", "--link", "latest",
                 "--exclude-planned-conditions"]) == 0
    # as the case's skde rows: only B (the planned stay) is readmitted, after 144 h
    frame = pd.read_csv(out)
    assert frame.readmitted.tolist() == [0, 1, 0]
    assert frame.hours_to_readmission.tolist()[1] == 144.0
