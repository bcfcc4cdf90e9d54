"""Read an NPR-shaped extract into typed DuckDB tables, accounting for every row.

:func:`open` is the only way any analysis reads data. It finds the four files
of the extract (``episoder``, ``pasienter``, ``akuttkontakter`` and the optional
``handlingsplaner``; each ``NAME.parquet`` or ``NAME.csv``), types every column
in DuckDB SQL, and splits the rows into the typed tables of
``docs/CONTRACTS.md`` and a ``rejects`` table. Counts reconcile per file:
``read = kept + rejected``.

The typed tables are views over typed Parquet snapshots that :func:`open`
writes once, streaming, into the extract's temporary directory (removed on
``close()`` or when the connection is garbage-collected), so the data lives on
disk rather than in memory, and later changes to the source files do not
affect an open extract. Only ``rejects`` is an in-memory table.

A reject line is ``(file, row, column, reason)``; ``row`` is the 1-based data
row of the file (header not counted). A row with several problems has one
line per problem and counts once as rejected. Reasons start with a fixed
phrase, sometimes followed by ``": "`` and a detail:

- ``missing required value``: NULL or empty lopenr, episode_lnr, inndato, ...
- ``unparseable date: '<value>'`` (also ``number``, ``time``, ``timestamp``)
- ``unknown code: '<value>'``: outside the code list of extract.md, or an
  institusjonID not in ``reference/institusjoner.csv``
- ``discharge before admission``: utdato (and uttid) before inndato (and inntid)
- ``duplicate id: first at row <n>``: a later row with the same episode_lnr,
  kontakt_id or pasienter.lopenr (the first occurrence in the file is kept)
- ``person missing from pasienter``: an episode, contact or plan whose lopenr
  has no row in pasienter (``person rejected in pasienter`` if it has rows but
  none was kept)
- ``death before admission``: pasienter.doddato < episoder.inndato (column inndato)
- ``malformed CSV row: too many fields`` (or ``too few fields``,
  ``unterminated quote``, an encoding error); its row is the line number
  minus the header, which is exact unless blank lines or quoted line breaks
  come before it

A structural fault (missing folder, file or required column; a file with zero
bytes or no data rows; a file that is not CSV or Parquet) raises
:class:`readmit.errors.StructuralError` with one line, before anything is
written.

Example
-------
>>> import readmit
>>> with readmit.open("data/synthetic/helse-vest") as ex:        # doctest: +SKIP
...     print(ex.counts["episoder"], ex.end_date)
...     n = ex.con.sql("SELECT count(*) FROM episoder").fetchall()[0][0]
{'read': 1200345, 'kept': 1200345, 'rejected': 0} 2019-12-31
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from readmit import _csv
from readmit._schema import (ALL_FILES, REQUIRED_FILES, UNIQUE_ID, UNPARSEABLE, Column,
                             columns_for, known_institutions, typed_expr)
from readmit.errors import ParameterError, StructuralError

__all__ = ["Extract", "open", "check_command"]

# ----------------------------------------------------------------------------- API
class Extract:
    """A loaded extract: typed tables and rejects in an in-memory DuckDB connection.

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection
        Holds ``episoder``, ``pasienter``, ``akuttkontakter``,
        ``handlingsplaner`` (empty when the file is absent) and ``rejects``.
        The four typed tables are read-only views over typed Parquet snapshots
        in the extract's temporary directory, written once by :func:`open`
        (later changes to the source files do not affect them) and removed
        with the directory on :meth:`close` or garbage collection.
    path : pathlib.Path
        The extract folder.
    counts : dict[str, dict[str, int]]
        Per file ``{"read": n, "kept": n, "rejected": n}``.
    end_date : datetime.date or None
        The latest ``utdato`` among kept episodes.

    Examples
    --------
    >>> with readmit.open("extract/") as ex:                          # doctest: +SKIP
    ...     ex.rejects_frame().head()
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path,
                 counts: dict[str, dict[str, int]], end_date: dt.date | None,
                 temp_dir: str) -> None:
        self.con = con
        self.path = path
        self.counts = counts
        self.end_date = end_date
        #: schema -> models built there (see readmit.Readmissions)
        self._built_models: dict[str, set[str]] = {}
        # The temporary directory goes with the connection (even if only ``con`` is kept).
        self._remove_temp = weakref.finalize(con, shutil.rmtree, temp_dir, True)

    @property
    def rejects(self) -> duckdb.DuckDBPyRelation:
        """The ``rejects(file, row, column, reason)`` table as a DuckDB relation."""
        return self.con.table("rejects")

    def rejects_frame(self) -> pd.DataFrame:
        """The rejects table as a DataFrame, ordered by file, row and column.

        Examples
        --------
        >>> ex.rejects_frame().columns.tolist()                       # doctest: +SKIP
        ['file', 'row', 'column', 'reason']
        """
        return self.con.sql(
            'SELECT file, "row", "column", reason FROM rejects '
            'ORDER BY list_position($files, file), "row", "column", reason',
            params={"files": list(ALL_FILES)}).df()

    def close(self) -> None:
        """Close the connection and remove its temporary directory."""
        self.con.close()
        self._remove_temp()

    def __enter__(self) -> Extract:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        kept = {name: c["kept"] for name, c in self.counts.items()}
        return f"Extract({str(self.path)!r}, kept={kept}, end_date={self.end_date})"


