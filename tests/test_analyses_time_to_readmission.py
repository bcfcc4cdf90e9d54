"""Time to readmission (definitions.md): hand-built extracts -> expected rows,
a property test of the SQL cohort against a plain reference, the small
extract's day-30 incidence against the crude 30-day share, and the CLI."""
from __future__ import annotations

import datetime as dt
import math
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from extract_builder import ep, person, write_extract  # noqa: E402
import reference_readmissions as ref  # noqa: E402
from test_readmission_properties import extracts, rule_params  # noqa: E402

import readmit  # noqa: E402
from readmit.analyses import TIME_TO_READMISSION_COLUMNS  # noqa: E402
from readmit.cli import main  # noqa: E402
from readmit.errors import ParameterError  # noqa: E402

Z = 1.959963984540054


@pytest.fixture(scope="module")
def hand_extract(tmp_path_factory):
    """Seven somatic index stays and one VOP stay; the end of the data is the
    latest discharge, 2019-03-31 (all acute, HBE, age 70 unless said).

    p1  S1 2019-01-01 08:00 - 01-05 10:00, readmitted by S2 at 01-05 21:00 (11 h
           later: a stay of its own) -> readmission on day 0
        S2 01-05 21:00 - 01-07 10:00, nothing later -> censored at the end of the
           data: 2019-03-31 - 01-07 = 24 + 28 + 31 = 83 days
    p2  S3 01-08 - 01-10, readmitted by S4 on 01-12 and dead on 01-12 (S4 ends
           with death: not an index stay) -> the tie counts as readmission, day 2
    p3  S5 01-08 - 01-10, a planned stay 01-11 - 01-12 (never a readmission)
           that ends with death on 01-12 -> death on day 2 (competing)
    p4  S6 01-05 - 01-10, next acute stay S7 on 03-01 -> readmission on day
           21 + 28 + 1 = 50 (any distance, not only 30 days)
        S7 03-01 - 03-02 -> censored at 03-31 - 03-02 = 29 days
    p5  S8 03-25 - 03-29 -> censored at the end of the data: 2 days
        V1 03-30 - 03-31, VOP (another sector: not S8's readmission) ->
           censored on day 0 in the VOP group
    """
    episodes = [
        ep("p1", 1, "2019-01-01 08:00", "2019-01-05 10:00"),
        ep("p1", 2, "2019-01-05 21:00", "2019-01-07 10:00"),
        ep("p2", 3, "2019-01-08 09:00", "2019-01-10 12:00"),
        ep("p2", 4, "2019-01-12 08:00", "2019-01-12 20:00", uttilstand=2),
        ep("p3", 5, "2019-01-08 09:00", "2019-01-10 12:00"),
        ep("p3", 6, "2019-01-11 09:00", "2019-01-12 10:00", innmateHast=4, uttilstand=2),
        ep("p4", 7, "2019-01-05 09:00", "2019-01-10 12:00"),
        ep("p4", 8, "2019-03-01 09:00", "2019-03-02 12:00"),
        ep("p5", 9, "2019-03-25 09:00", "2019-03-29 12:00"),
        ep("p5", 10, "2019-03-30 09:00", "2019-03-31 12:00", sektor=2),
    ]
    persons = [person("p1"), person("p2", doddato="2019-01-12"),
               person("p3", doddato="2019-01-12"), person("p4"), person("p5")]
    out = tmp_path_factory.mktemp("ttr") / "extract"
    write_extract(out, episodes, persons)
    return out


