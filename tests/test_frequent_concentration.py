"""Resource concentration (definitions.md, Frequent users): top-k shares, Gini,
Lorenz curve and persistence on hand-made extracts, worked out by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import readmit
from readmit.cli import main
from tests.extract_builder import ep, write_extract


def one_stay_each(days: list[int], *, year: int = 2019, sektor: int = 1, first_id: int = 1,
                  korrvekt: list[float] | None = None, prefix: str = "p") -> list[dict]:
    """One inpatient stay per person, admitted 1 March and lasting ``days[i]`` days."""
    out = []
    for i, d in enumerate(days):
        start = pd.Timestamp(f"{year}-03-01 10:00")
        end = start + pd.Timedelta(days=d)
        out.append(ep(f"{prefix}{i}", first_id + i, start.strftime("%Y-%m-%d %H:%M"),
                      end.strftime("%Y-%m-%d %H:%M"), sektor=sektor,
                      korrvekt=None if korrvekt is None else korrvekt[i]))
    return out


def concentration_of(tmp_path, episodes) -> pd.DataFrame:
    write_extract(tmp_path, episodes)
    with readmit.open(tmp_path) as ex:
        return readmit.Readmissions(ex).resource_concentration()


def test_equal_use_gives_gini_0_and_top_shares_equal_to_their_size(tmp_path):
    # 100 persons, 3 bed days and DRG weight 1.0 each: the top 1 % (1 person)
    # use 3/300 = 1 %, the top 5 % (5 persons) 15/300 = 5 %, the top 10 %
    # 30/300 = 10 %; Gini = 2 * 3 * (1 + ... + 100) / (100 * 300) - 101/100
    # = 2 * 3 * 5050 / 30000 - 1.01 = 1.01 - 1.01 = 0.
    c = concentration_of(tmp_path, one_stay_each([3] * 100, korrvekt=[1.0] * 100))
    assert c.measure.tolist() == ["bed_days", "drg_weight"]
    for _, row in c.iterrows():
        assert row.n_persons == 100
        assert row.top1_share == pytest.approx(0.01)
        assert row.top5_share == pytest.approx(0.05)
        assert row.top10_share == pytest.approx(0.10)
        assert row.gini == pytest.approx(0.0, abs=1e-12)


def test_one_person_using_everything_among_100(tmp_path):
    # 99 same-day stays (0 bed days, korrvekt 0) and one of 10 days (korrvekt
    # 5): the top 1 % is that one person, with 100 %. Gini = 2 * 100 * 10 /
    # (100 * 10) - 101/100 = 2 - 1.01 = 0.99 = (n - 1) / n.
    days = [0] * 99 + [10]
    weights = [0.0] * 99 + [5.0]
    c = concentration_of(tmp_path, one_stay_each(days, korrvekt=weights))
    for _, row in c.iterrows():
        assert row.n_persons == 100 and row.n_top1 == 1
        assert row.top1_share == pytest.approx(1.0)
        assert row.top10_share == pytest.approx(1.0)
        assert row.gini == pytest.approx(0.99)


def test_five_persons_by_hand(tmp_path):
    # bed days 1, 2, 3, 4, 10 (total 20). n = 5: the top 1 %, 5 % and 10 %
    # are ceil(5/100) = ceil(25/100) = ceil(50/100) = 1 person: 10/20 = 0.5.
    # Gini: x ascending 1, 2, 3, 4, 10; sum i*x = 1 + 4 + 9 + 16 + 50 = 80;
    # 2 * 80 / (5 * 20) - 6/5 = 1.6 - 1.2 = 0.4.
    c = concentration_of(tmp_path, one_stay_each([1, 2, 3, 4, 10]))
    bed = c[c.measure == "bed_days"].iloc[0]
    assert (bed.n_persons, bed.n_top1, bed.n_top5, bed.n_top10) == (5, 1, 1, 1)
    assert (bed.top1_share, bed.top5_share, bed.top10_share) == pytest.approx((0.5, 0.5, 0.5))
    assert bed.gini == pytest.approx(0.4)


def test_ties_at_the_edge_of_the_top_do_not_change_the_share(tmp_path):
    # 21 persons: four with 5 bed days, seventeen with 1 (total 20 + 17 = 37).
    # The top 10 % is ceil(210/100) = 3 persons: any 3 of the 4 tied give
    # 15/37. The top 5 % is ceil(105/100) = 2 persons: 10/37.
    c = concentration_of(tmp_path, one_stay_each([5, 1, 1, 5, 1, 1, 1, 5, 1, 1, 1,
                                                  1, 1, 1, 5, 1, 1, 1, 1, 1, 1]))
    bed = c[c.measure == "bed_days"].iloc[0]
    assert bed.n_top10 == 3 and bed.top10_share == pytest.approx(15 / 37)
    assert bed.n_top5 == 2 and bed.top5_share == pytest.approx(10 / 37)


def test_drg_weight_counts_every_episode_and_its_own_persons(tmp_path):
    # p0: a 2-day stay (korrvekt 1.0) and an outpatient episode (omsorgsniva 3,
    # korrvekt 0.5) in 2019; p1: only an outpatient episode (korrvekt 0.5).
    # Bed days: 1 person (p0, 2 days). DRG weight: 2 persons, 1.5 and 0.5,
    # total 2.0; the top person (ceil(2/100) = 1) uses 1.5/2 = 75 %; Gini =
    # 2 * (1 * 0.5 + 2 * 1.5) / (2 * 2) - 3/2 = 1.75 - 1.5 = 0.25.
    episodes = [
        ep("p0", 1, "2019-03-01 10:00", "2019-03-03 10:00", korrvekt=1.0),
        ep("p0", 2, "2019-05-01 10:00", "2019-05-01 11:00", omsorgsniva=3, korrvekt=0.5),
        ep("p1", 3, "2019-05-01 10:00", "2019-05-01 11:00", omsorgsniva=3, korrvekt=0.5),
    ]
    c = concentration_of(tmp_path, episodes).set_index("measure")
    assert c.loc["bed_days", "n_persons"] == 1 and c.loc["bed_days", "total_use"] == 2
    assert c.loc["drg_weight", "n_persons"] == 2
    assert c.loc["drg_weight", "total_use"] == pytest.approx(2.0)
    assert c.loc["drg_weight", "top1_share"] == pytest.approx(0.75)
    assert c.loc["drg_weight", "gini"] == pytest.approx(0.25)


def reference_top_share(x: np.ndarray, k: int) -> float:
    m = math.ceil(k * len(x) / 100)
    return float(np.sort(x)[::-1][:m].sum() / x.sum())


def reference_gini(x: np.ndarray) -> float:
    """Half the relative mean absolute difference: sum_ij |x_i - x_j| / (2 n^2 mean),
    an independent formula for the same population Gini."""
    n = len(x)
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * n * n * x.mean()))


def test_many_groups_against_a_reference(tmp_path):
    # Outpatient episodes with random korrvekt (zeros and ties included) in
    # 3 sectors x 2 years: every group's shares against a sort in numpy and
    # its Gini against the mean-absolute-difference formula.
    rng = np.random.default_rng(7)
    episodes, expected, lnr = [], {}, 1
    for sektor, sector in ((1, "somatic"), (2, "vop"), (3, "tsb")):
        for year in (2018, 2019):
            n = int(rng.integers(30, 260))
            w = np.round(rng.choice([0.0, 0.25, 1.0], n) * rng.gamma(0.7, 2.0, n), 2)
            for i, v in enumerate(w):
                episodes.append(ep(f"{sector}{year}_{i}", lnr, f"{year}-06-01 10:00",
                                   f"{year}-06-01 11:00", sektor=sektor, omsorgsniva=3,
                                   korrvekt=float(v)))
                lnr += 1
            expected[(year, sector)] = w
    c = concentration_of(tmp_path, episodes)
    drg = c[c.measure == "drg_weight"].set_index(["year", "sector"])
    for key, w in expected.items():
        row = drg.loc[key]
        assert row.n_persons == len(w)
        for k in (1, 5, 10):
            assert row[f"top{k}_share"] == pytest.approx(reference_top_share(w, k))
        assert row.gini == pytest.approx(reference_gini(w))


def test_lorenz_curve_of_equal_and_of_concentrated_use(tmp_path):
    days = [0] * 99 + [10]
    write_extract(tmp_path / "one", one_stay_each(days))
    write_extract(tmp_path / "equal", one_stay_each([3] * 100))
    with readmit.open(tmp_path / "one") as ex:
        one = readmit.Readmissions(ex).lorenz_curve(points=4)
    with readmit.open(tmp_path / "equal") as ex:
        equal = readmit.Readmissions(ex).lorenz_curve(points=4)
    # equal use: the bottom 0, 25, 50, 75, 100 persons use exactly their share
    assert equal.n_below.tolist() == [0, 25, 50, 75, 100]
    assert equal.use_share.tolist() == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    # one person uses everything: the bottom 99 % use nothing
    assert one.use_share.tolist() == pytest.approx([0, 0, 0, 0, 1.0])
    assert one.n_above.tolist() == [100, 75, 50, 25, 0]


def test_persistence_of_the_top_users(tmp_path):
    # Somatic: 20 persons in 2018 and in 2019; the top 5 % is ceil(100/100) = 1
    # person. s0 tops both years (10 days, then 9): persistence 1/1. VOP: v0
    # tops 2018, v1 tops 2019: persistence 0/1. 2019 has no next year: no row.
    eps = one_stay_each([10] + [1] * 19, year=2018, prefix="s")
    eps += one_stay_each([9] + [1] * 19, year=2019, prefix="s", first_id=100)
    eps += one_stay_each([8, 1, 1], year=2018, sektor=2, prefix="v", first_id=200)
    eps += one_stay_each([1, 8, 1], year=2019, sektor=2, prefix="v", first_id=300)
    write_extract(tmp_path, eps)
    with readmit.open(tmp_path) as ex:
        p = readmit.Readmissions(ex).top_user_persistence(measure="bed_days")
    assert p[["year", "sector", "n_top", "n_still_top", "persistence"]].values.tolist() == [
        [2018, "somatic", 1, 1, 1.0], [2018, "vop", 1, 0, 0.0]]


def test_cli_columns_and_small_top_shares(tmp_path):
    # 100 somatic persons: the top 1 % and 5 % are 1 and 5 persons, so the
    # top 1 % share is computed from fewer than 5 persons and shows <5; the
    # top 5 % (5 persons) and 10 % (10) and the Gini (100) are shown.
    write_extract(tmp_path / "x", one_stay_each(list(range(100))))
    out = tmp_path / "c.csv"
    assert main(["analyse", str(tmp_path / "x"), "concentration", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str)
    assert list(table.columns) == ["year", "sector", "measure", "n_persons", "top1_share",
                                   "top5_share", "top10_share", "gini"]
    bed = table[table.measure == "bed_days"].iloc[0]
    assert bed.top1_share == "<5" and bed.n_persons == "100"
    # top 5 %: 99 + 98 + 97 + 96 + 95 = 485 of 4950
    assert float(bed.top5_share) == pytest.approx(485 / 4950, abs=5e-5)
