"""The synthetic generator: determinism, conformity to extract.md, and the
Helse Vest calibration targets at a test-sized scale."""
from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import readmit
from readmit.calibration import calibration_checks
from readmit.synthetic import generate_extract, generate_tables
from tests.conftest import TEST_SCALE

CODES = {
    "sektor": {1, 2, 3},
    "omsorgsniva": {1, 2, 3},
    "innmateHast": {1, 2, 3, 4, 5},
    "fraSted": {1, 2, 3, 7, 8, 10, 11, 21, 88, 98},
    "tilSted": {1, 2, 3, 7, 8, 10, 11, 21, 88, 98},
    "uttilstand": {1, 2, 3},
    "kjonn": {1, 2, 9},
}


@pytest.fixture(scope="module")
def tiny():
    return generate_tables(seed=7, scale=0.01, years=(2017, 2019))


def test_same_seed_same_tables():
    a = generate_tables(seed=11, scale=0.003, years=(2018, 2019))
    b = generate_tables(seed=11, scale=0.003, years=(2018, 2019))
    for name in a:
        assert a[name].equals(b[name]), name


def test_other_seed_other_tables():
    a = generate_tables(seed=11, scale=0.003, years=(2018, 2019))
    b = generate_tables(seed=12, scale=0.003, years=(2018, 2019))
    assert not a["episoder"].equals(b["episoder"])


def test_episoder_columns_and_codes_follow_extract_md(tiny):
    ep = tiny["episoder"]
    required = ["lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva", "innmateHast",
                "fraSted", "tilSted", "inndato", "inntid", "utdato", "uttid", "tilstand_1_1",
                "tilstand_2_1", "drg", "korrvekt", "uttilstand", "utskrklardato", "komnr",
                "alder", "kjonn"]
    assert [c for c in required if c not in ep.column_names] == []
    for col, allowed in CODES.items():
        assert set(ep.column(col).to_pylist()) <= allowed, col
    assert set(ep.column("institusjonID").to_pylist()) <= {"HST", "HFO", "HBE", "HFD", "HDS"}
    ids = ep.column("episode_lnr").to_numpy()
    assert len(np.unique(ids)) == len(ids)
    assert pa.types.is_date(ep.schema.field("inndato").type)
    assert pa.types.is_time(ep.schema.field("inntid").type)
    inn = ep.column("inndato").to_numpy()
    ut = ep.column("utdato").to_numpy()
    assert (ut >= inn).all()
    assert all(len(k) == 4 for k in set(ep.column("komnr").to_pylist()))


def test_every_person_of_every_table_is_in_pasienter(tiny):
    persons = set(tiny["pasienter"].column("lopenr").to_pylist())
    assert len(persons) == tiny["pasienter"].num_rows
    for name in ("episoder", "akuttkontakter", "handlingsplaner"):
        assert set(tiny[name].column("lopenr").to_pylist()) <= persons, name


def test_contacts_follow_extract_md(tiny):
    ak = tiny["akuttkontakter"]
    assert set(ak.column("tjeneste").to_pylist()) == {"AMK", "LV"}
    assert set(ak.column("hastegrad").to_pylist()) <= {"akutt", "haster", "vanlig"}
    assert set(ak.column("utfall").to_pylist()) <= {"ambulanse", "legevakt", "fastlege", "raad", "innlagt"}
    assert set(tiny["handlingsplaner"].column("tjeneste").to_pylist()) <= {"AMK", "LV", "begge"}


def test_nobody_has_contacts_after_death(tiny):
    died = {r["lopenr"]: r["doddato"] for r in tiny["pasienter"].to_pylist() if r["doddato"]}
    for r in tiny["episoder"].select(["lopenr", "inndato"]).to_pylist():
        if r["lopenr"] in died:
            assert r["inndato"] <= died[r["lopenr"]]


def test_generated_extract_loads_without_rejects(small_extract):
    with readmit.open(small_extract) as ex:
        for name, c in ex.counts.items():
            assert c["rejected"] == 0, name
            assert c["read"] == c["kept"] > 0 or name == "handlingsplaner"


def test_csv_and_parquet_extracts_load_to_the_same_tables(tmp_path):
    generate_extract(tmp_path / "p", seed=3, scale=0.002, years=(2018, 2019), fmt="parquet")
    generate_extract(tmp_path / "c", seed=3, scale=0.002, years=(2018, 2019), fmt="csv")
    with readmit.open(tmp_path / "p") as p, readmit.open(tmp_path / "c") as c:
        for name in ("episoder", "pasienter", "akuttkontakter", "handlingsplaner"):
            a = p.con.sql(f"SELECT * FROM {name} ORDER BY ALL").df()
            b = c.con.sql(f"SELECT * FROM {name} ORDER BY ALL").df()
            assert a.equals(b), name


def test_manifest_records_seed_and_scale(small_extract):
    manifest = json.loads((small_extract / "synthetic.json").read_text())
    assert manifest["scale"] == TEST_SCALE and manifest["seed"] == 2020


def test_parquet_files_are_written(small_extract):
    for name in ("episoder", "pasienter", "akuttkontakter", "handlingsplaner"):
        assert pq.read_metadata(small_extract / f"{name}.parquet").num_rows >= 0