def open(extract_dir: str | os.PathLike, encoding: str | None = None) -> Extract:  # noqa: A001
    """Read, type and check an extract folder.

    Parameters
    ----------
    extract_dir : str or PathLike
        A folder with ``episoder``, ``pasienter``, ``akuttkontakter`` and
        optionally ``handlingsplaner``, each as ``.parquet`` or ``.csv``.
    encoding : {"utf-8", "latin-1"}, optional
        Encoding of the CSV files; detected per file when ``None``.

    Returns
    -------
    Extract

    Raises
    ------
    StructuralError
        Missing folder, file or required column; empty or unreadable file.
    ParameterError
        An unknown encoding.

    Examples
    --------
    >>> ex = readmit.open("data/synthetic/helse-vest")               # doctest: +SKIP
    >>> ex.counts["pasienter"]                                       # doctest: +SKIP
    {'read': 310214, 'kept': 310214, 'rejected': 0}
    >>> ex.close()                                                   # doctest: +SKIP
    """
    if encoding is not None and encoding.lower() not in _csv.ENCODINGS:
        raise ParameterError(f"encoding must be utf-8 or latin-1, not {encoding!r}")
    enc = _csv.ENCODINGS[encoding.lower()] if encoding else None
    path = Path(extract_dir)
    temp_dir = tempfile.mkdtemp(prefix="readmit-duckdb-")
    con = duckdb.connect(":memory:", config={
        "temp_directory": temp_dir,
        "memory_limit": _memory_limit(),
        "preserve_insertion_order": False,
    })
    try:
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass  # in Jupyter without ipywidgets DuckDB refuses to touch the setting at all
    try:
        sources = _find_sources(con, path, enc)
        counts = _Loader(con, sources, Path(temp_dir)).run()
        end_date = con.execute("SELECT max(utdato) FROM episoder").fetchall()[0][0]
    except BaseException:
        _close(con, temp_dir)
        raise
    return Extract(con, path.resolve(), counts, end_date, temp_dir)


def check_command(args: argparse.Namespace) -> int:
    """``readmit check EXTRACT_DIR [--json] [--encoding ...]``: counts and rejects.

    Prints rows read, kept and rejected per file (or, with ``--json``,
    ``{"files": {...}, "rejects": [...]}``) and returns 0.

    Examples
    --------
    >>> from readmit.cli import main
    >>> main(["check", "extract/", "--json"])                        # doctest: +SKIP
    {"files": {"episoder": {"read": 3, "kept": 3, "rejected": 0}, ...}, "rejects": []}
    0
    """
    shown = None if args.json else 20
    with open(args.extract_dir, encoding=args.encoding) as ex:
        rejects = ex.con.execute(
            'SELECT file, "row", "column", reason FROM rejects '
            'ORDER BY list_position($files, file), "row", "column", reason LIMIT $n',
            {"files": list(ALL_FILES), "n": shown}).fetchall()
        if args.json:
            print(json.dumps({
                "files": ex.counts,
                "rejects": [{"file": f, "row": r, "column": c, "reason": why}
                            for f, r, c, why in rejects],
            }, ensure_ascii=False))
            return 0
        print(_counts_table(ex.counts))
        if rejects:
            problems = ex.con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
            rows = sum(c["rejected"] for c in ex.counts.values())
            print(f"\n{problems:,} problem(s) in {rows:,} rejected row(s)"
                  + (f"; the first {shown} (--json lists all):" if problems > shown else ":"))
            for f, r, c, why in rejects:
                print(f"  {f} row {r} {c or '-'}: {why}")
    return 0


