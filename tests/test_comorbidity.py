"""Charlson comorbidity index and Elixhauser count per stay (readmit.comorbidity).

Hand-coded persons: every person has an index stay admitted 2019-06-01 whose
own main condition (Z09.8) is no comorbidity, and one earlier contact carrying
the code under test. The expected conditions and weights below are typed from
the papers (Quan et al. 2005, Table 1; Charlson 1987; Quan et al. 2011), not
read from the shipped CSV, so they check it.

Lookback as SKDE's makroer/CoMorbIndex.sas: contacts admitted from 365 days
before the admission date to the day before it; the admission day itself
(the index stay included) does not count.
"""
from __future__ import annotations

import datetime as dt
import doctest
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, write_extract  # noqa: E402
import reference_readmissions as ref  # noqa: E402

import readmit  # noqa: E402
from readmit import comorbidity, sql  # noqa: E402
from readmit.comorbidity import CHARLSON_CONDITIONS, stay_comorbidity  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402

INDEX_DAY = "2019-06-01"

# Charlson 1987 weights (as SKDE's CCI_Vekting) and Quan 2011's, typed from the papers.
CHARLSON_1987 = {
    "myocardial_infarction": 1, "congestive_heart_failure": 1, "peripheral_vascular_disease": 1,
    "cerebrovascular_disease": 1, "dementia": 1, "chronic_pulmonary_disease": 1,
    "rheumatic_disease": 1, "peptic_ulcer_disease": 1, "mild_liver_disease": 1,
    "diabetes_without_complications": 1, "diabetes_with_complications": 2,
    "hemiplegia_paraplegia": 2, "renal_disease": 2, "malignancy": 2,
    "severe_liver_disease": 3, "metastatic_solid_tumour": 6, "aids_hiv": 6,
}
QUAN_2011 = {
    "myocardial_infarction": 0, "congestive_heart_failure": 2, "peripheral_vascular_disease": 0,
    "cerebrovascular_disease": 0, "dementia": 2, "chronic_pulmonary_disease": 1,
    "rheumatic_disease": 1, "peptic_ulcer_disease": 0, "mild_liver_disease": 2,
    "diabetes_without_complications": 0, "diabetes_with_complications": 1,
    "hemiplegia_paraplegia": 2, "renal_disease": 1, "malignancy": 2,
    "severe_liver_disease": 4, "metastatic_solid_tumour": 6, "aids_hiv": 4,
}

