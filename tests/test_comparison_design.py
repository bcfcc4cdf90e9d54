"""The risk model's design per eligible index stay (mart_comparison_design) and
observed against expected on hand-built extracts, worked out by hand.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402

import readmit  # noqa: E402
from readmit.comorbidity import comorbidity_parameters  # noqa: E402
from readmit.comparison import observed_expected, risk_model  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402

END = "2019-12-31"      # the end of the data: every stay below has complete follow-up
CLEAN = {"tilstand_1_1": "Z09.8"}   # a main condition that is no Charlson condition


def design(ex: readmit.Extract, **options) -> pd.DataFrame:
    r = readmit.Readmissions(ex, end_date=END)
    opts = comorbidity_parameters(**options) if options else \
        comorbidity_parameters(include_index_stay=True)
    return r.frame("SELECT * FROM mart_comparison_design ORDER BY stay_id", options=opts
                   ).set_index("stay_id")


@pytest.fixture(scope="module")
def design_extract(tmp_path_factory):
    """
    Person a: the index stay 10 (2019-06-01 10:00 - 06-04 12:00, acute, I50.0:
    congestive heart failure, Charlson weight 1), and before it:
      1  2018-05-31 acute         366 days before: in neither window
      2  2018-06-01 acute         365 days before: in the 365-day window only
      3  2018-11-30 acute         in 365 days; 6 months start 2018-12-01: not in it
      4  2018-12-01 acute         in both
      5  2019-01-10 planned (4)   not acute: in neither
      6  2019-03-01 acute, VOP    any sector counts: in both
      7  2019-04-01 acute, day    a day contact is no stay: in neither
      8  2019-06-01 00:30-01:30   acute, 8.5 h before the index admission (a stay
                                  of its own): in both
    365 days: 2, 3, 4, 6, 8 = 5 (band 4+); 6 months: 4, 6, 8 = 3.
    LACE of stay 10: L (3 days) 3 + A (acute) 3 + C (index 1) 1 + E (3) 3 = 10.

    Persons b00-b13: one stay each, admitted 2019-02-01 08:00, ages and lengths
    of stay below; b03 and b07 planned; b05 ready for discharge; kjonn 1, 2, 9.

    Person c: a transfer, Helse Fonna (komnr 1106) 2019-03-01 10:00 - 03-03 12:00,
    then Helse Bergen (komnr 4601) from 14:00 to 03-06: one stay (2 h apart),
    discharged by Helse Bergen, municipality 1106 (its first episode's).
    """
    a = [
        ep("a", 1, "2018-05-31 08:00", "2018-05-31 20:00", **CLEAN),
        ep("a", 2, "2018-06-01 08:00", "2018-06-02 12:00", **CLEAN),
        ep("a", 3, "2018-11-30 08:00", "2018-11-30 20:00", **CLEAN),
        ep("a", 4, "2018-12-01 08:00", "2018-12-01 20:00", **CLEAN),
        ep("a", 5, "2019-01-10 08:00", "2019-01-11 12:00", innmateHast=4, **CLEAN),
        ep("a", 6, "2019-03-01 08:00", "2019-03-02 12:00", sektor=2, **CLEAN),
        ep("a", 7, "2019-04-01 08:00", "2019-04-01 12:00", omsorgsniva=2, **CLEAN),
        ep("a", 8, "2019-06-01 00:30", "2019-06-01 01:30", **CLEAN),
        ep("a", 10, "2019-06-01 10:00", "2019-06-04 12:00", tilstand_1_1="I50.0"),
    ]
    b = []
    for i, (age, los) in enumerate(zip(AGES, LOS)):
        day = dt.date(2019, 2, 1)
        b.append(ep(f"b{i:02d}", 100 + i, f"{day} 08:00", f"{day + dt.timedelta(days=los)} 12:00",
                    alder=age, kjonn=[1, 2, 9][i % 3], innmateHast=4 if i in (3, 7) else 1,
                    utskrklardato=str(day) if i == 5 else None, **CLEAN))
    c = [
        ep("c", 200, "2019-03-01 10:00", "2019-03-03 12:00", institusjonID="HFO", komnr="1106",
           **CLEAN),
        ep("c", 201, "2019-03-03 14:00", "2019-03-06 12:00", institusjonID="HBE", komnr="4601",
           **CLEAN),
    ]
    d = tmp_path_factory.mktemp("design")
    write_extract(d, a + b + c)
    with readmit.open(d) as ex:
        yield {"with": design(ex), "without": design(ex, include_index_stay=False)}


AGES = [17, 18, 29, 30, 44, 45, 59, 60, 69, 70, 79, 80, 89, 90]
AGE_BANDS = ["0-17", "18-29", "18-29", "30-44", "30-44", "45-59", "45-59", "60-69", "60-69",
             "70-79", "70-79", "80-89", "80-89", "90+"]
LOS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 29, 30]
LOS_BANDS = ["0", "1", "2", "3-4", "3-4", "5-7", "5-7", "5-7", "8-14", "8-14", "8-14", "15-29",
             "15-29", "30+"]
# LACE L: < 1 day 0, 1 1, 2 2, 3 3, 4-6 4, 7-13 5, 14+ 7
LACE_L = [0, 1, 2, 3, 4, 4, 4, 5, 5, 5, 7, 7, 7, 7]


def test_prior_acute_stays_at_the_window_boundaries(design_extract):
    row = design_extract["with"].loc[10]
    assert row.prior_acute_365 == 5
    assert row.prior_acute_365_band == "4+"
    assert row.prior_acute_6m == 3


def test_prior_acute_stays_of_the_earlier_stays(design_extract):
    d = design_extract["with"]
    # stay 2 (2018-06-01): stay 1 (2018-05-31) is one day before it
    assert d.loc[2, "prior_acute_365"] == 1 and d.loc[2, "prior_acute_6m"] == 1
    # stay 6 (2019-03-01): its 365 days start 2018-03-01: acute 1, 2, 3, 4 (the planned
    # 5 does not count) = 4; its 6 months start 2018-09-01: 3 and 4 = 2
    assert d.loc[6, "prior_acute_365"] == 4 and d.loc[6, "prior_acute_6m"] == 2
    assert d.loc[1, "prior_acute_365"] == 0


def test_lace_and_charlson_of_the_index_stay(design_extract):
    row = design_extract["with"].loc[10]
    assert (row.los_days, row.los_band, row.urgency) == (3, "3-4", "1")
    assert (row.charlson_index, row.charlson_band) == (1, "1")
    assert (row.lace_l, row.lace_a, row.lace_c, row.lace_e, row.lace_score) == (3, 3, 1, 3, 10)
    # SKDE's lookback alone: the stay's own I50.0 does not count
    without = design_extract["without"].loc[10]
    assert (without.charlson_index, without.lace_c, without.lace_score) == (0, 0, 9)


@pytest.mark.parametrize("i", range(len(AGES)))
def test_age_and_los_bands(design_extract, i):
    row = design_extract["with"].loc[100 + i]
    assert row.age_band == AGE_BANDS[i]
    assert row.los_days == LOS[i] and row.los_band == LOS_BANDS[i]
    assert row.lace_l == LACE_L[i]
    planned = i in (3, 7)
    assert row.urgency == ("4" if planned else "1")
    assert row.lace_a == (0 if planned else 3)
    assert row.sex == ["male", "female", "unknown"][i % 3]
    assert row.ready_for_discharge == ("1" if i == 5 else "0")
    assert row.lace_score == row.lace_l + row.lace_a + row.lace_c + row.lace_e


def test_a_stays_municipality_is_its_first_episodes(design_extract):
    row = design_extract["with"].loc[200]
    assert (row["institusjonID"], row.komnr) == ("HBE", "1106")
    assert row.los_days == 5
    assert 201 not in design_extract["with"].index


def test_only_eligible_index_stays(design_extract):
    d = design_extract["with"]
    # 9 stays of a (the day contact 7 is none), 14 of b, 1 of c
    assert len(d) == 8 + 14 + 1
    assert set(d.sector) == {"somatic", "vop"}


# ------------------------------------------------------------------ observed / expected
@pytest.fixture(scope="module")
def oe_extract(tmp_path_factory):
    """Eight index stays, one per person, admitted 2019-01-05, discharged 01-08;
    a readmission (admitted 01-20, discharged 01-25) follows some. With the end
    of the data 2019-02-10 the index stays have 33 days of follow-up and the
    readmissions 16: only the eight are eligible.

    Helse Bergen:  women w1 (readmitted), w2, w3; man m1 (readmitted)
    Helse Fonna:   woman w4; men m2 (readmitted), m3, m4
    With sex alone the model is saturated: women 1/4, men 2/4.
    E(Helse Bergen) = 3 x 1/4 + 1 x 1/2 = 1.25, O = 2, O/E = 1.6
    E(Helse Fonna)  = 1 x 1/4 + 3 x 1/2 = 1.75, O = 1, O/E = 4/7
    Overall rate 3/8: standardised rates 1.6 x 3/8 = 0.6 and 4/7 x 3/8 = 3/14.
    Municipalities: w1, w2, m2 live in 4601; the others in 1106.
    4601: w1 (1/4, readmitted), w2 (1/4), m2 (1/2, readmitted): E = 1, O = 2
    1106: w3, w4 (1/4 each), m1 (1/2, readmitted), m3, m4 (1/2 each): E = 2, O = 1
    """
    people = [("w1", "HBE", 2, True, "4601"), ("w2", "HBE", 2, False, "4601"),
              ("w3", "HBE", 2, False, "1106"), ("m1", "HBE", 1, True, "1106"),
              ("w4", "HFO", 2, False, "1106"), ("m2", "HFO", 1, True, "4601"),
              ("m3", "HFO", 1, False, "1106"), ("m4", "HFO", 1, False, "1106")]
    episodes, persons = [], []
    for i, (pid, trust, sex, readmitted, komnr) in enumerate(people):
        episodes.append(ep(pid, 10 * i + 1, "2019-01-05 10:00", "2019-01-08 12:00",
                           institusjonID=trust, kjonn=sex, komnr=komnr))
        if readmitted:
            episodes.append(ep(pid, 10 * i + 2, "2019-01-20 10:00", "2019-01-25 12:00",
                               institusjonID=trust, kjonn=sex, komnr=komnr))
        persons.append(person(pid, kjonn=sex, komnr=komnr))
    d = tmp_path_factory.mktemp("oe")
    write_extract(d, episodes, persons=persons)
    ex = readmit.open(d)
    yield ex
    ex.close()


def test_observed_expected_by_hand(oe_extract):
    r = readmit.Readmissions(oe_extract, end_date="2019-02-10")
    model = risk_model(r, covariates=["sex"])
    assert model.patterns.set_index("sex").predicted.to_dict() == pytest.approx(
        {"female": 0.25, "male": 0.5}, abs=1e-8)
    t = observed_expected(model).set_index("unit")
    assert t.loc["HBE", ["n_index", "observed"]].tolist() == [4, 2]
    assert t.loc["HFO", ["n_index", "observed"]].tolist() == [4, 1]
    assert t.expected.to_dict() == pytest.approx({"HBE": 1.25, "HFO": 1.75})
    assert t.ratio.to_dict() == pytest.approx({"HBE": 1.6, "HFO": 4 / 7})
    assert t.crude_rate.to_dict() == pytest.approx({"HBE": 0.5, "HFO": 0.25})
    assert t.overall_rate.tolist() == pytest.approx([3 / 8, 3 / 8])
    assert t.standardised_rate.to_dict() == pytest.approx({"HBE": 0.6, "HFO": 3 / 14})
    # Garwood's exact 95 % limits for a count of 2: 0.2422 and 7.2247, over E = 1.25
    assert t.loc["HBE", "ci_low"] == pytest.approx(0.2422 / 1.25, abs=1e-4)
    assert t.loc["HBE", "ci_high"] == pytest.approx(7.2247 / 1.25, abs=1e-4)
    assert t.loc["HBE", "unit_name"] == "Helse Bergen"
    assert t.sector.unique().tolist() == ["somatic"]


def test_observed_expected_by_municipality(oe_extract):
    r = readmit.Readmissions(oe_extract, end_date="2019-02-10")
    t = observed_expected(risk_model(r, covariates=["sex"]), unit="komnr").set_index("unit")
    assert t.observed.to_dict() == {"1106": 1, "4601": 2}
    assert t.expected.to_dict() == pytest.approx({"1106": 2.0, "4601": 1.0})
    assert t.loc["4601", "unit_name"] == "Bergen"
    by_year = observed_expected(risk_model(r, covariates=["sex"]), unit="municipality",
                                by_year=True)
    assert by_year.year.unique().tolist() == [2019]
    with pytest.raises(ParameterError, match="year: no eligible index stays in 2018"):
        observed_expected(r, year=2018)
    with pytest.raises(ParameterError, match="unit must be"):
        observed_expected(r, unit="hospital")
    with pytest.raises(ParameterError, match="sector must be"):
        observed_expected(r, sector="vop")


def test_prior_acute_windows_equal_a_join_on_person_and_date_range(small_extract):
    """int_stay_prior_acute (two window passes) against the plain join it
    replaced, stay by stay, on every stay of the small extract."""
    with readmit.open(small_extract) as ex:
        r = readmit.Readmissions(ex)
        got = r.frame("SELECT stay_id, n_365, n_6m FROM int_stay_prior_acute ORDER BY stay_id")
        want = r.frame("""
            SELECT s.stay_id,
                   CAST(count(a.person_id) AS INTEGER) AS n_365,
                   CAST(count(a.person_id) FILTER (
                       WHERE a.admission_date >= CAST(s.admission_date - INTERVAL 6 MONTH AS DATE))
                        AS INTEGER) AS n_6m
            FROM int_stays AS s
            LEFT JOIN (SELECT * FROM int_stays WHERE urgency IN (1, 2, 3)) AS a
                   ON a.person_id = s.person_id AND a.admitted_at < s.admitted_at
                  AND a.admission_date >= s.admission_date - 365
            GROUP BY s.stay_id ORDER BY s.stay_id""")
    assert len(got) > 1000 and got["n_365"].sum() > 100
    pd.testing.assert_frame_equal(got, want)