def test_hand_cohort_day_by_day(hand_extract):
    # Somatic, horizon 60: day 0 n=7 d1=1 (S1); day 2 n=6 d1=1 (S3, the tie)
    # d2=1 (S5) c=1 (S8); days 3-29 n=3; day 29 c=1 (S7); day 30-50 n=2 (S6, S2);
    # day 50 d1=1 (S6); days 51-60 n=1 (S2), censored at the horizon on day 60.
    # All-cause S: S(0)=6/7, S(2)=6/7*4/6=4/7, S(50)=4/7*1/2=2/7.
    # F1: 1/7 on day 0; + S(1)*1/6 = 1/7 on day 2 -> 2/7; + S(49)*1/2 = 2/7 on
    # day 50 -> 4/7. F2 = S(1)*1/6 = 1/7 from day 2.
    # 1-KM (death censored): KM(0)=6/7, KM(2)=6/7*5/6=5/7, KM(50)=5/7*1/2=5/14:
    # 1-KM(50) = 9/14 = 0.643 > F1(50) = 4/7 = 0.571.
    with readmit.open(hand_extract) as ex:
        r = readmit.Readmissions(ex)
        assert r.end_date == dt.date(2019, 3, 31)
        table = r.time_to_readmission(by="sector", horizon_days=60)
    som = table[table["group"] == "somatic"].set_index("day")
    assert len(som) == 61 and som.index.tolist() == list(range(61))
    assert som.loc[[0, 1, 2, 3, 29, 30, 50, 51, 60], "n_at_risk"].tolist() == \
        [7, 6, 6, 3, 3, 2, 2, 1, 1]
    assert som.loc[[0, 2, 50], "n_readmitted"].tolist() == [1, 1, 1]
    assert som["n_readmitted"].sum() == 3 and som["n_died"].sum() == 1
    assert som.loc[2, "n_died"] == 1
    assert som.loc[[2, 29, 60], "n_censored"].tolist() == [1, 1, 1]
    assert som["n_censored"].sum() == 3
    assert som.loc[[0, 1, 2, 49, 50, 60], "cif_readmission"].tolist() == \
        pytest.approx([1 / 7, 1 / 7, 2 / 7, 2 / 7, 4 / 7, 4 / 7])
    assert som.loc[[0, 1, 2, 60], "cif_death"].tolist() == pytest.approx([0, 0, 1 / 7, 1 / 7])
    assert som.loc[[2, 50], "one_minus_km"].tolist() == pytest.approx([2 / 7, 9 / 14])
    # Day 0, no censoring yet: binomial variance (1/7)(6/7)/7 = 6/343, and its
    # log(-log) interval F^exp(±z se/(F log F)).
    f, se = 1 / 7, math.sqrt(6 / 343)
    assert som.loc[0, "se_readmission"] == pytest.approx(se)
    theta = Z * se / (f * math.log(f))
    assert som.loc[0, ["ci_low", "ci_high"]].tolist() == \
        pytest.approx([f ** math.exp(-theta), f ** math.exp(theta)])
    # Day 2: still no censoring before it: binomial (2/7)(5/7)/7 = 10/343.
    assert som.loc[2, "se_readmission"] == pytest.approx(math.sqrt(10 / 343))
    # VOP: one stay discharged on the last day, censored on day 0.
    vop = table[table["group"] == "vop"]
    assert vop["n_at_risk"].iloc[0] == 1 and vop["n_censored"].iloc[0] == 1
    assert (vop["n_at_risk"].iloc[1:] == 0).all() and (vop["cif_readmission"] == 0).all()


def test_horizon_censors_later_events_and_groups(hand_extract):
    # Horizon 30: S6's readmission on day 50 and S2 (83 days) are censored on day 30.
    with readmit.open(hand_extract) as ex:
        r = readmit.Readmissions(ex)
        table = r.time_to_readmission(horizon_days=30)
        assert table["group"].unique().tolist() == ["all"]      # 7 somatic + 1 VOP
        assert table["n_at_risk"].iloc[0] == 8
        assert table["day"].max() == 30
        last = table.iloc[-1]
        # day 0: VOP V1 censored, S1 readmitted; day 2: S3, S5, S8; day 29: S7
        assert (last["n_at_risk"], last["n_censored"]) == (2, 2)
        assert table["n_readmitted"].sum() == 2 and table["n_died"].sum() == 1
        by_ready = r.time_to_readmission(by="ready_for_discharge", horizon_days=5)
        assert by_ready["group"].unique().tolist() == [False]
        by_age = r.time_to_readmission(by="age_band", horizon_days=5)
        assert by_age["group"].unique().tolist() == ["67-79"]
        by_trust = r.time_to_readmission(by="trust", horizon_days=5)
        assert by_trust["group"].unique().tolist() == ["HBE"]