# (code as written in the file, the Charlson condition it has or None). First and
# last codes of each list, 3 and 4 characters, dotted and undotted, lower case, and
# codes just outside. Comments give Quan 2005's list.
CODE_CASES = [
    # myocardial infarction: I21.x, I22.x, I25.2
    ("I21", "myocardial_infarction"), ("I21.4", "myocardial_infarction"),
    ("I229", "myocardial_infarction"), ("I25.2", "myocardial_infarction"),
    ("I25.1", None), ("I20.9", None), ("I23.0", None), ("I25", None),
    # congestive heart failure: I09.9, I11.0, I13.0, I13.2, I25.5, I42.0, I42.5-I42.9, I43.x, I50.x, P29.0
    ("I09.9", "congestive_heart_failure"), ("I110", "congestive_heart_failure"),
    ("I13.2", "congestive_heart_failure"), ("I25.5", "congestive_heart_failure"),
    ("I42.0", "congestive_heart_failure"), ("I42.9", "congestive_heart_failure"),
    ("I43", "congestive_heart_failure"), ("i50.9", "congestive_heart_failure"),
    ("P29.0", "congestive_heart_failure"),
    ("I42.1", None), ("I42.4", None), ("I13.9", None), ("I51.9", None), ("I09.8", None),
    ("I125", None),  # SKDE's slip for I25.5: no such code, no condition
    # peripheral vascular disease: I70.x, I71.x, I73.1, I73.8, I73.9, I77.1, I79.0, I79.2, K55.1, K55.8, K55.9, Z95.8, Z95.9
    ("I70.0", "peripheral_vascular_disease"), ("I71", "peripheral_vascular_disease"),
    ("I73.1", "peripheral_vascular_disease"), ("K55.9", "peripheral_vascular_disease"),
    ("Z959", "peripheral_vascular_disease"),
    ("I73.0", None), ("I72.9", None), ("K55.0", None), ("Z95.7", None),
    # cerebrovascular disease: G45.x, G46.x, H34.0, I60.x-I69.x
    ("G45.9", "cerebrovascular_disease"), ("G46", "cerebrovascular_disease"),
    ("H34.0", "cerebrovascular_disease"), ("I60", "cerebrovascular_disease"),
    ("I69.8", "cerebrovascular_disease"),
    ("G44.2", None), ("G47.0", None), ("H34.1", None),
    # dementia: F00.x-F03.x, F05.1, G30.x, G31.1
    ("F00.1", "dementia"), ("F03", "dementia"), ("F05.1", "dementia"), ("G30.9", "dementia"),
    ("G311", "dementia"),
    ("F04", None), ("F05.0", None), ("G31.0", None),
    # chronic pulmonary disease: I27.8, I27.9, J40.x-J47.x, J60.x-J67.x, J68.4, J70.1, J70.3
    ("I27.8", "chronic_pulmonary_disease"), ("J40", "chronic_pulmonary_disease"),
    ("J44.1", "chronic_pulmonary_disease"),
    ("J47", "chronic_pulmonary_disease"),  # missing from SKDE's list
    ("J60", "chronic_pulmonary_disease"), ("J67.9", "chronic_pulmonary_disease"),
    ("J68.4", "chronic_pulmonary_disease"), ("J703", "chronic_pulmonary_disease"),
    ("I27.0", None), ("J39.9", None), ("J68.0", None), ("J70.2", None), ("J69.0", None),
    # rheumatic disease: M05.x, M06.x, M31.5, M32.x-M34.x, M35.1, M35.3, M36.0
    ("M05.3", "rheumatic_disease"), ("M06", "rheumatic_disease"),
    ("M31.5", "rheumatic_disease"), ("M34.9", "rheumatic_disease"),
    ("M36.0", "rheumatic_disease"),
    ("M07.0", None), ("M31.4", None), ("M35.2", None), ("M36.1", None),
    # peptic ulcer disease: K25.x-K28.x
    ("K25", "peptic_ulcer_disease"), ("K28.9", "peptic_ulcer_disease"),
    ("K22.1", None), ("K29.7", None),
    # mild liver disease: B18.x, K70.0-K70.3, K70.9, K71.3-K71.5, K71.7, K73.x, K74.x, K76.0, K76.2-K76.4, K76.8, K76.9, Z94.4
    ("B18.2", "mild_liver_disease"), ("K70.0", "mild_liver_disease"),
    ("K703", "mild_liver_disease"), ("K70.9", "mild_liver_disease"),
    ("K71.7", "mild_liver_disease"), ("K74", "mild_liver_disease"),
    ("K76.9", "mild_liver_disease"), ("Z94.4", "mild_liver_disease"),
    ("B17.1", None), ("K71.0", None), ("K76.1", None), ("Z94.3", None),
    # diabetes without chronic complication: E1x.0, .1, .6, .8, .9 (x = 0-4)
    ("E10.0", "diabetes_without_complications"), ("E11.9", "diabetes_without_complications"),
    ("E116", "diabetes_without_complications"), ("E14.8", "diabetes_without_complications"),
    ("E11", None),  # a 3-character diabetes code is in neither list
    ("E15", None), ("E16.0", None), ("E09.9", None),
    # diabetes with chronic complication: E1x.2-E1x.5, E1x.7
    ("E10.2", "diabetes_with_complications"), ("E11.5", "diabetes_with_complications"),
    ("e14.7", "diabetes_with_complications"),
    # hemiplegia or paraplegia: G04.1, G11.4, G80.1, G80.2, G81.x, G82.x, G83.0-G83.4, G83.9
    ("G04.1", "hemiplegia_paraplegia"), ("G81", "hemiplegia_paraplegia"),
    ("G83.3", "hemiplegia_paraplegia"),  # missing from SKDE's list
    ("G83.9", "hemiplegia_paraplegia"),
    ("G04.0", None), ("G80.0", None), ("G83.5", None), ("G84", None),
    # renal disease: I12.0, I13.1, N03.2-N03.7, N05.2-N05.7, N18.x, N19.x, N25.0, Z49.0-Z49.2, Z94.0, Z99.2
    ("I12.0", "renal_disease"), ("N03.2", "renal_disease"), ("N057", "renal_disease"),
    ("N18.5", "renal_disease"), ("N19", "renal_disease"), ("Z49.2", "renal_disease"),
    ("Z99.2", "renal_disease"),
    ("I12.9", None), ("N03.1", None), ("N05.8", None), ("N17.9", None), ("Z49.3", None),
    # any malignancy: C00-C26, C30-C34, C37-C41, C43, C45-C58, C60-C76, C81-C85, C88, C90-C97
    ("C00.0", "malignancy"), ("C26.9", "malignancy"), ("C30", "malignancy"),
    ("C41.9", "malignancy"), ("C43.9", "malignancy"), ("C45.0", "malignancy"),
    ("C76.0", "malignancy"), ("C81.9", "malignancy"),
    ("C85.9", "malignancy"),  # missing from SKDE's list (C84 twice)
    ("C88", "malignancy"), ("C97", "malignancy"),
    ("C44.9", None), ("C86.0", None), ("D00.0", None),
    # moderate or severe liver disease: I85.0, I85.9, I86.4, I98.2, K70.4, K71.1, K72.1, K72.9, K76.5-K76.7
    ("I85.0", "severe_liver_disease"), ("I86.4", "severe_liver_disease"),
    ("K70.4", "severe_liver_disease"), ("K72.9", "severe_liver_disease"),
    ("K767", "severe_liver_disease"),
    ("I86.3", None), ("K72.0", None),
    # metastatic solid tumour: C77.x-C80.x
    ("C77.0", "metastatic_solid_tumour"), ("C80.9", "metastatic_solid_tumour"),
    # AIDS/HIV: B20.x-B22.x, B24.x
    ("B20.0", "aids_hiv"), ("B22", "aids_hiv"), ("B24", "aids_hiv"),
    ("B23.0", None), ("B25.0", None),
]