# ----------------------------------------------------------------------- internals
def _close(con: duckdb.DuckDBPyConnection, temp_dir: str) -> None:
    try:
        con.close()
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _memory_limit() -> str:
    """``READMIT_MEMORY_LIMIT`` if set, else 60 % of physical memory."""
    if os.environ.get("READMIT_MEMORY_LIMIT"):
        return os.environ["READMIT_MEMORY_LIMIT"]
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1024, int(total * 0.6) >> 20)}MB"


def _counts_table(counts: dict[str, dict[str, int]]) -> str:
    head = ("file", "read", "kept", "rejected")
    rows = [head] + [(name, f"{c['read']:,}", f"{c['kept']:,}", f"{c['rejected']:,}")
                     for name, c in counts.items()]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                  for i, cell in enumerate(r))
        for r in rows)


def _q(identifier: str) -> str:
    """Quote an SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@dataclass
class _Source:
    """One file of the extract, checked for structure but not yet read."""

    table: str
    path: Path
    kind: str                                  # "csv" or "parquet"
    columns: tuple[Column, ...]
    source: dict[str, tuple[str, str]]         # typed name -> (source column, source type)
    dialect: _csv.CsvDialect | None = None
    extra: list[str] = field(default_factory=list)


def _find_sources(con: duckdb.DuckDBPyConnection, path: Path,
                  encoding: str | None) -> dict[str, _Source]:
    """Locate every file and check its structure (files, headers, required columns)."""
    if not path.is_dir():
        raise StructuralError(f"{path}: no such extract folder")
    by_name = {p.name.lower(): p for p in path.iterdir() if p.is_file()}
    sources: dict[str, _Source] = {}
    for table in ALL_FILES:
        found = [by_name[n] for n in (f"{table}.parquet", f"{table}.csv") if n in by_name]
        if len(found) == 2:
            raise StructuralError(f"{table}: both {found[0].name} and {found[1].name} "
                                  "are present; keep one")
        if not found:
            if table not in REQUIRED_FILES:
                continue
            others = sorted(p.name for n, p in by_name.items() if n.split(".")[0] == table)
            if others:
                raise StructuralError(f"{table}: {others[0]} is neither CSV nor Parquet "
                                      f"(expected {table}.parquet or {table}.csv)")
            raise StructuralError(f"missing file {table} "
                                  f"(expected {table}.parquet or {table}.csv in {path})")
        sources[table] = _describe(con, table, found[0], encoding)
    return sources


def _describe(con: duckdb.DuckDBPyConnection, table: str, file: Path,
              encoding: str | None) -> _Source:
    if file.stat().st_size == 0:
        raise StructuralError(f"{file.name}: empty file (zero bytes)")
    if file.suffix.lower() == ".csv":
        dialect = _csv.sniff(file, encoding)
        names = [(f"c{i}", name, "VARCHAR") for i, name in enumerate(dialect.header)]
        kind = "csv"
    else:
        dialect = None
        try:
            desc = con.execute("DESCRIBE SELECT * FROM read_parquet($path)",
                               {"path": str(file)}).fetchall()
            n_rows = con.execute("SELECT sum(num_rows) FROM parquet_file_metadata($path)",
                                 {"path": str(file)}).fetchall()[0][0]
        except duckdb.Error as exc:
            raise StructuralError(f"{file.name}: not a readable Parquet file "
                                  f"({_first_line(exc)})") from None
        if not n_rows:
            raise StructuralError(f"{file.name}: empty file (no data rows)")
        names = [(name, name, typ) for name, typ, *_ in desc]
        kind = "parquet"
    header = [display for _, display, _ in names]
    columns = columns_for(table, header)
    lookup: dict[str, tuple[str, str]] = {}
    for src, display, typ in names:
        lookup.setdefault(display.strip().lower(), (src, typ))
    source: dict[str, tuple[str, str]] = {}
    for col in columns:
        matches = [d for _, d, _ in names if d.strip().lower() == col.name.lower()]
        if len(matches) > 1:
            raise StructuralError(f"{file.name}: column {col.name} appears "
                                  f"{len(matches)} times ({', '.join(matches)})")
        if matches:
            source[col.name] = lookup[col.name.lower()]
        elif col.required:
            raise StructuralError(f"{file.name}: missing required column {col.name}")
    known = {c.name.lower() for c in columns}
    extra = [d for d in header if d.strip().lower() not in known]
    return _Source(table, file, kind, columns, source, dialect, extra)


class _Params:
    """Collect bound parameters while SQL text is assembled: ``p(value) -> "$p3"``."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def __call__(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return "$" + name


