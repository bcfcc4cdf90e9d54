"""``readmit.open``: read, type and check an extract folder (or reuse its database)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from readmit import progress
from readmit.errors import ParameterError
from readmit.extract import csv as _csv
from readmit.extract import database as db
from readmit.extract.aliases import AliasesArg, column_aliases
from readmit.extract.loaded import Extract
from readmit.extract.loader import Loader
from readmit.extract.schema import ALL_FILES
from readmit.extract.sources import find_sources
from readmit.extract.sqltext import first_line

__all__ = ["open", "memory_limit_setting", "temp_dir_setting"]

#: Environment variables holding the defaults of ``memory_limit`` and ``temp_dir``.
MEMORY_LIMIT_ENV = "READMIT_MEMORY_LIMIT"
TEMP_DIR_ENV = "READMIT_TEMP_DIR"


def open(  # noqa: A001 - readmit.open, as the package exports it
    extract_dir: str | os.PathLike,
    *,
    encoding: str | None = None,
    aliases: AliasesArg = None,
    database: str | os.PathLike | None = None,
    memory_limit: str | None = None,
    temp_dir: str | os.PathLike | None = None,
) -> Extract:
    """Read, type and check an extract folder.

    Parameters
    ----------
    extract_dir : str or PathLike
        A folder with ``episoder`` and ``pasienter`` and optionally
        ``akuttkontakter`` and ``handlingsplaner``, each as ``.parquet`` or
        ``.csv``. An optional file that is absent, or has a header and no
        rows, gives an empty table.
    encoding : {"utf-8", "latin-1"}, optional
        Encoding of the CSV files; detected per file when ``None``.
    aliases : mapping or path, optional
        Other spellings of column names, tried before the shipped ones of
        NPR's deliveries (``readmit/extract/aliases.yaml``):
        ``{"lopenr": "PersonID"}`` or ``{"lopenr": ["PersonID", "pnr"]}``, or
        the path of a YAML file of that shape. Case never matters.
    database : str or PathLike, optional
        A DuckDB file to keep the loaded, checked extract in. If it holds
        this extract, unchanged (same files, sizes and modification times,
        same readmit version and options), it is reused without reading the
        files; otherwise it is (re)built. See
        :attr:`Extract.database_status`.
    memory_limit : str, optional
        DuckDB's memory limit (``"4GB"``); beyond it DuckDB spills to
        ``temp_dir``. Default: ``$READMIT_MEMORY_LIMIT``, else 60 % of the
        machine's memory.
    temp_dir : str or PathLike, optional
        Where the extract's temporary folder goes (typed files, spilled
        data); removed on :meth:`Extract.close`. Default:
        ``$READMIT_TEMP_DIR``, else the system's temporary folder.

    Returns
    -------
    Extract

    Raises
    ------
    StructuralError
        Missing folder, required file or required column; a file with zero
        bytes or no header, or that is not CSV or Parquet.
    ParameterError
        An unknown encoding, a bad alias, memory limit or database file.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> ex.counts["pasienter"]["rejected"], ex.files["handlingsplaner"]
    (0, 'handlingsplaner.csv')
    >>> ex.close()
    >>> readmit.open("no/such/folder")
    Traceback (most recent call last):
    ...
    readmit.errors.StructuralError: no/such/folder: no such extract folder
    """
    if encoding is not None and (not isinstance(encoding, str)
                                 or encoding.lower() not in _csv.ENCODINGS):
        raise ParameterError(f"encoding must be utf-8 or latin-1, not {encoding!r}")
    enc = _csv.ENCODINGS[encoding.lower()] if encoding else None
    alias_map = column_aliases(aliases)
    path = Path(extract_dir)
    limit = memory_limit_setting(memory_limit)
    temp = tempfile.mkdtemp(prefix="readmit-duckdb-", dir=temp_dir_setting(temp_dir))
    try:
        con = duckdb.connect(":memory:", config={
            "temp_directory": temp, "memory_limit": limit, "preserve_insertion_order": False})
    except duckdb.Error as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise ParameterError(f"memory_limit: {limit!r} is not a memory size DuckDB accepts, "
                             f"such as '4GB' ({first_line(exc)})") from None
    progress.duckdb_tracking(con)
    try:
        if database is None:
            info = _load(con, path, enc, alias_map, Path(temp))
            return Extract(con, path.resolve(), temp_dir=temp, **info)
        file = Path(database)
        info, status = _open_database(con, path, enc, alias_map, Path(temp), file)
        return Extract(con, path.resolve(), temp_dir=temp, database=file.resolve(),
                       database_status=status, **info)
    except BaseException:
        try:
            con.close()
        finally:
            shutil.rmtree(temp, ignore_errors=True)
        raise


def memory_limit_setting(memory_limit: str | None = None) -> str:
    """``memory_limit``, else ``$READMIT_MEMORY_LIMIT``, else 60 % of physical memory.

    Examples
    --------
    >>> memory_limit_setting("3GB")
    '3GB'
    """
    if memory_limit:
        return str(memory_limit)
    if os.environ.get(MEMORY_LIMIT_ENV):
        return os.environ[MEMORY_LIMIT_ENV]
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1024, int(total * 0.6) >> 20)}MB"


def temp_dir_setting(temp_dir: str | os.PathLike | None = None) -> str | None:
    """``temp_dir``, else ``$READMIT_TEMP_DIR``, else None (the system's), created if missing."""
    chosen = temp_dir or os.environ.get(TEMP_DIR_ENV) or None
    if chosen is None:
        return None
    try:
        Path(chosen).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"temp_dir: cannot use {chosen} ({exc.strerror or exc})") from None
    return str(chosen)