# --------------------------------------------------------------------------- helpers
def index_stay(pid: str, n: int, day: str = INDEX_DAY, **kw: Any) -> dict[str, Any]:
    """The index stay: inpatient, admitted `day` 10:00, five days, no comorbidity."""
    d = dt.date.fromisoformat(day)
    return ep(pid, n, f"{day} 10:00", f"{d + dt.timedelta(days=5)} 12:00",
              **{"tilstand_1_1": "Z09.8", **kw})


def contact(pid: str, n: int, day: str, omsorgsniva: int = 3, **kw: Any) -> dict[str, Any]:
    """An earlier contact (outpatient unless told), admitted and discharged on `day`."""
    return ep(pid, n, f"{day} 09:00", f"{day} 11:00", omsorgsniva=omsorgsniva,
              **{"tilstand_1_1": "Z09.8", **kw})


def build_frame(tmp_path: Path, episodes: list[dict[str, Any]], **options: Any) -> pd.DataFrame:
    write_extract(tmp_path, episodes)
    with readmit.open(tmp_path) as ex:
        return stay_comorbidity(ex, **options)


def rescored(ex: readmit.Extract, **options: Any) -> pd.DataFrame:
    """Other options over the same rule's stays: only int_stay_comorbidity again."""
    return stay_comorbidity(readmit.Readmissions(ex), **options)


def flagged(row: Any) -> set[str]:
    """The conditions flagged in a row (a Series or an itertuples() tuple)."""
    return {c for c in CHARLSON_CONDITIONS if bool(getattr(row, c))}


# --------------------------------------------------------------------------- code lists
@pytest.fixture(scope="module")
def code_case_frames(tmp_path_factory):
    """One person per code case, the code in the main condition of an outpatient
    contact 90 days before the index stay (every third case: in tilstand_2_3 of a
    day contact, with tilstand_2_1 empty and tilstand_2_2 unrelated)."""
    episodes = []
    for i, (code, _) in enumerate(CODE_CASES):
        pid = f"c{i:03d}"
        if i % 3 == 2:
            episodes.append(contact(pid, 2 * i + 1, "2019-03-03", omsorgsniva=2,
                                    tilstand_2_1=None, tilstand_2_2="R69", tilstand_2_3=code))
        else:
            episodes.append(contact(pid, 2 * i + 1, "2019-03-03", tilstand_1_1=code))
        episodes.append(index_stay(pid, 2 * i + 2))
    directory = tmp_path_factory.mktemp("codes")
    write_extract(directory, episodes)
    with readmit.open(directory) as ex:
        return {"charlson": stay_comorbidity(ex), "quan2011": rescored(ex, weights="quan2011")}