def test_end_date_moves_the_censoring(hand_extract):
    # With the end of the data at 2019-02-28: S6's readmission (03-01) is after it
    # -> censored at 02-28 - 01-10 = 49 days; S7, S8 and V1 are discharged after
    # it and are not in the cohort (5 somatic stays).
    with readmit.open(hand_extract) as ex:
        table = readmit.Readmissions(ex, end_date="2019-02-28").time_to_readmission(
            horizon_days=60)
    assert table["n_at_risk"].iloc[0] == 5
    assert table.loc[table["day"] == 49, "n_censored"].item() == 1
    assert table["n_readmitted"].sum() == 2


def test_bad_parameters_name_the_python_parameter(hand_extract):
    with readmit.open(hand_extract) as ex:
        r = readmit.Readmissions(ex)
        with pytest.raises(ParameterError, match="horizon_days"):
            r.time_to_readmission(horizon_days=0)
        with pytest.raises(ParameterError, match="horizon_days"):
            r.time_to_readmission(horizon_days=30.5)
        with pytest.raises(ParameterError, match="by: cannot group by 'colour'"):
            r.time_to_readmission(by="colour")
        with pytest.raises(ParameterError, match="one grouping"):
            r.time_to_readmission(by="sector,age_band")
        with pytest.raises(ParameterError, match="sectors"):
            r.days_to_readmission_by_los(sectors=["icu"])


def test_days_to_readmission_by_los_by_hand(hand_extract):
    # Horizon 5 days, end 2019-03-31: complete follow-up for stays discharged by
    # 03-26: S1 (LOS 4, band 3-4, readmitted day 0), S2 (LOS 2, not readmitted),
    # S3 (LOS 2, readmitted day 2), S5 (LOS 2, died), S6 (LOS 5, band 5-7, its
    # readmission on day 50 is past the horizon), S7 (LOS 1). S8 (03-29) is out.
    with readmit.open(hand_extract) as ex:
        table = readmit.Readmissions(ex).days_to_readmission_by_los(
            sectors="somatic", horizon_days=5).set_index("los_band")
    assert table.index.tolist() == ["1", "2", "3-4", "5-7"]
    assert table["n_index"].tolist() == [1, 3, 1, 1]
    assert table["n_readmitted"].tolist() == [0, 1, 1, 0]
    assert table.loc["2", "median"] == 2 and table.loc["3-4", "median"] == 0
    assert table.loc["2", "rate"] == pytest.approx(1 / 3)
    assert pd.isna(table.loc["1", "median"])


# --------------------------------------------------------------------------- property
EXAMPLES = int(os.environ.get("READMIT_PROPERTY_EXAMPLES_TTR", "12"))


def reference_outcomes(episodes, persons, params):
    """(status, days) per index stay, from definitions.md with plain loops."""
    end = params.get("end_date")
    end = dt.date.fromisoformat(end) if end else max(e["utdato"] for e in episodes)
    stays = ref.build_stays(episodes, params["transfer_hours"])
    index = ref.index_stays(episodes, persons, **params)
    death = {p["lopenr"]: p["doddato"] for p in persons}
    out = []
    for s in index:
        day0 = s["discharged_at"].date()
        if day0 > end:
            continue
        later = [o["admitted_at"] for o in stays
                 if o["lopenr"] == s["lopenr"] and o["urgency"] in ref.ACUTE
                 and o["admitted_at"] > s["discharged_at"]
                 and (params["sector"] == "all" or o["sector"] == s["sector"])]
        t_r = (min(later).date() - day0).days if later and min(later).date() <= end else None
        d = death[s["lopenr"]]
        t_d = (d - day0).days if d is not None and d <= end else None
        if t_r is not None and (t_d is None or t_r <= t_d):
            out.append((1, t_r))
        elif t_d is not None:
            out.append((2, t_d))
        else:
            out.append((0, (end - day0).days))
    return out


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(st.data())
def test_sql_cohort_equals_a_plain_reference(tmp_path_factory, data):
    params = data.draw(rule_params())
    episodes, persons = data.draw(extracts(params))
    horizon = data.draw(st.sampled_from([10, 40, 365]))
    folder = tmp_path_factory.mktemp("ttrp")
    rows = write_extract(folder, episodes, persons)
    expected = reference_outcomes(rows.episodes, rows.persons, params)
    with readmit.open(folder) as ex:
        table = readmit.Readmissions(ex, **params).time_to_readmission(horizon_days=horizon)
    if not expected:
        assert table.empty
        return
    counts = {k: [0] * (horizon + 1) for k in (0, 1, 2)}
    for status, days in expected:
        if days > horizon:
            status, days = 0, horizon
        counts[status][days] += 1
    assert table["n_readmitted"].tolist() == counts[1]
    assert table["n_died"].tolist() == counts[2]
    assert table["n_censored"].tolist() == counts[0]
    assert table["n_at_risk"].iloc[0] == len(expected)
    assert (table["cif_readmission"] + table["cif_death"] <= 1 + 1e-12).all()


