"""The tiny example extract: what the builder writes is what ships, and every
code and table of extract.md occurs in it (so every docstring example can
show every case)."""
from __future__ import annotations

import filecmp

import pytest

import readmit
from readmit.datasets import build_example, example_extract


def test_shipped_files_are_what_the_builder_writes(tmp_path):
    written = build_example.write_example_extract(tmp_path)
    shipped = example_extract()
    names = sorted(p.name for p in shipped.iterdir() if p.suffix == ".csv")
    assert names == sorted(p.name for p in written.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(shipped, written, names, shallow=False)
    assert not mismatch and not errors, ("run python -m readmit.datasets.build_example",
                                         mismatch, errors)


@pytest.fixture(scope="module")
def ex():
    with readmit.open(example_extract()) as opened:
        yield opened


def _values(ex, table, column):
    return {row[0] for row in ex.con.sql(f'SELECT DISTINCT "{column}" FROM {table}').fetchall()}


def test_every_row_is_kept(ex):
    assert {name: c["rejected"] for name, c in ex.counts.items()} == {
        "episoder": 0, "pasienter": 0, "akuttkontakter": 0, "handlingsplaner": 0}
    assert 20 <= ex.counts["pasienter"]["kept"] <= 99          # tens of persons


@pytest.mark.parametrize("table, column, codes", [
    ("episoder", "institusjonID", {"HST", "HFO", "HBE", "HFD", "HDS"}),
    ("episoder", "sektor", {1, 2, 3}),
    ("episoder", "omsorgsniva", {1, 2, 3, 8}),
    ("episoder", "innmateHast", {1, 2, 3, 4, 5}),
    ("episoder", "fraSted", {1, 2, 3, 7, 8, 10, 11, 21, 88, 98}),
    ("episoder", "tilSted", {1, 2, 3, 7, 8, 10, 11, 21, 88, 98}),
    ("episoder", "uttilstand", {1, 2, 3}),
    ("episoder", "kjonn", {1, 2, 9}),
    ("pasienter", "kjonn", {1, 2, 9}),
    ("akuttkontakter", "tjeneste", {"AMK", "LV"}),
    ("akuttkontakter", "hastegrad", {"akutt", "haster", "vanlig", None}),
    ("akuttkontakter", "utfall", {"ambulanse", "legevakt", "fastlege", "raad", "innlagt", None}),
    ("handlingsplaner", "tjeneste", {"AMK", "LV", "begge"}),
])
def test_every_code_occurs(ex, table, column, codes):
    assert _values(ex, table, column) == codes


def test_every_kind_of_stay_and_event_occurs(ex):
    r = readmit.Readmissions(ex)
    stays = r.index_stays(all_columns=True)
    assert r.period() == (2017, 2019)
    assert stays.readmitted.sum() >= 20 and stays.died_in_window.sum() >= 1
    assert stays.ready_for_discharge.sum() >= 5
    assert set(stays.age_band) == {"0-17", "18-44", "45-66", "67-79", "80+"}
    n_episodes = ex.con.sql("SELECT count(*) FROM episoder WHERE omsorgsniva = 1").fetchall()[0][0]
    n_stays = r.sql("SELECT count(*) FROM int_stays").fetchall()[0][0]
    assert n_stays < n_episodes                           # transfers merge episodes
    assert int(r.heavy_user_shares().n_heavy_users.max()) >= 1
    assert int(r.frequent_callers().n_frequent.max()) >= 1
    deaths = r.sql("SELECT count(*) FROM mart_index_stays WHERE readmitted = 1 AND "
                   "death_date <= discharge_date + 182").fetchall()[0][0]
    assert deaths >= 1                                    # dead within six months of a readmission
    effects = r.care_plan_effects()
    assert effects.n_plan.max() >= 1 and effects.n_comparison.max() >= 1


def test_care_level_8_adds_contacts_during_stays_and_changes_nothing_else():
    def key(e):
        return tuple(v for k, v in e.items() if k != "episode_lnr")

    plain = build_example.example_tables(care_level_8=False)
    with_8 = build_example.example_tables(care_level_8=True)
    added = [e for e in with_8["episoder"] if e["omsorgsniva"] == 8]
    assert len(added) >= 5
    assert sorted(map(key, with_8["episoder"]), key=str) == sorted(
        map(key, plain["episoder"] + added), key=str)
    for name in ("pasienter", "akuttkontakter", "handlingsplaner"):
        assert with_8[name] == plain[name]
    # each lies inside an inpatient episode of the same person
    stays = [(e["lopenr"], e["inndato"], e["utdato"]) for e in plain["episoder"]
             if e["omsorgsniva"] == 1]
    assert all(any(p == e["lopenr"] and a < e["inndato"] < b for p, a, b in stays)
               for e in added)