@pytest.mark.parametrize("i", range(len(CODE_CASES)),
                         ids=[f"{c}->{k or 'none'}" for c, k in CODE_CASES])
def test_each_code_has_its_condition(code_case_frames, i):
    code, condition = CODE_CASES[i]
    frame = code_case_frames["charlson"]
    row = frame[frame.lopenr == f"c{i:03d}"]
    assert len(row) == 1  # the index stay (the contact is outpatient or day: no stay)
    row = row.iloc[0]
    expected = {condition} if condition else set()
    assert flagged(row) == expected
    # one condition: the index is its weight (Charlson 1987 / Quan 2011), else 0
    assert row.charlson_index == (CHARLSON_1987[condition] if condition else 0)
    q = code_case_frames["quan2011"]
    assert q.loc[q.lopenr == f"c{i:03d}", "charlson_index"].item() == (
        QUAN_2011[condition] if condition else 0)


def test_every_condition_is_covered_by_the_cases():
    assert {k for _, k in CODE_CASES if k} == set(CHARLSON_CONDITIONS)


def test_shipped_table_weights_match_the_papers():
    t = comorbidity.charlson_codes()
    by = t.groupby("condition")
    assert by.weight_charlson.nunique().max() == 1 and by.weight_quan2011.nunique().max() == 1
    assert by.weight_charlson.first().to_dict() == CHARLSON_1987
    assert by.weight_quan2011.first().to_dict() == QUAN_2011
    numbers = by.number.first().sort_values()
    assert numbers.index.tolist() == CHARLSON_CONDITIONS  # the SQL's bit order
    assert numbers.tolist() == list(range(1, 18))
    # prefixes of 3 or 4 characters, upper case, no dot, none in two Charlson conditions
    assert t.code.str.fullmatch(r"[A-Z][0-9]{2}[0-9]?").all()
    assert not t.code.duplicated().any()
    e = comorbidity.elixhauser_codes()
    assert e.code.str.fullmatch(r"[A-Z][0-9]{2}[0-9]?").all()
    assert sorted(e.number.unique()) == list(range(1, 32))


def test_skde_slips_are_not_copied():
    t = comorbidity.charlson_codes().set_index("code").condition
    assert "I125" not in t.index and t["I255"] == "congestive_heart_failure"
    assert t["J47"] == "chronic_pulmonary_disease"
    assert t["G833"] == "hemiplegia_paraplegia"
    assert t["C85"] == "malignancy"


# --------------------------------------------------------------------------- lookback
def test_lookback_boundaries(tmp_path):
    # Index admitted 2019-06-01. 2018-06-01 is 365 days before (2019 is no leap
    # year: 30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 = 365).
    episodes = [
        contact("at365", 1, "2018-06-01", tilstand_1_1="I21.0"), index_stay("at365", 2),
        contact("at366", 3, "2018-05-31", tilstand_1_1="I21.0"), index_stay("at366", 4),
        contact("day_before", 5, "2019-05-31", tilstand_1_1="I21.0"), index_stay("day_before", 6),
        # same day as the admission (before it, in the morning): not counted (the macro
        # zeroes contacts of the admission day)
        contact("same_day", 7, INDEX_DAY, tilstand_1_1="I21.0"), index_stay("same_day", 8),
        # the index stay's own conditions do not count by default
        index_stay("own", 9, tilstand_1_1="I21.0", tilstand_2_1="C78.0"),
        # after the admission: never
        index_stay("after", 10), contact("after", 11, "2019-06-03", tilstand_1_1="I21.0"),
        # 2020 is a leap year: 2019-03-02 is 365 days before 2020-03-01, 2019-03-01 is 366
        contact("leap365", 12, "2019-03-02", tilstand_1_1="I21.0"),
        index_stay("leap365", 13, day="2020-03-01"),
        contact("leap366", 14, "2019-03-01", tilstand_1_1="I21.0"),
        index_stay("leap366", 15, day="2020-03-01"),
    ]
    f = build_frame(tmp_path, episodes).set_index("lopenr").charlson_index
    assert f.to_dict() == {"at365": 1, "at366": 0, "day_before": 1, "same_day": 0, "own": 0,
                           "after": 0, "leap365": 1, "leap366": 0}