# --------------------------------------------------------------------------- small extract
def test_day_30_incidence_is_close_to_the_crude_30_day_share(small_extract):
    # Index stays of 2014-2018 all have complete follow-up (the data run to the end
    # of 2019), so nobody is censored before day 30, and with keep_deaths=True the
    # rate's denominator is the same cohort (the dead stay in it, as in the
    # cumulative incidence). Without censoring the Aalen-Johansen estimate is the
    # empirical share: CIF(30) = stays readmitted on calendar day <= 30 (before
    # or on the day of any death) / N, while the crude share counts a readmission
    # within 30 x 24 hours. Within 720 h implies day <= 30, so the difference is
    # exactly the stays first readmitted on day 30 but more than 720 h after
    # discharge: 0 <= CIF(30) - crude <= (first readmissions on day 30) / N,
    # about 1/30 of a month's readmissions, well under half a percentage point.
    with readmit.open(small_extract) as ex:
        r = readmit.Readmissions(ex, years=(2014, 2018), keep_deaths=True)
        cif = r.time_to_readmission(horizon_days=30)
        crude = r.rates(by=None)
    n = crude["n_index"].item()
    assert cif["n_at_risk"].iloc[0] == n
    assert cif.loc[cif["day"] < 30, "n_censored"].sum() == 0
    at30 = cif.iloc[30]
    difference = at30["cif_readmission"] - crude["rate"].item()
    assert 0 <= difference <= at30["n_readmitted"] / n + 1e-12
    assert abs(difference) < 0.005
    assert at30["ci_low"] < at30["cif_readmission"] < at30["ci_high"]
    assert at30["one_minus_km"] > at30["cif_readmission"]   # deaths exist: 1-KM overstates


# --------------------------------------------------------------------------- CLI
def test_cli_writes_exactly_the_issue_columns_suppressed(small_extract, tmp_path, capsys):
    out = tmp_path / "ttr.csv"
    assert main(["analyse", str(small_extract), "time-to-readmission", "--by", "sector",
                 "--horizon-days", "365", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert list(table.columns) == TIME_TO_READMISSION_COLUMNS
    assert sorted(table["group"].unique()) == ["somatic", "tsb", "vop"]
    assert len(table) == 3 * 366
    assert table.groupby("group")["day"].apply(lambda d: d.astype(int).tolist()
                                              == list(range(366))).all()
    # a small risk set or 1-4 events so far are <5, with what is computed from them
    small = table["n_at_risk"] == "<5"
    assert (table.loc[small, ["cif_readmission", "ci_low", "ci_high", "cif_death"]]
            == "<5").all().all()
    numeric = pd.to_numeric(table["n_at_risk"], errors="coerce")
    assert not numeric.between(1, 4).any()
    first_day = table[(table["group"] == "somatic")].iloc[0]
    assert float(first_day["cif_death"]) == 0.0    # no death on day 0: 0 is shown


def test_cli_bad_group_and_horizon_one_line_exit_2(small_extract, capsys):
    for args, words in ((["--by", "colour"], "by: cannot group by"),
                        (["--horizon-days", "-3"], "horizon_days must be")):
        assert main(["analyse", str(small_extract), "time-to-readmission", *args]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and words in err[0]
    with pytest.raises(SystemExit) as exit_:
        main(["analyse", str(small_extract), "no-such-analysis"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "invalid choice" in err[0]
