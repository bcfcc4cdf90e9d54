"""The synthetic generator: determinism, conformity to extract.md, and the
Helse Vest calibration targets at a test-sized scale."""
from __future__ import annotations

import doctest
import importlib
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import readmit
from readmit.calibration import calibration_checks
from readmit.errors import ParameterError
from readmit.synthetic import generate_extract, generate_tables, load_config
from readmit.synthetic.blocks import units
from readmit.synthetic.emergency import frequent_group_size
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


# --- generation in blocks -------------------------------------------------
#
# Units of 300 persons: scale 0.003 is 3 352 persons (1 117 420 x 0.003,
# rounded), so 12 units (11 of 300 and one of 52). Block sizes of 1 (one unit
# per block), 700 (3 units per block: 4 blocks) and 10^9 (one block), with one
# and two worker processes, must give the same tables.

SMALL_UNITS = 300
BLOCK_SCALE = 0.003


def _small_unit_config():
    cfg = load_config()
    cfg["generation"]["unit_persons"] = SMALL_UNITS
    return cfg


@pytest.fixture(scope="module")
def in_one_block():
    return generate_tables(seed=5, scale=BLOCK_SCALE, years=(2018, 2019),
                           config=_small_unit_config(), block_persons=10**9)


@pytest.mark.parametrize("block_persons, workers", [(1, 1), (700, 1), (1, 2), (700, 2)])
def test_generation_in_blocks_equals_generation_in_one_block(in_one_block, block_persons, workers):
    blocks = generate_tables(seed=5, scale=BLOCK_SCALE, years=(2018, 2019),
                             config=_small_unit_config(), block_persons=block_persons,
                             workers=workers)
    for name in in_one_block:
        assert blocks[name].equals(in_one_block[name]), name


def test_there_are_twelve_units(in_one_block):
    assert [u.size for u in units(3352, SMALL_UNITS)] == [300] * 11 + [52]
    # each unit is its own stream, so two units do not repeat each other:
    # 12 units' worth of distinct persons appear
    assert in_one_block["pasienter"].num_rows > 1000


def test_ids_over_blocks_are_unique_and_consecutive(in_one_block):
    ep = in_one_block["episoder"]
    assert ep.column("episode_lnr").to_pylist() == list(range(1, ep.num_rows + 1))
    ak = in_one_block["akuttkontakter"]
    assert ak.column("kontakt_id").to_pylist() == list(range(1, ak.num_rows + 1))
    persons = in_one_block["pasienter"].column("lopenr").to_numpy()
    assert (np.diff(persons) > 0).all()          # unique, in unit order
    lopenr = ep.column("lopenr").to_numpy()
    assert (np.diff(lopenr) >= 0).all()          # episodes sorted by person
    for name in ("episoder", "akuttkontakter", "handlingsplaner"):
        assert set(in_one_block[name].column("lopenr").to_pylist()) <= set(persons.tolist()), name


def test_frequent_users_add_up_over_any_partition():
    # 205 per million of 1 117 420 persons: floor(229.07) = 229, whatever the units;
    # of 20 000 persons: floor(4.1) = 4, even in units of one person
    for size in (300, 131072, 10**7):
        total = sum(frequent_group_size(u.first, u.size, 205) for u in units(1_117_420, size))
        assert total == 229, size
    assert sum(frequent_group_size(u.first, u.size, 205) for u in units(20_000, 1)) == 4
    # 1 500 per million over units of 1 000: 1.5 per unit, carried: 1, 2, 1, 2
    assert [frequent_group_size(k * 1000, 1000, 1500) for k in range(4)] == [1, 2, 1, 2]


def test_extract_files_do_not_depend_on_workers_or_blocks(tmp_path):
    cfg = _small_unit_config()
    kw = dict(seed=9, scale=BLOCK_SCALE, years=(2018, 2019), config=cfg)
    generate_extract(tmp_path / "w1", workers=1, block_persons=600, **kw)
    generate_extract(tmp_path / "w2", workers=2, block_persons=600, **kw)
    for name in ("episoder", "pasienter", "akuttkontakter"):
        a, b = (tmp_path / d / f"{name}.parquet" for d in ("w1", "w2"))
        assert a.read_bytes() == b.read_bytes(), name
        assert pq.ParquetFile(a).num_row_groups == 6   # 12 units, 2 per block
    # CSV has no row groups: the bytes do not depend on the block size either
    generate_extract(tmp_path / "c1", fmt="csv", workers=1, block_persons=1, **kw)
    generate_extract(tmp_path / "c2", fmt="csv", workers=2, block_persons=10**9, **kw)
    for name in ("episoder", "pasienter", "akuttkontakter"):
        a, b = (tmp_path / d / f"{name}.csv" for d in ("c1", "c2"))
        assert a.read_bytes() == b.read_bytes(), name
        assert not list((tmp_path / "c1").glob("*.partial"))


def test_on_block_reports_each_block(tmp_path):
    seen = []
    rows = generate_extract(tmp_path, seed=9, scale=BLOCK_SCALE, years=(2018, 2019),
                            config=_small_unit_config(), block_persons=1200, workers=1,
                            on_block=lambda done, total, r: seen.append((done, total, dict(r))))
    # 12 units of which 4 per block: 3 blocks, the last one 3 x 300 + 52 persons
    assert [(d, t) for d, t, _ in seen] == [(1200, 3352), (2400, 3352), (3352, 3352)]
    assert seen[-1][2] == rows
    assert seen[0][2]["episoder"] < seen[1][2]["episoder"] < seen[2][2]["episoder"]


@pytest.mark.parametrize("kwargs, parameter", [
    ({"scale": 0}, "scale"), ({"scale": -1.0}, "scale"), ({"scale": 1e-9}, "scale"),
    ({"workers": 0}, "workers"), ({"block_persons": 0}, "block_persons"),
    ({"fmt": "xlsx"}, "fmt"),
])
def test_bad_parameters_name_the_parameter(tmp_path, kwargs, parameter):
    with pytest.raises(ParameterError, match=rf"^{parameter}"):
        generate_extract(tmp_path, **kwargs)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("module", ["readmit.synthetic", "readmit.synthetic.blocks",
                                    "readmit.synthetic.config", "readmit.synthetic.emergency",
                                    "readmit.synthetic.population", "readmit.synthetic.sampling"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