def test_lookback_days_and_index_stay_options(tmp_path):
    episodes = [
        contact("p", 1, "2019-05-02", tilstand_1_1="I50.9"),   # 30 days before
        contact("p", 2, "2019-05-01", tilstand_1_1="J44.9"),   # 31 days before
        index_stay("p", 3, tilstand_1_1="I21.0", tilstand_2_1="C78.0"),
    ]
    write_extract(tmp_path, episodes)
    with readmit.open(tmp_path) as ex:
        default = stay_comorbidity(ex).iloc[0]
        short = stay_comorbidity(ex, lookback_days=30).iloc[0]
        none = rescored(ex, lookback_days=0).iloc[0]
        own = rescored(ex, lookback_days=0, include_index_stay=True).iloc[0]
        both = rescored(ex, include_index_stay=True).iloc[0]
    assert flagged(default) == {"congestive_heart_failure", "chronic_pulmonary_disease"}  # 1 + 1
    assert default.charlson_index == 2
    assert flagged(short) == {"congestive_heart_failure"} and short.charlson_index == 1
    assert none.charlson_index == 0 and flagged(none) == set()
    # own stay: MI (1) + metastatic solid tumour (6)
    assert flagged(own) == {"myocardial_infarction", "metastatic_solid_tumour"}
    assert own.charlson_index == 7
    assert both.charlson_index == 1 + 1 + 1 + 6


def test_contacts_of_every_kind_and_sector_count(tmp_path):
    episodes = [
        contact("p", 1, "2019-01-10", omsorgsniva=1, tilstand_1_1="I21.0"),      # inpatient stay
        contact("p", 2, "2019-02-10", omsorgsniva=2, tilstand_2_1="F03"),        # day
        contact("p", 3, "2019-03-10", omsorgsniva=3, sektor=2, tilstand_1_1="J44"),  # VOP outpatient
        contact("p", 4, "2019-04-10", omsorgsniva=3, sektor=3, tilstand_1_1="K25.0"),  # TSB
        index_stay("p", 5),
    ]
    f = build_frame(tmp_path, episodes)
    # two stays: the inpatient contact (nothing before it) and the index stay
    assert f.charlson_index.tolist() == [0, 4]
    assert flagged(f.iloc[1]) == {"myocardial_infarction", "dementia",
                                  "chronic_pulmonary_disease", "peptic_ulcer_disease"}


def test_each_stay_has_its_own_lookback(tmp_path):
    # SKDE's macro groups by person (every index stay gets the union of all of the
    # person's lookbacks); here stay 1 must not see the metastasis found after it.
    episodes = [
        index_stay("p", 1, day="2019-01-10"),
        contact("p", 2, "2019-03-01", tilstand_1_1="C78.7"),
        index_stay("p", 3),
    ]
    f = build_frame(tmp_path, episodes)
    assert f.stay_id.tolist() == [1, 3]
    assert f.charlson_index.tolist() == [0, 6]


def test_transfer_episodes_of_the_index_stay(tmp_path):
    # a stay of two episodes (transfer 2 h after discharge, next day): the second
    # episode's codes are the stay's own, counted only with include_index_stay
    episodes = [
        ep("p", 1, "2019-06-01 10:00", "2019-06-02 08:00", tilstand_1_1="Z09.8"),
        ep("p", 2, "2019-06-02 10:00", "2019-06-06 12:00", tilstand_1_1="I50.0",
           tilstand_2_1="E11.2"),
        index_stay("q", 3), contact("q", 4, "2019-06-10", omsorgsniva=1, tilstand_1_1="I50.0"),
    ]
    write_extract(tmp_path, episodes)
    with readmit.open(tmp_path) as ex:
        plain = stay_comorbidity(ex).set_index("stay_id").charlson_index
        own = rescored(ex, include_index_stay=True).set_index("stay_id").charlson_index
    assert plain.to_dict() == {1: 0, 3: 0, 4: 0}
    # stay 1: CHF 1 + diabetes with complications 2; stay 3 does not take stay 4's
    # codes; stay 4 has its own CHF
    assert own.to_dict() == {1: 3, 3: 0, 4: 1}


