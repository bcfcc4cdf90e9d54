"""Type, check and split the files of one extract: the typed tables and ``rejects``.

:class:`Loader` works on one DuckDB connection, after :mod:`readmit.extract.open`
has found every file and checked its structure. For each file it

1. **stages** the rows: a Parquet file whose columns already have their typed
   DuckDB types (or types that widen to them without loss, as the generator
   writes them) is not rewritten: it is linked (or copied) into the
   extract's temporary directory and read in place. Any other file (CSV, or
   Parquet with text columns) is typed in SQL and written once, streaming, to
   a typed Parquet snapshot there, with the raw value of every column whose
   conversion can fail;
2. **checks** the staged rows, one ``rejects`` line per problem
   (:mod:`readmit.extract.checks`);
3. **keeps** the rows without a reject line: a view over the staged file
   (no copy), or a table in the persistent database (``target``).

The reasons of rejects: :mod:`readmit.extract.checks`.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from readmit.errors import StructuralError
from readmit.extract import csv as _csv
from readmit.extract.checks import CHECK_ORDER, Checks
from readmit.extract.schema import ALL_FILES, columns_for, known_institutions, typed_expr
from readmit.extract.sqltext import PARAM, Params, first_line, lossless, q  # noqa: F401 (first_line: re-exported)

if TYPE_CHECKING:
    from readmit.extract.open import Source
    from readmit.progress import Bar

__all__ = ["Loader", "REJECTS_COLUMNS"]

#: The columns of the ``rejects`` table, in order.
REJECTS_COLUMNS = ("file", "row", "column", "reason", "line")

class Loader(Checks):
    """Stage, check and split the files of one extract on one connection.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    sources : dict
        Table name -> :class:`readmit.extract.open.Source` (present files only).
    temp_dir : Path
        The extract's temporary directory (staged files go there).
    target : str, optional
        An attached database to write the kept rows and ``rejects`` into as
        tables (a persistent database); default: views in the connection.
    bar : readmit.progress.Bar, optional
        Advanced by one per step (:meth:`steps` of them).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, sources: dict[str, Source],
                 temp_dir: Path, *, target: str | None = None, bar: Bar | None = None) -> None:
        self.con = con
        self.sources = sources
        self.temp_dir = temp_dir
        self.target = target
        self.bar = bar
        self.staged: dict[str, str] = {}          # table -> its staged Parquet file
        self.in_place: set[str] = set()           # tables read from their linked source
        self.raw_kept: dict[str, set[str]] = {}   # table -> columns whose raw value is staged
        self.read: dict[str, int] = {}
        self.int_keys: dict[str, set[str]] = {}   # table -> ids staged as integers (_key_<name>)
        self.proven: dict[str, set[tuple[str, str]]] = {}   # table -> checks proven by statistics
        self.ranges: dict[str, dict[str, tuple[int, int]]] = {}   # table -> integer column ranges
        self.src_cols: dict[str, set[str]] = {}   # table -> coded columns staged as _src_<name>
        self.institutions = list(known_institutions())

    @staticmethod
    def steps(sources: dict[str, Source]) -> int:
        """The number of progress steps of :meth:`run`."""
        return 3 * len(sources)

    def sql(self, query: str, params: dict | None = None) -> list[tuple]:
        """Run ``query`` with the ``params`` it names (a shared :class:`Params` may hold more)."""
        used = set(PARAM.findall(query))
        return self.con.execute(query, {k: v for k, v in (params or {}).items()
                                        if k in used}).fetchall()

    def _step(self, text: str):
        if self.bar is None:
            from contextlib import nullcontext
            return nullcontext()
        self.bar.describe(text)
        return self.bar.watch(self.con)

    def run(self) -> dict[str, dict[str, int]]:
        """Load every table; return per file ``{"read", "kept", "rejected"}``."""
        self.sql('CREATE TEMP TABLE _rejects (file VARCHAR, "row" BIGINT, "column" VARCHAR, '
                 "reason VARCHAR)")
        for src in self.sources.values():   # all structural faults before any check
            with self._step(f"reading {src.path.name}"):
                self._stage(src)
        for table in CHECK_ORDER:   # persons first: the other files are checked against them
            if table in self.sources:
                with self._step(f"checking {self.sources[table].path.name}"):
                    self._check(self.sources[table])
        self._finish_rejects()
        for table in ALL_FILES:
            if table in self.sources:
                with self._step(f"keeping {self.sources[table].path.name}"):
                    self._keep(self.sources[table])
            else:
                cols = ", ".join(f"{q(c.name)} {c.type}" for c in columns_for(table, []))
                self.sql(f"CREATE TABLE {self._name(table)} ({cols})")
        counts = {}
        for table in self.sources:
            rejected = self.sql(f'SELECT count(DISTINCT "row") FROM {self._name("rejects")} '
                                "WHERE file = $f", {"f": table})[0][0]
            kept = self.sql(f"SELECT count(*) FROM {self._name(table)}")[0][0]
            counts[table] = {"read": self.read[table], "kept": kept, "rejected": rejected}
            if self.read[table] != kept + rejected:  # pragma: no cover - a loader bug
                raise AssertionError(f"{table}: counts do not reconcile: {counts[table]}")
        self.sql("DROP TABLE IF EXISTS _rejected_persons")
        self.sql("DROP TABLE IF EXISTS _kept_persons")
        self.sql("DROP TABLE _rejects")
        return counts

    def _name(self, table: str) -> str:
        return f"{self.target}.main.{q(table)}" if self.target else q(table)

    # -- reading --------------------------------------------------------------------
    def _stage(self, src: Source) -> None:
        """Make ``_stg_<table>``: ``_row``, the typed columns, and the raw values of the
        columns whose conversion can fail (``"_raw_<name>"``)."""
        if src.kind == "parquet" and all(lossless(t, c.type) for c in src.columns
                                         if c.name in src.source
                                         for t in [src.source[c.name][1]]):
            self._stage_in_place(src)
            return
        table, name = src.table, src.path.name
        p = Params()
        if src.kind == "csv":
            self._read_csv(src)
            from_sql = f"_csv_{table}"
        else:
            from_sql = (f"(SELECT *, file_row_number + 1 AS _row FROM "
                        f"read_parquet({p(str(src.path))}, file_row_number = true))")
        inner, outer, raw_kept = ["_row"], ["_row"], set()
        for col in src.columns:
            if col.name not in src.source:
                outer.append(f"CAST(NULL AS {col.type}) AS {q(col.name)}")
                continue
            s_name, s_type = src.source[col.name]
            raw = f"_raw_{col.name}"
            clean = f"NULLIF(trim({q(s_name)}), '')" if s_type == "VARCHAR" else q(s_name)
            inner.append(f"{clean} AS {q(raw)}")
            outer.append(f"{typed_expr(col, q(raw), s_type, p)} AS {q(col.name)}")
            if not lossless(s_type, col.type):
                outer.append(q(raw))
                raw_kept.add(col.name)
        query = f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {from_sql})"
        staged = self.staged[table] = str(self.temp_dir / f"{table}.parquet")
        try:   # streamed to disk: the typed rows are never all in memory
            self.con.sql(query, params=p.values).write_parquet(staged, compression="lz4_raw")
        except duckdb.Error as exc:
            raise StructuralError(f"{name}: unreadable file ({first_line(exc)})") from None
        self.sql(f"DROP TABLE IF EXISTS _csv_{table}")
        self.con.read_parquet(staged).create_view(f"_stg_{table}", replace=True)
        self.raw_kept[table] = raw_kept
        if src.kind == "parquet":
            self.read[table] = self.sql(f"SELECT count(*) FROM _stg_{table}")[0][0]

    def _stage_in_place(self, src: Source) -> None:
        """A Parquet file already typed: link (or copy) it, and type it in a view."""
        table = src.table
        staged = self.temp_dir / f"{table}.parquet"
        try:
            os.link(src.path, staged)
        except OSError:   # another file system, or a file we may not link to
            shutil.copyfile(src.path, staged)
        self.staged[table] = str(staged)
        self.in_place.add(table)
        self.raw_kept[table] = set()
        p = Params()
        cols = self._typed_columns(src, p)
        keys = ""
        for name in self._key_columns(src):   # integer ids: compared as they are, not as text
            keys += f", {q(src.source[name][0])} AS {q('_key_' + name)}"
            self.int_keys.setdefault(table, set()).add(name)
        for col in src.columns:   # the file's own value of each coded column (prefilters)
            if col.codes is not None and col.name in src.source:
                keys += f", {q(src.source[col.name][0])} AS {q('_src_' + col.name)}"
                self.src_cols.setdefault(table, set()).add(col.name)
        self.con.sql(f"SELECT file_row_number + 1 AS _row, {cols}{keys} "
                     f"FROM read_parquet({p(str(staged))}, file_row_number = true)",
                     params=p.values).create_view(f"_stg_{table}", replace=True)
        self.read[table] = self.sql("SELECT coalesce(sum(num_rows), 0) "
                                    "FROM parquet_file_metadata($path)",
                                    {"path": str(staged)})[0][0]
        self.proven[table] = self._proven_by_statistics(src, str(staged))

    @staticmethod
    def _typed_columns(src: Source, p: Params) -> str:
        """The typed columns of a linked Parquet file, as a SELECT list over it."""
        out = []
        for col in src.columns:
            if col.name not in src.source:
                out.append(f"CAST(NULL AS {col.type}) AS {q(col.name)}")
                continue
            s_name, s_type = src.source[col.name]
            clean = f"NULLIF(trim({q(s_name)}), '')" if s_type == "VARCHAR" else q(s_name)
            out.append(f"{typed_expr(col, clean, s_type, p)} AS {q(col.name)}")
        return ", ".join(out)

    def _read_csv(self, src: Source) -> None:
        """Read a CSV file as text into ``_csv_<table>`` (``_row`` and ``c0``, ``c1``, ...);
        malformed lines go to ``rejects``."""
        table, name = src.table, src.path.name
        params = _csv.read_params(src.path, src.dialect, table)
        self.sql("SET preserve_insertion_order = true")   # rowid follows the file
        try:
            self.sql(f"CREATE TEMP TABLE _csv_raw_{table} AS {_csv.READ_SQL}", params)
        except duckdb.Error as exc:
            raise StructuralError(f"{name}: unreadable CSV file ({first_line(exc)})") from None
        finally:
            self.sql("SET preserve_insertion_order = false")
        errors = params["rejects_table"]
        header = [h.strip() for h in src.dialect.header]
        column_of = {display.strip(): canonical for canonical, display in src.found.items()}
        names = [column_of.get(h, h) for h in header]
        n_bad = self.sql(f"SELECT count(DISTINCT line) FROM {errors}")[0][0]
        n_ok = self.sql(f"SELECT count(*) FROM _csv_raw_{table}")[0][0]
        self.read[table] = n_ok + n_bad
        if n_ok + n_bad == 0 and src.required:
            raise StructuralError(f"{name}: empty file (no data rows)")
        if n_bad == 0:
            self.sql(f"CREATE TEMP TABLE _csv_{table} AS "
                     f"SELECT rowid + 1 AS _row, * FROM _csv_raw_{table}")
        else:
            # Data row of a malformed line: its line number minus the header. The good
            # rows fill the remaining numbers in order.
            # One reject line per malformed line (DuckDB reports each missing field).
            self.sql(f"INSERT INTO _rejects SELECT $file, line - 1, first.col, first.reason FROM ("
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
    def _finish_rejects(self) -> None:
        """``rejects`` ordered by file, row and column, with the line of each CSV row."""
        exact = [t for t, s in self.sources.items()
                 if s.kind == "csv" and s.dialect.lines is not None
                 and s.dialect.lines - 1 == self.read[t]]
        self.sql("SET preserve_insertion_order = true")
        self.sql(f"CREATE TABLE {self._name('rejects')} AS "
                 'SELECT file, "row", "column", reason, '
                 'CASE WHEN list_contains($exact, file) THEN "row" + 1 END AS line FROM _rejects '
                 'ORDER BY list_position($files, file), "row", "column", reason',
                 {"files": list(ALL_FILES), "exact": exact})
        self.sql("SET preserve_insertion_order = false")

    def _keep(self, src: Source) -> None:
        """The typed table ``<table>``: the staged rows without a reject line, as a view
        over the staged file or (with a target database) a table."""
        table = src.table
        has_rejects = self.sql(f"SELECT count(*) FROM {self._name('rejects')} WHERE file = $f",
                               {"f": table})[0][0] > 0
        p = Params()
        if table in self.in_place:
            cols = self._typed_columns(src, p)
            row = "file_row_number + 1"
            path = p(self.staged[table])
            source = f"read_parquet({path}, file_row_number = true)" if has_rejects \
                else f"read_parquet({path})"
        else:
            cols = ", ".join(q(c.name) for c in src.columns)
            row = "_row"
            source = f"read_parquet({p(self.staged[table])})"
        query = f"SELECT {cols} FROM {source}"
        if has_rejects:
            query += (f' WHERE {row} NOT IN (SELECT "row" FROM {self._name("rejects")} '
                      f"WHERE file = {p(table)})")
        params = p.values
        if self.target:
            self.sql(f"CREATE TABLE {self._name(table)} AS {query}", params)
        else:   # the view keeps the bound values as constants (DuckDB writes them)
            self.con.sql(query, params=params).create_view(table)
        self.sql(f"DROP VIEW _stg_{table}")

