"""The persistent database (``readmit.open(..., database=FILE)``, ``--database FILE``).

Reused when nothing changed -- without reading the extract's files again --
and rebuilt when a file's modification time or size, readmit's version or the
options changed. The rule's models never live in the file.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb
import pytest

import readmit
from readmit.cli import main
from readmit.errors import ParameterError, StructuralError

sys.path.insert(0, str(Path(__file__).parent))
from test_loader import base_rows, write_extract  # noqa: E402


def persons(ex) -> list[tuple]:
    return ex.con.execute("SELECT lopenr, fodselsar FROM pasienter ORDER BY lopenr").fetchall()


@pytest.fixture
def extract(tmp_path) -> Path:
    return write_extract(tmp_path / "x")


def test_built_then_reused_without_reading_the_files(extract, tmp_path):
    db = tmp_path / "db" / "extract.duckdb"   # its folder is created
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "built" and ex.database == db.resolve()
        first = persons(ex), ex.counts, ex.start_date, ex.end_date, ex.files
    # Same size and modification time, different bytes: a reused database does not
    # notice, which shows it did not read the file again.
    file = extract / "pasienter.csv"
    st = file.stat()
    file.write_bytes(file.read_bytes().replace(b"1950", b"1951"))
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "reused"
        assert (persons(ex), ex.counts, ex.start_date, ex.end_date, ex.files) == first
        assert persons(ex) == [("p1", 1950), ("p2", 1940)]
        assert "database: " in repr(ex) and "(reused)" in repr(ex)


def test_rebuilt_when_the_modification_time_changed(extract, tmp_path):
    db = tmp_path / "extract.duckdb"
    readmit.open(extract, database=db).close()
    file = extract / "pasienter.csv"
    file.write_bytes(file.read_bytes().replace(b"1950", b"1951"))   # same size
    st = file.stat()
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "rebuilt: pasienter.csv changed (modification time)"
        assert persons(ex) == [("p1", 1951), ("p2", 1940)]


def test_rebuilt_when_a_size_changed(extract, tmp_path):
    db = tmp_path / "extract.duckdb"
    readmit.open(extract, database=db).close()
    file = extract / "pasienter.csv"
    st = file.stat()
    with open(file, "a") as fh:
        fh.write("p3;1930;2;4601;\n")
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))   # only the size differs
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "rebuilt: pasienter.csv changed (size)"
        assert ex.counts["pasienter"] == {"read": 3, "kept": 3, "rejected": 0}


def test_rebuilt_when_readmits_version_changed(extract, tmp_path, monkeypatch):
    db = tmp_path / "extract.duckdb"
    readmit.open(extract, database=db).close()
    monkeypatch.setattr(readmit, "__version__", "99.0")
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status.startswith("rebuilt: readmit's version changed (")
        assert ex.database_status.endswith(" -> 99.0)")
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "reused"


def test_rebuilt_when_a_file_appears_or_the_options_change(extract, tmp_path):
    db = tmp_path / "extract.duckdb"
    rows = base_rows()
    (extract / "handlingsplaner.csv").unlink()
    with readmit.open(extract, database=db) as ex:
        assert not ex.has("handlingsplaner")
    write_extract(extract, {"handlingsplaner": rows["handlingsplaner"]})
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "rebuilt: handlingsplaner.csv is new"
        assert ex.has("handlingsplaner")
    with readmit.open(extract, database=db, aliases={"lopenr": "PersonID"}) as ex:
        assert ex.database_status == "rebuilt: the aliases changed"


def test_rejects_and_counts_survive_in_the_database(tmp_path):
    rows = base_rows()
    rows["episoder"][1]["sektor"] = "4"
    d = write_extract(tmp_path / "x", rows)
    db = tmp_path / "extract.duckdb"
    readmit.open(d, database=db).close()
    with readmit.open(d, database=db) as ex:
        assert ex.database_status == "reused"
        assert ex.counts["episoder"] == {"read": 3, "kept": 2, "rejected": 1}
        assert ex.rejects_frame().values.tolist() == [
            ["episoder", 2, "sektor", "unknown code: '4'", 3]]
        assert ex.con.execute("SELECT episode_lnr FROM episoder ORDER BY 1").fetchall() == [
            (1,), (3,)]


def test_the_rules_models_are_never_stored(extract, tmp_path):
    db = tmp_path / "extract.duckdb"
    with readmit.open(extract, database=db) as ex:
        r = readmit.Readmissions(ex, end_date="2019-12-31")
        before = r.rates(by=None)
    with readmit.open(extract, database=db) as ex:
        assert ex.database_status == "reused" and ex._built_models == {}
        schemas = ex.con.execute("SELECT DISTINCT schema_name FROM duckdb_tables() "
                                 "WHERE database_name = 'readmit_db'").fetchall()
        assert schemas == [("main",)]
        assert readmit.Readmissions(ex, end_date="2019-12-31").rates(by=None).equals(before)
    # the file was opened read-only: it still holds only the extract
    con = duckdb.connect(str(db), read_only=True)
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert names == {"episoder", "pasienter", "akuttkontakter", "handlingsplaner", "rejects",
                     "_readmit"}


def test_a_structural_fault_writes_no_database(extract, tmp_path):
    (extract / "episoder.csv").write_bytes(b"")
    db = tmp_path / "extract.duckdb"
    with pytest.raises(StructuralError):
        readmit.open(extract, database=db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x"]


def test_a_foreign_database_file_is_not_overwritten(extract, tmp_path):
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE precious AS SELECT 42 AS answer")
    con.close()
    with pytest.raises(ParameterError, match="^database: .*other.duckdb is a DuckDB database "
                                             "that readmit did not write"):
        readmit.open(extract, database=db)
    (tmp_path / "text.duckdb").write_text("not a database")
    with pytest.raises(ParameterError, match="^database: .*text.duckdb is not a DuckDB database"):
        readmit.open(extract, database=tmp_path / "text.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT answer FROM precious").fetchall() == [(42,)]
    con.close()


def test_the_command_line_reuses_the_database(extract, tmp_path, capsys, monkeypatch):
    db = tmp_path / "extract.duckdb"
    assert main(["check", str(extract), "--database", str(db)]) == 0
    assert f"database {db.resolve()}: built" in capsys.readouterr().out
    monkeypatch.setenv("READMIT_DATABASE", str(db))   # the default of --database
    assert main(["check", str(extract)]) == 0
    assert f"database {db.resolve()}: reused" in capsys.readouterr().out


def test_memory_and_temporary_folder_settings(extract, tmp_path, monkeypatch):
    temp = tmp_path / "spill"
    with readmit.open(extract, memory_limit="1GB", temp_dir=temp) as ex:
        limit, where = ex.con.execute("SELECT current_setting('memory_limit'), "
                                      "current_setting('temp_directory')").fetchall()[0]
        assert limit in ("1.0 GiB", "953.6 MiB", "1000.0 MB", "1.0 GB")
        assert where.startswith(str(temp))
    assert list(temp.iterdir()) == []   # its own folder removed on close
    monkeypatch.setenv("READMIT_TEMP_DIR", str(temp / "env"))
    with readmit.open(extract) as ex:
        assert ex.con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0] \
            .startswith(str(temp / "env"))
    with pytest.raises(ParameterError, match="^memory_limit: 'lots' is not a memory size"):
        readmit.open(extract, memory_limit="lots")