# --------------------------------------------------------------------------- hierarchy
HIERARCHY_PERSONS = {
    # person: codes of one earlier contact (main + secondary)
    "diabetes": ["E11.9", "E11.2"],
    "liver": ["K70.3", "I85.0"],
    "cancer": ["C18.9", "C78.7"],
    "mild_only": ["K70.3", "E11.9"],
    "hypertension": ["I10", "I11.9"],
    "all17": ["I21.0", "I50.0", "I70.0", "I63.9", "F03", "J44.9", "M05.9", "K25.9", "K70.3",
              "E11.9", "E11.2", "G81.0", "N18.5", "C18.9", "I85.0", "C78.7", "B24"],
}


@pytest.fixture(scope="module")
def hierarchy_frames(tmp_path_factory):
    episodes, n = [], 0
    for pid, codes in HIERARCHY_PERSONS.items():
        cols = {"tilstand_1_1": codes[0]}
        cols.update({f"tilstand_2_{k}": c for k, c in enumerate(codes[1:], 1)})
        n += 1
        episodes.append(contact(pid, n, "2019-02-01", **cols))
        n += 1
        episodes.append(index_stay(pid, n))
    directory = tmp_path_factory.mktemp("hierarchy")
    write_extract(directory, episodes)
    out = {}
    with readmit.open(directory) as ex:
        stay_comorbidity(ex)
        for weights in ("charlson", "quan2011"):
            for hierarchy in (False, True):
                out[weights, hierarchy] = rescored(
                    ex, weights=weights, hierarchy=hierarchy).set_index("lopenr")
    return out


@pytest.mark.parametrize("pid, weights, hierarchy, index", [
    # uncomplicated (1987: 1, 2011: 0) + complicated diabetes (2 / 1)
    ("diabetes", "charlson", False, 1 + 2), ("diabetes", "charlson", True, 2),
    ("diabetes", "quan2011", False, 0 + 1), ("diabetes", "quan2011", True, 1),
    # mild (1 / 2) + severe liver disease (3 / 4)
    ("liver", "charlson", False, 1 + 3), ("liver", "charlson", True, 3),
    ("liver", "quan2011", False, 2 + 4), ("liver", "quan2011", True, 4),
    # malignancy (2 / 2) + metastatic solid tumour (6 / 6)
    ("cancer", "charlson", False, 2 + 6), ("cancer", "charlson", True, 6),
    ("cancer", "quan2011", False, 2 + 6), ("cancer", "quan2011", True, 6),
    # mild forms alone are kept by the hierarchy: mild liver + uncomplicated diabetes
    ("mild_only", "charlson", False, 1 + 1), ("mild_only", "charlson", True, 1 + 1),
    ("mild_only", "quan2011", True, 2 + 0),
    # hypertension is no Charlson condition
    ("hypertension", "charlson", False, 0),
    # all 17: 1987: ten 1s + four 2s + 3 + 6 + 6 = 33; the hierarchy drops mild liver (1),
    # uncomplicated diabetes (1) and malignancy (2): 29. 2011: 28; drops 2 + 0 + 2: 24,
    # the maximum of Quan 2011's index.
    ("all17", "charlson", False, 33), ("all17", "charlson", True, 29),
    ("all17", "quan2011", False, 28), ("all17", "quan2011", True, 24),
])
def test_hierarchy_and_weights(hierarchy_frames, pid, weights, hierarchy, index):
    row = hierarchy_frames[weights, hierarchy].loc[pid]
    assert row.charlson_index == index
    weight = CHARLSON_1987 if weights == "charlson" else QUAN_2011
    assert sum(weight[c] for c in flagged(row)) == index  # the flags are what is counted


def test_hierarchy_flags(hierarchy_frames):
    off, on = hierarchy_frames["charlson", False], hierarchy_frames["charlson", True]
    assert flagged(off.loc["diabetes"]) == {"diabetes_without_complications",
                                            "diabetes_with_complications"}
    assert flagged(on.loc["diabetes"]) == {"diabetes_with_complications"}
    assert flagged(on.loc["liver"]) == {"severe_liver_disease"}
    assert flagged(on.loc["cancer"]) == {"metastatic_solid_tumour"}
    assert len(flagged(off.loc["all17"])) == 17 and len(flagged(on.loc["all17"])) == 14


