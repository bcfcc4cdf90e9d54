"""Frequent users (multibrukere) of AMK and legevakt: 10 or more contacts in a
calendar year (or within 365 days), shared users, and what an extract without
akuttkontakter says."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

import readmit
from readmit.cli import main
from readmit.cli.common import SECURE_SERVER_NOTE
from readmit.errors import ReadmitError, StructuralError
from tests.extract_builder import contact, ep, person, write_extract


class Contacts:
    """Numbered contacts: ``add("p", "AMK", dates...)``."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, person: str, service: str, days: list[dt.date], **overrides) -> None:
        for d in days:
            self.rows.append(contact(person, len(self.rows) + 1, f"{d} 12:00",
                                     tjeneste=service, **overrides))


def every(start: dt.date, n: int, step: int) -> list[dt.date]:
    return [start + dt.timedelta(days=step * i) for i in range(n)]


def spread(first: dt.date, last: dt.date, n: int) -> list[dt.date]:
    """``n`` days from ``first`` to ``last``, both included, evenly spaced."""
    span = (last - first).days
    return [first + dt.timedelta(days=round(i * span / (n - 1))) for i in range(n)]


@pytest.fixture(scope="module")
def extract(tmp_path_factory):
    path = tmp_path_factory.mktemp("callers")
    c = Contacts()
    c.add("a9", "AMK", every(dt.date(2019, 1, 5), 9, 30))             # 9 in 2019: not frequent
    c.add("a10", "AMK", every(dt.date(2019, 1, 5), 4, 30), hastegrad="akutt")
    c.add("a10", "AMK", every(dt.date(2019, 6, 5), 6, 20), hastegrad="vanlig")  # 10 in 2019
    c.add("split", "AMK", every(dt.date(2018, 11, 1), 5, 10))          # 5 in 2018 ...
    c.add("split", "AMK", every(dt.date(2019, 1, 10), 5, 10))          # ... 5 in 2019
    c.add("lv10", "LV", every(dt.date(2019, 2, 1), 10, 25))
    c.add("both", "AMK", every(dt.date(2019, 1, 2), 10, 30))
    c.add("both", "LV", every(dt.date(2019, 1, 3), 10, 30))
    # ten LV contacts from 1 June 2018, the tenth 364 days later (31 May 2019):
    # 5 in each calendar year - frequent only in a rolling 12 months
    c.add("roll364", "LV", spread(dt.date(2018, 6, 1), dt.date(2019, 5, 31), 10))
    # the same with the tenth 365 days later (1 June 2019): never frequent
    c.add("roll365", "LV", spread(dt.date(2018, 6, 1), dt.date(2019, 6, 1), 10))
    # the extract's years are those of its episodes: 2018 and 2019
    episodes = [ep("a9", 1, "2018-03-01 10:00", "2018-03-02 10:00"),
                ep("a9", 2, "2019-03-01 10:00", "2019-03-02 10:00")]
    persons = ["a9", "a10", "split", "lv10", "both", "roll364", "roll365"]
    write_extract(path, episodes, persons=[person(p) for p in persons], contacts=c.rows)
    return path


@pytest.fixture(scope="module")
def rule(extract):
    with readmit.open(extract) as ex:
        yield readmit.Readmissions(ex)


def test_rolling_boundary_dates():
    # the fixture's rolling cases, checked as dates
    assert spread(dt.date(2018, 6, 1), dt.date(2019, 5, 31), 10)[-1] \
        - dt.date(2018, 6, 1) == dt.timedelta(days=364)
    assert sum(d.year == 2019 for d in spread(dt.date(2018, 6, 1), dt.date(2019, 5, 31), 10)) < 10


def test_nine_contacts_are_not_frequent_and_ten_are(rule):
    t = rule.frequent_callers().set_index(["year", "service"])
    # 2019, AMK: a9 (9), a10 (10), split (5), both (10): 4 callers, 2 frequent
    assert t.loc[(2019, "AMK"), ["n_persons", "n_frequent"]].tolist() == [4, 2]
    # their contacts: 9 + 10 + 5 + 10 = 34, the frequent ones' 20
    assert t.loc[(2019, "AMK"), ["n_contacts", "n_contacts_frequent"]].tolist() == [34, 20]
    assert t.loc[(2019, "AMK"), "contact_share"] == pytest.approx(20 / 34)
    # 2019, LV: lv10, both (10 each), roll364 (5), roll365 (6): 4, of them 2 frequent
    assert t.loc[(2019, "LV"), ["n_persons", "n_frequent"]].tolist() == [4, 2]
    # shared: only 'both' called both services in 2019, and is frequent with both
    assert t.loc[(2019, "both"), ["n_persons", "n_frequent"]].tolist() == [1, 1]
    assert t.loc[(2018, "AMK"), "n_frequent"] == 0


def test_threshold_is_a_parameter(rule):
    t = rule.frequent_callers(threshold=9).set_index(["year", "service"])
    assert t.loc[(2019, "AMK"), "n_frequent"] == 3          # a9 joins