# ----------------------------------------------------------------------- internals
def _load(con: duckdb.DuckDBPyConnection, path: Path, enc: str | None,
          alias_map: dict[str, tuple[str, ...]], temp: Path, *,
          target: str | None = None) -> dict[str, Any]:
    """Load into views in ``con`` (or tables in the attached ``target``); the summary."""
    sources = find_sources(con, path, enc, alias_map)
    with progress.bar(f"loading {path.name}", total=Loader.steps(sources) + 1) as bar:
        counts = Loader(con, sources, temp, target=target, bar=bar).run()
        bar.describe("summarising")
        episoder = f"{target}.main.episoder" if target else "episoder"
        start, end = con.execute(f"SELECT min(inndato), max(utdato) FROM {episoder}"
                                 ).fetchall()[0]
        bar.advance()
    return {
        "counts": counts,
        "files": {t: (sources[t].path.name if t in sources else None) for t in ALL_FILES},
        "start_date": start, "end_date": end,
        "aliases_used": {t: s.aliases_used for t, s in sources.items() if s.aliases_used},
    }


def _open_database(con: duckdb.DuckDBPyConnection, path: Path, enc: str | None,
                   alias_map: dict[str, tuple[str, ...]], temp: Path, file: Path
                   ) -> tuple[dict[str, Any], str]:
    """Attach ``file`` if it holds this extract unchanged, else (re)build it first."""
    fp = db.fingerprint(path, encoding=enc, aliases=alias_map)
    meta = db.stored_fingerprint(con, file)   # attached read-only when it exists
    why = db.changes(meta.get("fingerprint") if meta else None, fp) if meta else "new"
    if why is None:
        _views(con)
        return _summary(meta["summary"]), "reused"
    if meta is not None:
        con.execute(f"DETACH {db.DATABASE_ALIAS}")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(f"database: cannot create the folder of {file} "
                             f"({exc.strerror or exc})") from None
    building = db.building_path(file)
    building.unlink(missing_ok=True)
    sources_ok = False
    try:
        find_sources(con, path, enc, alias_map)   # structural faults before writing anything
        sources_ok = True
        con.execute("ATTACH $path AS readmit_build", {"path": str(building)})
        info = _load(con, path, enc, alias_map, temp, target="readmit_build")
        db.write_meta(con, "readmit_build", fp, info)
        con.execute("DETACH readmit_build")
        os.replace(building, file)
    except BaseException:
        if sources_ok:
            try:
                con.execute("DETACH DATABASE IF EXISTS readmit_build")
            except duckdb.Error:
                pass
            for leftover in (building, Path(str(building) + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    con.execute(f"ATTACH $path AS {db.DATABASE_ALIAS} (READ_ONLY)", {"path": str(file)})
    _views(con)
    return info, ("built" if meta is None else f"rebuilt: {why}")


def _views(con: duckdb.DuckDBPyConnection) -> None:
    for table in (*ALL_FILES, "rejects"):
        con.execute(f'CREATE OR REPLACE VIEW main."{table}" AS '
                    f'SELECT * FROM {db.DATABASE_ALIAS}.main."{table}"')


def _summary(stored: dict[str, Any]) -> dict[str, Any]:
    def date(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    return {"counts": stored["counts"], "files": stored["files"],
            "start_date": date(stored["start_date"]), "end_date": date(stored["end_date"]),
            "aliases_used": stored.get("aliases_used", {})}