@pytest.mark.parametrize("pid, without, with_", [
    # Elixhauser: diabetes uncomplicated (E11.9) + complicated (E11.2): 2, hierarchy 1
    ("diabetes", 2, 1),
    # alcohol abuse (K70.3) and liver disease (K70.3) + liver disease (I85.0): 2 either way
    ("liver", 2, 2),
    # solid tumour (C18.9) + metastatic cancer (C78.7): 2, hierarchy 1
    ("cancer", 2, 1),
    # hypertension uncomplicated (I10) + complicated (I11.9): 2, hierarchy 1
    ("hypertension", 2, 1),
])
def test_elixhauser_count(hierarchy_frames, pid, without, with_):
    assert hierarchy_frames["charlson", False].loc[pid, "elixhauser_count"] == without
    assert hierarchy_frames["charlson", True].loc[pid, "elixhauser_count"] == with_


# --------------------------------------------------------------------------- API
def test_parameters_are_checked(tmp_path):
    with pytest.raises(ParameterError, match="weights"):
        comorbidity.comorbidity_parameters(weights="deyo")
    with pytest.raises(ParameterError, match="lookback_days"):
        comorbidity.comorbidity_parameters(lookback_days=-5)
    with pytest.raises(ParameterError, match="lookback_days"):
        comorbidity.comorbidity_parameters(lookback_days=1.5)
    assert set(comorbidity.comorbidity_parameters()) <= set(sql.DEFAULT_PARAMS)
    assert comorbidity.comorbidity_parameters() == {
        k: sql.DEFAULT_PARAMS[k] for k in comorbidity.comorbidity_parameters()}


def test_docstring_examples():
    assert doctest.testmod(comorbidity, optionflags=doctest.ELLIPSIS).failed == 0


def test_figure_hides_small_counts():
    frame = pd.DataFrame({"charlson_index": [0] * 20 + [1] * 4 + [2] * 5 + [9]})
    dist = comorbidity.charlson_distribution(frame)
    assert dist.n_stays.tolist() == [20, 4, 5, 0, 0, 1]
    fig = comorbidity.charlson_figure(frame)
    bar = fig.data[0]
    # 20 of 30 stays = 66,7 %; the bands with 4 and 1 stays are not shown
    assert list(bar.text) == ["66,7%", "<5", "16,7%", "0,0%", "0,0%", "<5"]
    assert list(bar.y) == [pytest.approx(200 / 3), 0.0, pytest.approx(50 / 3), 0.0, 0.0, 0.0]
    assert "Charlson" in fig.layout.xaxis.title.text


def test_every_stay_of_the_small_extract(small_extract):
    with readmit.open(small_extract) as ex:
        r = readmit.Readmissions(ex)
        frame = stay_comorbidity(r, weights="quan2011", hierarchy=True)
        n_stays = r.sql("SELECT count(*) FROM int_stays").fetchall()[0][0]
    assert len(frame) == n_stays and frame.stay_id.is_unique
    weights = pd.Series(QUAN_2011)
    assert (frame[CHARLSON_CONDITIONS].astype(int) @ weights[CHARLSON_CONDITIONS]
            == frame.charlson_index).all()
    assert frame.charlson_index.between(0, 24).all()
    assert frame.elixhauser_count.between(0, 31).all()
    assert (frame.charlson_index > 0).mean() > 0.05  # the generator does code comorbidity