def test_rolling_twelve_months(rule):
    t = rule.frequent_callers(rolling=True).set_index(["year", "service"])
    # AMK 2019: a10, both, and split (10 contacts from 1 Nov 2018 to 19 Jan 2019)
    assert t.loc[(2019, "AMK"), "n_frequent"] == 3
    # LV 2019: lv10, both, and roll364 (its tenth on day 364); not roll365 (day 365)
    assert t.loc[(2019, "LV"), "n_frequent"] == 3
    users = rule.frequent_users(rolling=True).set_index("lopenr")
    assert set(users.index) == {"a10", "split", "lv10", "both", "roll364"}
    assert users.loc["both", "shared_frequent"] and not users.loc["a10", "shared_frequent"]


def test_contacts_by_urgency_against_everyone_else(rule):
    t = rule.frequent_caller_contacts()
    amk = t[(t.service == "AMK") & (t.variable == "hastegrad")].set_index(["group", "category"])
    # frequent AMK users of 2019: a10 (4 akutt, 6 vanlig) and both (10 haster,
    # the builder's default): 20 contacts
    assert amk.loc[("frequent", "akutt"), "n_contacts"] == 4
    assert amk.loc[("frequent", "akutt"), "share"] == pytest.approx(4 / 20)
    assert amk.loc[("frequent", "haster"), "share"] == pytest.approx(10 / 20)
    # everyone else: a9 (9), split (10 over both years): 19 haster
    assert amk.loc[("other", "haster"), "n_contacts"] == 19


def test_monthly_trend_counts_every_contact_once(rule):
    t = rule.frequent_caller_trend()
    assert t.n_contacts.sum() == 9 + 10 + 10 + 10 + 20 + 10 + 10
    jan = t[(t.month == pd.Timestamp("2019-01-01")) & (t.service == "AMK")].set_index("group")
    # January 2019, AMK: a9 (5 Jan), a10 (5 Jan), both (2 Jan) and split
    # (10, 20, 30 Jan): frequent a10 + both = 2 contacts; others 1 + 3 = 4
    assert jan.loc["frequent", "n_contacts"] == 2 and jan.loc["other", "n_contacts"] == 4


def test_frequent_users_cli_is_person_level(extract, tmp_path, capsys):
    out = tmp_path / "fu.csv"
    assert main(["frequent-users", str(extract), "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert table.columns.tolist() == [
        "lopenr", "heavy_user", "frequent_amk", "frequent_lv", "shared_frequent",
        "years_heavy", "years_frequent_amk", "years_frequent_lv", "years_shared", "n_stays",
        "n_acute_stays", "bed_days", "ukp_days", "n_amk_contacts", "n_lv_contacts",
        "care_plan_start"]
    assert sorted(table.lopenr) == ["a10", "both", "lv10"]
    assert SECURE_SERVER_NOTE in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["frequent-users", "--help"])
    assert "stay inside the secure server" in " ".join(capsys.readouterr().out.split())


def without_contacts(tmp_path):
    """An extract whose akuttkontakter has a header and no rows, opened; when the
    loader still refuses such a file, the full extract with an emptied table."""
    write_extract(tmp_path, [ep("p1", 1, "2019-03-01 10:00", "2019-03-02 10:00")])
    table = pq.read_table(tmp_path / "akuttkontakter.parquet")
    pq.write_table(table.slice(0, 0), tmp_path / "akuttkontakter.parquet")
    try:
        return readmit.open(tmp_path), True
    except StructuralError:
        # main at df43924: "akuttkontakter.parquet: empty file (no data rows)";
        # the empty table the optional file will become is made here instead
        pq.write_table(table, tmp_path / "akuttkontakter.parquet")
        ex = readmit.open(tmp_path)
        ex.con.execute("CREATE TABLE main.no_contacts AS FROM akuttkontakter LIMIT 0")
        ex.con.execute("CREATE OR REPLACE VIEW main.akuttkontakter AS FROM main.no_contacts")
        return ex, False


@pytest.mark.parametrize("question", ["frequent_callers", "frequent_caller_contacts",
                                      "frequent_caller_trend", "care_plan_effects"])
def test_no_akuttkontakter_is_said_in_one_line(tmp_path, question):
    ex, _ = without_contacts(tmp_path)
    with ex:
        r = readmit.Readmissions(ex)
        with pytest.raises(ReadmitError) as err:
            getattr(r, question)()
        # the hospital's frequent users are still found
        assert r.frequent_users().empty
    message = str(err.value)
    assert "\n" not in message and "akuttkontakter" in message


def test_no_akuttkontakter_on_the_command_line(tmp_path):
    ex, loads = without_contacts(tmp_path)
    ex.close()
    if not loads:
        pytest.skip("the loader still requires rows in akuttkontakter")
    proc = subprocess.run([sys.executable, "-m", "readmit", "analyse", str(tmp_path),
                           "care-plans"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "akuttkontakter" in proc.stderr


def test_threshold_must_be_a_whole_number(rule):
    with pytest.raises(readmit.ParameterError, match="threshold"):
        rule.frequent_callers(threshold=0)


