"""Heavy users in hospital (stormottakere): 4 or more acute stays whose
admissions fall within 365 days, the fourth at most 364 days after the first."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import readmit
from readmit.cli import main
from tests.extract_builder import ep, write_extract

D0 = dt.date(2019, 1, 1)


def stays_on(person: str, days: list[int], first_id: int, **overrides) -> list[dict]:
    """One-day stays admitted ``days`` after 1 January 2019 (10:00 to 12:00 the next day)."""
    out = []
    for i, d in enumerate(days):
        start = dt.datetime.combine(D0 + dt.timedelta(days=d), dt.time(10))
        end = start + dt.timedelta(days=1, hours=2)
        out.append(ep(person, first_id + i, start.strftime("%Y-%m-%d %H:%M"),
                      end.strftime("%Y-%m-%d %H:%M"), **overrides))
    return out


@pytest.fixture(scope="module")
def heavy(tmp_path_factory):
    path = tmp_path_factory.mktemp("heavy")
    episodes = (
        # day364: admissions on days 0, 100, 200, 364: the fourth is 364 days
        # after the first (2019-12-31) - a heavy user in 2019
        stays_on("day364", [0, 100, 200, 364], 1)
        # day365: days 0, 100, 200, 365 (2020-01-01): 365 days - not one
        + stays_on("day365", [0, 100, 200, 365], 11)
        # planned: three acute stays and a planned one (innmateHast 4) in 60 days - not one
        + stays_on("planned", [0, 20, 40], 21)
        + stays_on("planned", [60], 24, innmateHast=4)
        # sliding: days 0, 200, 300, 400, 500: the first four span 400 days, the
        # second to fifth 300 (the window is not anchored at the first stay) -
        # a heavy user in 2020 (day 500 = 2020-05-15), not in 2019
        + stays_on("sliding", [0, 200, 300, 400, 500], 31)
        # transfer: four acute episodes, two of them 3 hours apart (one stay) -
        # three stays, not a heavy user
        + stays_on("transfer", [0, 30, 60], 41)
        + [ep("transfer", 44, "2019-03-03 15:00", "2019-03-05 10:00")]
    )
    write_extract(path, episodes)
    with readmit.open(path) as ex:
        r = readmit.Readmissions(ex)
        years = r.frame("SELECT person_id, year, qualified_on, n_qualifying "
                        "FROM mart_heavy_user_years ORDER BY person_id, year")
        shares = r.heavy_user_shares()
        persons = r.heavy_user_persons()
    return path, years, shares, persons


def test_the_fourth_admission_on_day_364_counts_and_on_day_365_does_not(heavy):
    _, years, _, _ = heavy
    assert years.values.tolist() == [
        ["day364", 2019, pd.Timestamp("2019-12-31"), 1],
        ["sliding", 2020, pd.Timestamp("2020-05-15"), 1],
    ]


def test_persons_flag_heavy_users_of_any_year(heavy):
    _, _, _, persons = heavy
    flags = dict(zip(persons.lopenr, persons.heavy_user))
    assert flags == {"day364": True, "day365": False, "planned": False, "sliding": True,
                     "transfer": False}
    row = persons.set_index("lopenr").loc["transfer"]
    assert (row.n_stays, row.n_acute_stays) == (3, 3)
    row = persons.set_index("lopenr").loc["planned"]
    assert (row.n_stays, row.n_acute_stays) == (4, 3)


def test_shares_by_year_by_hand(heavy):
    _, _, shares, _ = heavy
    s = shares.set_index("year")
    # 2019: stays discharged in 2019 - day364: 3 (day 364's stay ends on
    # 2020-01-01); day365: 3; planned: 4; sliding: 2 (days 0, 200; day 300 =
    # 2019-10-28 is a third); transfer: 3. sliding's 3 stays: days 0, 200, 300.
    # So 3 + 3 + 4 + 3 + 3 = 16 stays; the heavy user of 2019 is day364 (3 stays
    # discharged in 2019). Every stay lasts 1 day (10:00 to 12:00 next day),
    # except the transfer stay (2 Mar 10:00 to 5 Mar 10:00: 3 days).
    assert s.loc[2019, "n_heavy_users"] == 1
    assert s.loc[2019, "n_stays"] == 16 and s.loc[2019, "n_stays_heavy"] == 3
    assert s.loc[2019, "bed_days"] == 15 + 3 and s.loc[2019, "bed_days_heavy"] == 3
    assert s.loc[2019, "bed_days_share"] == pytest.approx(3 / 18)
    # 2020: day364's last stay, day365's last stay, sliding's 400 and 500: 4
    # stays; sliding is the heavy user of 2020 with 2 of them.
    assert s.loc[2020, "n_stays"] == 4 and s.loc[2020, "n_stays_heavy"] == 2
    assert s.loc[2020, "bed_days_share"] == pytest.approx(0.5)


def test_heavy_users_cli_hides_small_counts(heavy, tmp_path):
    path = heavy[0]
    out = tmp_path / "h.csv"
    assert main(["analyse", str(path), "heavy-users", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype=str).set_index("year")
    # one heavy user each year: everything computed over them is <5
    assert table.loc["2019", "n_heavy_users"] == "<5"
    assert table.loc["2019", "bed_days_heavy"] == "<5"
    assert table.loc["2019", "bed_days_share"] == "<5"
    assert table.loc["2019", "n_stays"] == "16"


def test_table_one_on_the_small_extract(small_extract):
    with readmit.open(small_extract) as ex:
        r = readmit.Readmissions(ex)
        persons = r.heavy_user_persons(year=2019)
        table = r.heavy_user_table_one(year=2019, lang="en")
        hidden = r.heavy_user_table_one(year=2019, lang="en", suppress=True)
    n_heavy = int(persons.heavy_user.sum())
    assert n_heavy >= 5
    assert table.columns.tolist() == ["Overall", "Heavy users", "Other patients"]
    n = table.loc[table.index[0]]
    assert [int(v) for v in n] == [len(persons), n_heavy, len(persons) - n_heavy]
    died = table.loc[("Died by the end of the data, n (%)", "yes"), "Heavy users"]
    assert died.startswith(f"{int(persons[persons.heavy_user].died.sum())} (")
    # suppressed: no n (%) cell with a count from 1 to 4 is left
    cells = hidden.to_numpy().ravel().tolist()
    small = [c for c in cells if isinstance(c, str) and c.split(" (")[0].isdigit()
             and "(" in c and 1 <= int(c.split(" (")[0]) <= 4]
    assert small == []