# --------------------------------------------------------------------------- property test
def reference_scores(episodes: list[dict[str, Any]], *, weights: str, hierarchy: bool,
                     lookback_days: int, include_index_stay: bool) -> dict[int, tuple]:
    """A plain-Python scorer: {stay_id: (charlson_index, elixhauser_count, conditions)}.

    Stays from tests/reference_readmissions.build_stays; a code has a condition
    when it starts with one of the condition's prefixes (str.startswith over
    the shipped tables); the lookback as the macro.
    """
    charlson, elix = CHARLSON_TABLE, ELIXHAUSER_TABLE
    weight_of = dict(zip(charlson.condition, charlson[f"weight_{weights}"]))

    def conditions(table, code):
        code = code.strip().upper().replace(".", "")
        return {c for c, p in zip(table.condition, table.code) if code.startswith(p)}

    def apply_hierarchy(found, table):
        if not hierarchy:
            return found
        sup = dict(zip(table.condition, table.superseded_by))
        return {c for c in found if not (sup[c] and sup[c] in found)}

    def codes(e):
        return [v for k, v in e.items() if k.startswith("tilstand_") and v]

    by_id = {e["episode_lnr"]: e for e in episodes}
    out = {}
    for stay in ref.build_stays(episodes):
        day = stay["admitted_at"].date()
        cells = [c for e in episodes if str(e["lopenr"]) == stay["lopenr"]
                 and day - dt.timedelta(days=lookback_days) <= e["inndato"] < day
                 for c in codes(e)]
        if include_index_stay:
            cells += [c for n in stay["episodes"] for c in codes(by_id[n])]
        found_c = apply_hierarchy(set().union(*[conditions(charlson, c) for c in cells]),
                                  charlson)
        found_e = apply_hierarchy(set().union(*[conditions(elix, c) for c in cells]), elix)
        out[stay["episodes"][0]] = (sum(weight_of[c] for c in found_c), len(found_e),
                                    frozenset(found_c))
    return out


CHARLSON_TABLE = comorbidity.charlson_codes()
ELIXHAUSER_TABLE = comorbidity.elixhauser_codes()
CODE_POOL = ["I21.0", "I252", "I25.1", "I50.9", "E11.9", "e11.2", "E11", "K70.3", "K70.4",
             "I85.0", "C18.9", "C78.7", "C44.9", "I10", "I11.9", "F20.4", "J47", "B24",
             "G83.3", "I25.5", "I125", "Z09.8", "N18.5", "M05.9", "F03"]
OFFSETS = [0, 1, 2, 30, 364, 365, 366, 367, 400, 729, 730, 731]


@st.composite
def comorbidity_extracts(draw):
    base = dt.datetime(2018, 1, 1, 0, 0)
    episodes, n = [], 0
    for p in range(draw(st.integers(1, 5))):
        for _ in range(draw(st.integers(1, 6))):
            n += 1
            start = base + dt.timedelta(days=draw(st.sampled_from(OFFSETS)),
                                        hours=draw(st.integers(0, 23)))
            care = draw(st.sampled_from([1, 1, 2, 3]))
            hours = draw(st.integers(1, 24 * 6)) if care == 1 else draw(st.integers(0, 6))
            end = start + dt.timedelta(hours=hours)
            codes = draw(st.lists(st.sampled_from(CODE_POOL), min_size=1, max_size=4))
            cols = {"tilstand_1_1": codes[0]}
            cols.update({f"tilstand_2_{k}": c for k, c in enumerate(codes[1:], 1)})
            episodes.append(ep(f"p{p}", n, start.strftime("%Y-%m-%d %H:%M"),
                               end.strftime("%Y-%m-%d %H:%M"), omsorgsniva=care,
                               sektor=draw(st.sampled_from([1, 2])), **cols))
    return episodes


OPTION_GRID = [{"weights": w, "hierarchy": h, "include_index_stay": i}
               for w in ("charlson", "quan2011") for h in (False, True) for i in (False, True)]


@settings(max_examples=int(os.environ.get("READMIT_PROPERTY_EXAMPLES", "12")), deadline=None,
          derandomize=os.environ.get("READMIT_PROPERTY_RANDOM", "") != "1", database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(episodes=comorbidity_extracts(), lookback_days=st.sampled_from([365, 365, 30, 0, 729]))
def test_matches_reference_scorer(tmp_path_factory, episodes, lookback_days):
    """Every combination of weights, hierarchy and index stay, one drawn lookback."""
    directory = tmp_path_factory.mktemp("prop")
    rows = write_extract(directory, episodes)
    with readmit.open(directory) as ex:
        for options in OPTION_GRID:
            frame = rescored(ex, lookback_days=lookback_days, **options)
            expected = reference_scores(rows.episodes, lookback_days=lookback_days, **options)
            got = {int(r.stay_id): (int(r.charlson_index), int(r.elixhauser_count),
                                    frozenset(flagged(r))) for r in frame.itertuples()}
            assert got == expected, options