class _Loader:
    """Stage, check and split the files of one extract on one connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, sources: dict[str, _Source],
                 temp_dir: Path) -> None:
        self.con = con
        self.sources = sources
        self.temp_dir = temp_dir
        self.snapshot: dict[str, str] = {}         # table -> its staged Parquet file
        self.raw_kept: dict[str, set[str]] = {}   # table -> columns whose raw value is staged
        self.read: dict[str, int] = {}
        self.institutions = list(known_institutions())

    def sql(self, query: str, params: dict | None = None) -> list[tuple]:
        return self.con.execute(query, params or {}).fetchall()

    def run(self) -> dict[str, dict[str, int]]:
        # A permanent table from the start: the kept views read it.
        self.sql('CREATE TABLE rejects (file VARCHAR, "row" BIGINT, "column" VARCHAR, '
                 "reason VARCHAR)")
        for table, src in self.sources.items():   # all structural faults before any check
            self._stage(src)
        for table in ("pasienter", "episoder", "akuttkontakter", "handlingsplaner"):
            if table in self.sources:
                self._check(self.sources[table])
                self._keep(self.sources[table])
            else:
                cols = ", ".join(f"{_q(c.name)} {c.type}" for c in columns_for(table, []))
                self.sql(f"CREATE TABLE {table} ({cols})")
        self.sql("SET preserve_insertion_order = true")   # views bind ``rejects`` by name
        self.sql('CREATE OR REPLACE TABLE rejects AS SELECT * FROM rejects '
                 'ORDER BY list_position($files, file), "row", "column", reason',
                 {"files": list(ALL_FILES)})
        self.sql("SET preserve_insertion_order = false")
        counts = {}
        for table in self.sources:
            rejected = self.sql('SELECT count(DISTINCT "row") FROM rejects WHERE file = $f',
                                {"f": table})[0][0]
            kept = self.sql(f"SELECT count(*) FROM {table}")[0][0]
            counts[table] = {"read": self.read[table], "kept": kept, "rejected": rejected}
            if self.read[table] != kept + rejected:  # pragma: no cover - a loader bug
                raise AssertionError(f"{table}: counts do not reconcile: {counts[table]}")
        self.sql("DROP TABLE _rejected_persons")
        return counts

    # -- reading --------------------------------------------------------------------
    def _stage(self, src: _Source) -> None:
        """Write ``_row``, the typed columns and the raw values of the columns whose
        conversion can fail (``"_raw_<name>"``) to ``<temp_dir>/<table>.parquet``,
        and create the view ``_stg_<table>`` over it."""
        table, name = src.table, src.path.name
        p = _Params()
        if src.kind == "csv":
            self._read_csv(src)
            from_sql = f"_csv_{table}"
        else:
            from_sql = f"(SELECT *, file_row_number + 1 AS _row FROM read_parquet({p(str(src.path))}, " \
                       "file_row_number = true))"
        inner, outer, raw_kept = ["_row"], ["_row"], set()
        for col in src.columns:
            if col.name not in src.source:
                outer.append(f"CAST(NULL AS {col.type}) AS {_q(col.name)}")
                continue
            s_name, s_type = src.source[col.name]
            raw = f"_raw_{col.name}"
            clean = f"NULLIF(trim({_q(s_name)}), '')" if s_type == "VARCHAR" else _q(s_name)
            inner.append(f"{clean} AS {_q(raw)}")
            outer.append(f"{typed_expr(col, _q(raw), s_type, p)} AS {_q(col.name)}")
            if col.type != s_type and col.type != "VARCHAR":
                outer.append(_q(raw))
                raw_kept.add(col.name)
        query = f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {from_sql})"
        staged = self.snapshot[table] = str(self.temp_dir / f"{table}.parquet")
        try:   # streamed to disk: the typed rows are never all in memory
            self.con.sql(query, params=p.values).write_parquet(staged, compression="lz4_raw")
        except duckdb.Error as exc:
            raise StructuralError(f"{name}: unreadable file ({_first_line(exc)})") from None
        self.sql(f"DROP TABLE IF EXISTS _csv_{table}")
        self.con.read_parquet(staged).create_view(f"_stg_{table}", replace=True)
        self.raw_kept[table] = raw_kept
        if src.kind == "parquet":
            self.read[table] = self.sql(f"SELECT count(*) FROM _stg_{table}")[0][0]

    def _read_csv(self, src: _Source) -> None:
        """Read a CSV file as text into ``_csv_<table>`` (``_row`` and ``c0``, ``c1``, ...);
        malformed lines go to ``rejects``."""
        table, name = src.table, src.path.name
        params = _csv.read_params(src.path, src.dialect, table)
        self.sql("SET preserve_insertion_order = true")   # rowid follows the file
        try:
            self.sql(f"CREATE TEMP TABLE _csv_raw_{table} AS {_csv.READ_SQL}", params)
        except duckdb.Error as exc:
            raise StructuralError(f"{name}: unreadable CSV file ({_first_line(exc)})") from None
        finally:
            self.sql("SET preserve_insertion_order = false")
        errors = params["rejects_table"]
        header = [h.strip() for h in src.dialect.header]
        canonical = {c.name.lower(): c.name for c in src.columns}
        names = [canonical.get(h.lower(), h) for h in header]
        n_bad = self.sql(f"SELECT count(DISTINCT line) FROM {errors}")[0][0]
        n_ok = self.sql(f"SELECT count(*) FROM _csv_raw_{table}")[0][0]
        self.read[table] = n_ok + n_bad
        if n_ok + n_bad == 0:
            raise StructuralError(f"{name}: empty file (no data rows)")
        if n_bad == 0:
            self.sql(f"CREATE TEMP TABLE _csv_{table} AS "
                     f"SELECT rowid + 1 AS _row, * FROM _csv_raw_{table}")
        else:
            # Data row of a malformed line: its line number minus the header. The good
            # rows fill the remaining numbers in order.
            # One reject line per malformed line (DuckDB reports each missing field).
            self.sql(f"INSERT INTO rejects SELECT $file, line - 1, first.col, first.reason FROM ("
                     f"SELECT line, arg_min({{'col': $names[TRY_CAST(substr(column_name, 2) "
                     f"AS BIGINT) + 1], 'reason': 'malformed CSV row: ' || CASE error_type "
                     f"WHEN 'TOO MANY COLUMNS' THEN 'too many fields' "
                     f"WHEN 'MISSING COLUMNS' THEN 'too few fields' "
                     f"WHEN 'UNQUOTED VALUE' THEN 'unterminated quote' "
                     f"ELSE split_part(error_message, chr(10), 1) END}}, column_idx) AS first "
                     f"FROM {errors} GROUP BY line)", {"file": table, "names": names})
            self.sql(f"CREATE TEMP TABLE _csv_{table} AS "
                     f"WITH free AS (SELECT range AS n, row_number() OVER (ORDER BY range) - 1 AS k "
                     f"FROM range(1, $n + 1) WHERE range NOT IN (SELECT line - 1 FROM {errors})) "
                     f"SELECT free.n AS _row, c.* EXCLUDE (k) FROM "
                     f"(SELECT rowid AS k, * FROM _csv_raw_{table}) c JOIN free USING (k)",
                     {"n": n_ok + n_bad})
        self.sql(f"DROP TABLE _csv_raw_{table}")
        self.sql(f"DROP TABLE {errors}")
        self.sql(f"DROP TABLE {params['rejects_scan']}")

    # -- checking -------------------------------------------------------------------
    def _check(self, src: _Source) -> None:
        """Insert one ``rejects`` line per problem of ``_stg_<table>``."""
        table = src.table
        stg = f"_stg_{table}"
        p = _Params()
        f = p(table)
        parts = []

        def add(column: str, reason_sql: str, where: str, from_sql: str = stg) -> None:
            parts.append(f"SELECT {f}, _row, {p(column)}, {reason_sql} FROM {from_sql} WHERE {where}")

        for col in src.columns:
            if col.name not in src.source:
                continue
            c = _q(col.name)
            raw = _q(f"_raw_{col.name}") if col.name in self.raw_kept[table] else c
            if col.required:
                add(col.name, p("missing required value"), f"{raw} IS NULL")
            if col.name in self.raw_kept[table]:
                shown = f"left(CAST({raw} AS VARCHAR), 40)"
                add(col.name, f"concat({p('unparseable ' + UNPARSEABLE[col.type])}, ': ''', "
                    f"{shown}, '''')", f"{raw} IS NOT NULL AND {c} IS NULL")
            if col.codes is not None:
                codes = self.institutions if col.codes == "institusjoner" else list(col.codes)
                add(col.name, f"concat('unknown code: ''', left(CAST({c} AS VARCHAR), 40), '''')",
                    f"{c} IS NOT NULL AND NOT list_contains({p(codes)}, {c})")
        if table == "episoder":
            add("utdato", p("discharge before admission"),
                "utdato < inndato OR (utdato = inndato AND uttid < inntid)")
        if table in UNIQUE_ID:
            key = _q(UNIQUE_ID[table])
            add(UNIQUE_ID[table], "'duplicate id: first at row ' || d.first_row",
                "s._row > d.first_row",
                f"{stg} s JOIN (SELECT {key} AS id, min(_row) AS first_row FROM {stg} "
                f"WHERE {key} IS NOT NULL GROUP BY ALL HAVING count(*) > 1) d ON s.{key} = d.id")
        if table != "pasienter":
            add("lopenr",
                "CASE WHEN lopenr IN (SELECT lopenr FROM _rejected_persons) "
                "THEN 'person rejected in pasienter' ELSE 'person missing from pasienter' END",
                "lopenr IS NOT NULL AND lopenr NOT IN (SELECT lopenr FROM pasienter)")
        if table == "episoder":
            add("inndato", p("death before admission"),
                "s.doddato < s.inndato",
                f"(SELECT e._row, e.inndato, pa.doddato FROM {stg} e "
                "JOIN pasienter pa ON pa.lopenr = e.lopenr) s")
        self.sql("INSERT INTO rejects " + " UNION ALL ".join(parts), p.values)

    def _keep(self, src: _Source) -> None:
        """Create the typed view ``<table>`` over the staged Parquet file: the typed
        columns of the rows without a reject line (no copy of the data)."""
        table, stg = src.table, f"_stg_{src.table}"
        if table == "pasienter":   # for "person rejected in pasienter"
            self.sql(f"CREATE TEMP TABLE _rejected_persons AS SELECT DISTINCT lopenr FROM {stg} "
                     'WHERE lopenr IS NOT NULL '
                     'AND _row IN (SELECT "row" FROM rejects WHERE file = $f)', {"f": table})
        query = f"SELECT {', '.join(_q(c.name) for c in src.columns)} FROM read_parquet($path)"
        if self.sql("SELECT count(*) FROM rejects WHERE file = $f", {"f": table})[0][0]:
            query += ' WHERE _row NOT IN (SELECT "row" FROM rejects WHERE file = $f)'
        # the view keeps the bound values as constants (DuckDB writes them)
        self.con.sql(query, params={"path": self.snapshot[table], "f": table}
                     if "$f" in query else {"path": self.snapshot[table]}).create_view(table)
        self.sql(f"DROP VIEW {stg}")
