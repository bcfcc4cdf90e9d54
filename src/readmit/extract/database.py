"""A loaded, checked extract kept in a DuckDB file, reused while the extract is unchanged.

``readmit.open(folder, database="extract.duckdb")`` (``--database FILE``)
writes the typed tables and ``rejects`` into the file once, with a record of
what they were built from (:func:`fingerprint`): the name, size and
modification time of every file of the extract, readmit's version, the
options that change the tables (encoding, aliases) and the reference codes
the checks use. A later open with the same fingerprint attaches the file
read-only and reads nothing else; any difference rebuilds it, into a new
file that then replaces the old one (so a reader never sees half a database,
and several processes can read one file at once).

Only the extract lives in the file. The readmission rule's models
(:class:`readmit.Readmissions`) are built in the in-memory connection that
attaches it, so a model from an earlier session or version is never trusted.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import duckdb

from readmit.errors import ParameterError
from readmit.extract.schema import known_institutions
from readmit.extract.sources import source_files

__all__ = ["fingerprint", "stored_fingerprint", "write_meta", "read_meta", "changes",
           "DATABASE_ALIAS", "META_TABLE", "FORMAT"]

#: The name the database file is attached under in the extract's connection.
DATABASE_ALIAS = "readmit_db"
#: The table recording what the database was built from, and the extract's summary.
META_TABLE = "_readmit"
#: Bumped when the layout of the database changes.
FORMAT = 1


def fingerprint(path: Path, *, encoding: str | None,
                aliases: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    """What a database of the extract in ``path`` is built from.

    Examples
    --------
    >>> import readmit, readmit.extract.aliases as a
    >>> fp = fingerprint(readmit.datasets.example_extract(), encoding=None,
    ...                  aliases=a.column_aliases())
    >>> sorted(f["name"] for f in fp["files"])[:2], fp["readmit"] == readmit.__version__
    (['akuttkontakter.csv', 'episoder.csv'], True)
    """
    from readmit import __version__

    files = []
    for table, file in sorted(source_files(path).items()):
        st = file.stat()
        files.append({"table": table, "name": file.name, "size": st.st_size,
                      "mtime_ns": st.st_mtime_ns})
    codes = hashlib.sha1("\n".join(known_institutions()).encode()).hexdigest()[:12]
    return {"format": FORMAT, "readmit": __version__, "encoding": encoding,
            "aliases": {k: list(v) for k, v in sorted(aliases.items())},
            "institutions": codes, "files": files}


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> str | None:
    """``None`` if ``old`` equals ``new``, else what differs, in words.

    Examples
    --------
    >>> a = {"format": 1, "readmit": "0.1", "files": [{"name": "e.csv", "size": 3}]}
    >>> changes(a, dict(a, readmit="0.2"))
    "readmit's version changed (0.1 -> 0.2)"
    >>> changes(a, dict(a, files=[{"name": "e.csv", "size": 4}]))
    'e.csv changed (size)'
    """
    if old is None:
        return "no record of what it was built from"
    if old == new:
        return None
    if old.get("readmit") != new.get("readmit"):
        return f"readmit's version changed ({old.get('readmit')} -> {new.get('readmit')})"
    if old.get("files") != new.get("files"):
        before = {f["name"]: f for f in old.get("files", [])}
        after = {f["name"]: f for f in new.get("files", [])}
        for name in sorted(set(before) | set(after)):
            if name not in before:
                return f"{name} is new"
            if name not in after:
                return f"{name} is gone"
            diff = [k for k in ("size", "mtime_ns") if before[name].get(k) != after[name].get(k)]
            if diff:
                what = " and ".join("modification time" if k == "mtime_ns" else k for k in diff)
                return f"{name} changed ({what})"
    for key, words in (("encoding", "the encoding"), ("aliases", "the aliases"),
                       ("institutions", "the reference codes of institusjoner"),
                       ("format", "the database layout")):
        if old.get(key) != new.get(key):
            return f"{words} changed"
    return "what it was built from changed"


def write_meta(con: duckdb.DuckDBPyConnection, database: str, fp: dict[str, Any],
               summary: dict[str, Any]) -> None:
    """Record the fingerprint and the extract's summary in ``database``."""
    con.execute(f"CREATE TABLE {database}.main.{META_TABLE} (key VARCHAR, value VARCHAR)")
    con.execute(f"INSERT INTO {database}.main.{META_TABLE} VALUES "
                "('fingerprint', $fp), ('summary', $summary)",
                {"fp": json.dumps(fp), "summary": json.dumps(summary, default=_default)})


def read_meta(con: duckdb.DuckDBPyConnection, database: str) -> dict[str, Any] | None:
    """``{"fingerprint": ..., "summary": ...}`` of an attached readmit database, or None
    if it is not one."""
    has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = $db "
                      "AND table_name = $t", {"db": database, "t": META_TABLE}).fetchall()[0][0]
    if not has:
        return None
    rows = dict(con.execute(f"SELECT key, value FROM {database}.main.{META_TABLE}").fetchall())
    try:
        return {k: json.loads(v) for k, v in rows.items()}
    except (TypeError, ValueError):
        return None


def stored_fingerprint(con: duckdb.DuckDBPyConnection, file: Path) -> dict[str, Any] | None:
    """The metadata of the readmit database ``file``, attached read-only as
    :data:`DATABASE_ALIAS` (left attached); ``None`` when the file does not exist.

    Raises
    ------
    ParameterError
        The file exists but is not a DuckDB database, or not one readmit wrote.
    """
    if not file.exists():
        return None
    try:
        con.execute(f"ATTACH $path AS {DATABASE_ALIAS} (READ_ONLY)", {"path": str(file)})
    except duckdb.Error as exc:
        raise ParameterError(f"database: {file} is not a DuckDB database readmit can open "
                             f"({str(exc).splitlines()[0]}); give another file name") from None
    meta = read_meta(con, DATABASE_ALIAS)
    if meta is None:
        con.execute(f"DETACH {DATABASE_ALIAS}")
        raise ParameterError(f"database: {file} is a DuckDB database that readmit did not "
                             "write; give another file name")
    return meta


def building_path(file: Path) -> Path:
    """A fresh file beside ``file`` to build the new database in."""
    return file.with_name(f".{file.name}.building-{os.getpid()}")


def _default(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot record {value!r}")
