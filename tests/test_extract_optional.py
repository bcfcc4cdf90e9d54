"""Optional tables (extract.md): akuttkontakter and handlingsplaner absent, header-only or 0 bytes.

Absent, or present with a header and no rows: an empty table with the
contract's columns; an analysis that needs the table says in one line that
the extract has none. A 0-byte file, or a CSV file without a header line,
stays a structural fault. Every extract is the three-episode extract of
tests/test_loader.py.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import readmit
from readmit.cli import main
from readmit.errors import MissingTableError, ReadmitError, StructuralError

sys.path.insert(0, str(Path(__file__).parent))
from test_loader import (CONTRACT_SCHEMA, HEADERS, base_rows, write_csv,  # noqa: E402
                         write_extract, write_parquet)

OPTIONAL = ["akuttkontakter", "handlingsplaner"]


def extract_with(tmp_path: Path, table: str, state: str, fmt: str) -> Path:
    """The base extract with ``table`` absent, header-only, 0 bytes or without a header."""
    rows = base_rows()
    del rows[table]
    d = write_extract(tmp_path / "x", rows, fmt=fmt)
    file = d / f"{table}.{fmt}"
    if state == "header-only":
        (write_parquet if fmt == "parquet" else write_csv)(file, HEADERS[table], [])
    elif state == "zero-bytes":
        file.write_bytes(b"")
    elif state == "no-header":
        file.write_text("\n\n")
    return d


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("table", OPTIONAL)
@pytest.mark.parametrize("state", ["absent", "header-only"])
def test_absent_or_header_only_is_an_empty_table(tmp_path, table, state, fmt):
    d = extract_with(tmp_path, table, state, fmt)
    with readmit.open(d) as ex:
        schema = [(r[0], r[1]) for r in ex.con.execute(f"DESCRIBE {table}").fetchall()]
        assert schema == CONTRACT_SCHEMA[table]
        assert ex.con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]
        assert not ex.has(table)
        if state == "absent":
            assert table not in ex.counts and ex.files[table] is None
        else:
            assert ex.counts[table] == {"read": 0, "kept": 0, "rejected": 0}
            assert ex.files[table] == f"{table}.{fmt}"
        # the other files are read as usual: 3 episodes, 2 persons
        assert ex.counts["episoder"] == {"read": 3, "kept": 3, "rejected": 0}
        assert ex.counts["pasienter"] == {"read": 2, "kept": 2, "rejected": 0}
        # the readmission rule needs neither table: 3 index stays; p2, discharged 05-03,
        # died 06-01 (29 days later, not readmitted) and is left out: 2 eligible
        rates = readmit.Readmissions(ex, end_date="2019-12-31").rates(by=None)
        assert rates[["n_index", "n_died_excluded"]].values.tolist() == [[2, 1]]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("table", OPTIONAL)
def test_zero_bytes_is_a_structural_fault(tmp_path, table, fmt):
    d = extract_with(tmp_path, table, "zero-bytes", fmt)
    with pytest.raises(StructuralError, match=rf"^{table}\.{fmt}: empty file \(zero bytes\)$"):
        readmit.open(d)


@pytest.mark.parametrize("table", OPTIONAL)
def test_csv_without_header_is_a_structural_fault(tmp_path, table):
    d = extract_with(tmp_path, table, "no-header", "csv")
    with pytest.raises(StructuralError, match=rf"^{table}\.csv: no header line"):
        readmit.open(d)


def test_an_analysis_needing_a_missing_table_says_so_in_one_line(tmp_path):
    absent = extract_with(tmp_path / "a", "akuttkontakter", "absent", "csv")
    header_only = extract_with(tmp_path / "h", "handlingsplaner", "header-only", "parquet")
    with readmit.open(absent) as ex:
        with pytest.raises(MissingTableError) as err:
            ex.require("akuttkontakter", analysis="frequent callers")
        assert str(err.value) == (
            "frequent callers: the extract has no akuttkontakter (contacts with AMK and "
            f"legevakt): no akuttkontakter file in {absent.resolve()}")
        ex.require("handlingsplaner")   # present with one row: no error
    with readmit.open(header_only) as ex:
        with pytest.raises(MissingTableError, match="handlingsplaner.parquet has a header and "
                                                    "no rows$"):
            readmit.require_table(ex, "handlingsplaner")
    assert issubclass(MissingTableError, ReadmitError)   # the CLI prints it as one line


def test_all_rows_rejected_is_said(tmp_path):
    rows = base_rows()
    rows["handlingsplaner"][0]["lopenr"] = "p9"   # a person missing from pasienter
    with readmit.open(write_extract(tmp_path / "x", rows)) as ex:
        assert ex.counts["handlingsplaner"] == {"read": 1, "kept": 0, "rejected": 1}
        with pytest.raises(MissingTableError, match=r"all 1 rows of handlingsplaner.csv were "
                                                    r"rejected \(readmit check .* gives"):
            ex.require("handlingsplaner", analysis="care plans")


def test_require_names_an_unknown_table(tmp_path):
    with readmit.open(write_extract(tmp_path / "x")) as ex:
        with pytest.raises(readmit.ParameterError, match="^table must be one of"):
            ex.has("kontakter")


def test_missing_table_error_from_a_command_is_one_line(tmp_path, capsys, monkeypatch):
    """A command whose analysis needs an absent table: one line on stderr, exit 2."""
    d = extract_with(tmp_path, "akuttkontakter", "absent", "csv")

    def needs_contacts(args):
        with readmit.open(args.extract_dir) as ex:
            ex.require("akuttkontakter", analysis="frequent callers")

    import readmit.extract.check as check

    monkeypatch.setattr(check, "check_command", needs_contacts)
    assert main(["check", str(d)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "readmit check: frequent callers: the extract has no akuttkontakter (contacts with "
        f"AMK and legevakt): no akuttkontakter file in {d.resolve()}"]


@pytest.mark.parametrize("state", ["absent", "header-only"])
def test_check_says_what_is_missing(tmp_path, capsys, state):
    d = extract_with(tmp_path, "akuttkontakter", state, "csv")
    assert main(["check", str(d)]) == 0
    out = capsys.readouterr().out.splitlines()
    if state == "absent":
        assert "akuttkontakter: no file (optional: an empty table)" in out
    else:
        assert out[3].split() == ["akuttkontakter", "0", "0", "0", "(header", "only:", "no",
                                  "rows)"]


@pytest.mark.parametrize("state", ["absent", "header-only"])
def test_a_model_reading_a_missing_table_says_so(tmp_path, state):
    """A model over a missing table is empty; an analysis that needs its rows says so."""
    d = extract_with(tmp_path, "akuttkontakter", state, "parquet")
    with readmit.open(d) as ex:
        r = readmit.Readmissions(ex)
        assert r.sql("SELECT count(*) FROM mart_frequent_callers").fetchall() == [(0,)]
        with pytest.raises(MissingTableError, match="^frequent users of AMK and legevakt: the "
                                                    "extract has no akuttkontakter"):
            r.frequent_callers()
        assert r.sql("SELECT count(*) FROM mart_index_stays").fetchall() == [(3,)]
