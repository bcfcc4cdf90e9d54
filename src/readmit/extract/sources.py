"""Find the files of an extract and check their structure, before any row is read.

:func:`find_sources` returns one :class:`Source` per file present: its
format, its column names matched to readmit's (case-insensitively, or through
an alias of :mod:`readmit.extract.aliases`), and for CSV its dialect. A
structural fault (a missing folder, required file or required column; a file
with zero bytes or no header; a file that is not CSV or Parquet) raises
:class:`readmit.errors.StructuralError` with one line naming the file and
what was found.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from readmit.errors import StructuralError
from readmit.extract import csv as _csv
from readmit.extract.aliases import match_columns
from readmit.extract.sqltext import first_line
from readmit.extract.schema import ALL_FILES, REQUIRED_FILES, Column, columns_for

__all__ = ["Source", "find_sources", "source_files"]


@dataclass
class Source:
    """One file of the extract, checked for structure but not yet read.

    ``source`` maps each typed column found to its (source column, source
    type) -- for CSV the source columns are ``c0``, ``c1``, ...; ``found`` maps
    it to the name the file's header gives it; ``aliases_used`` holds the
    columns found under another name than their own (up to case).
    """

    table: str
    path: Path
    kind: str                                  # "csv" or "parquet"
    columns: tuple[Column, ...]
    source: dict[str, tuple[str, str]]
    found: dict[str, str]
    dialect: _csv.CsvDialect | None = None
    extra: list[str] = field(default_factory=list)
    aliases_used: dict[str, str] = field(default_factory=dict)

    @property
    def required(self) -> bool:
        return self.table in REQUIRED_FILES


def source_files(path: Path) -> dict[str, Path]:
    """The file of each table present in the folder (``NAME.parquet`` or ``NAME.csv``,
    any case).

    Raises
    ------
    StructuralError
        No such folder, or a table present both as Parquet and as CSV.
    """
    if not path.is_dir():
        raise StructuralError(f"{path}: no such extract folder")
    by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    files = {}
    for table in ALL_FILES:
        found = [by_name[n] for n in (f"{table}.parquet", f"{table}.csv") if n in by_name]
        if len(found) == 2:
            raise StructuralError(f"{table}: both {found[0].name} and {found[1].name} "
                                  "are present; keep one")
        if found:
            files[table] = found[0]
    return files


def find_sources(con: duckdb.DuckDBPyConnection, path: Path, encoding: str | None,
                 aliases: dict[str, tuple[str, ...]]) -> dict[str, Source]:
    """Locate every file and check its structure (files, headers, required columns)."""
    files = source_files(path)
    sources: dict[str, Source] = {}
    for table in ALL_FILES:
        if table not in files:
            if table in REQUIRED_FILES:
                others = sorted(p.name for p in path.iterdir()
                                if p.is_file() and p.name.lower().split(".")[0] == table)
                if others:
                    raise StructuralError(f"{table}: {others[0]} is neither CSV nor Parquet "
                                          f"(expected {table}.parquet or {table}.csv)")
                raise StructuralError(f"missing file {table} "
                                      f"(expected {table}.parquet or {table}.csv in {path})")
            continue
        sources[table] = _describe(con, table, files[table], encoding, aliases)
    return sources


def _describe(con: duckdb.DuckDBPyConnection, table: str, file: Path, encoding: str | None,
              aliases: dict[str, tuple[str, ...]]) -> Source:
    if file.stat().st_size == 0:
        raise StructuralError(f"{file.name}: empty file (zero bytes)")
    if file.suffix.lower() == ".csv":
        dialect = _csv.sniff(file, encoding)
        names = [(f"c{i}", name, "VARCHAR") for i, name in enumerate(dialect.header)]
        kind = "csv"
    else:
        dialect = None
        names = _parquet_columns(con, file)
        n_rows = con.execute("SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata($path)",
                             {"path": str(file)}).fetchall()[0][0]
        if not n_rows and table in REQUIRED_FILES:
            raise StructuralError(f"{file.name}: empty file (no data rows)")
        kind = "parquet"
    header = [display for _, display, _ in names]
    columns = columns_for(table, header)
    found = match_columns([c.name for c in columns], header, aliases, file=file.name)
    lookup: dict[str, tuple[str, str]] = {}
    for src, display, typ in names:
        lookup.setdefault(display, (src, typ))
    for col in columns:
        if col.required and col.name not in found:
            raise StructuralError(f"{file.name}: missing required column {col.name}"
                                  + _header_hint(header))
    source = {name: lookup[display] for name, display in found.items()}
    used = set(found.values())
    extra = [d for d in header if d not in used]
    aliases_used = {name: display for name, display in found.items()
                    if display.strip().lower() != name.lower()}
    return Source(table, file, kind, columns, source, found, dialect, extra, aliases_used)


def _header_hint(header: list[str]) -> str:
    """`` (the file has one column, 'a,b;c')`` when the header looks wrong, else ``""``."""
    if len(header) == 1:
        return f" (the file has one column, {header[0][:60]!r})"
    return ""


def _parquet_columns(con: duckdb.DuckDBPyConnection, file: Path) -> list[tuple[str, str, str]]:
    """``(name, name, type)`` of each column of a Parquet file; a file that is not
    Parquet is named for what it is."""
    try:
        desc = con.execute("DESCRIBE SELECT * FROM read_parquet($path)",
                           {"path": str(file)}).fetchall()
    except duckdb.Error as exc:
        with open(file, "rb") as fh:
            head = fh.read(4096)
        what = _csv.what_it_is(head)
        if what is None and not head.startswith(b"PAR1"):
            what = "it holds text (CSV?); name a CSV file .csv"
        raise StructuralError(f"{file.name}: not a readable Parquet file: "
                              f"{what or first_line(exc)}") from None
    return [(name, name, typ) for name, typ, *_ in desc]
