"""The loaded extract: :class:`Extract`, made by :func:`readmit.open`."""
from __future__ import annotations

import datetime as dt
import html
import shutil
import weakref
from pathlib import Path

import duckdb
import pandas as pd

from readmit.errors import MissingTableError, ParameterError
from readmit.extract.loader import REJECTS_COLUMNS
from readmit.extract.schema import ALL_FILES, TABLE_CONTENTS

__all__ = ["Extract", "require_table"]


class Extract:
    """A loaded extract: typed tables and rejects in a DuckDB connection.

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection
        Holds ``episoder``, ``pasienter``, ``akuttkontakter``,
        ``handlingsplaner`` (empty when the optional file is absent or has no
        rows) and ``rejects``. The typed tables are read-only: views over the
        typed files in the extract's temporary directory (later changes to
        the source files do not affect them), or over the tables of the
        persistent ``database``. The temporary directory is removed on
        :meth:`close` or garbage collection.
    path : pathlib.Path
        The extract folder.
    counts : dict[str, dict[str, int]]
        Per file present ``{"read": n, "kept": n, "rejected": n}``.
    files : dict[str, str or None]
        Per table the file it was read from (``"episoder.parquet"``), or None.
    start_date, end_date : datetime.date or None
        The earliest ``inndato`` and the latest ``utdato`` of the kept episodes.
    aliases_used : dict[str, dict[str, str]]
        Per table, the columns found under another name: ``{"lopenr": "LNr"}``.
    database : pathlib.Path or None
        The persistent database the tables are kept in, if any.
    database_status : str or None
        ``"built"``, ``"reused"`` or ``"rebuilt: <why>"``.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> ex.has("akuttkontakter"), ex.has("handlingsplaner")
    (True, True)
    >>> print(repr(ex).splitlines()[1])
    period: 20... to 2019-12-... (first admission to last discharge)
    >>> ex.close()
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, *,
                 counts: dict[str, dict[str, int]], files: dict[str, str | None],
                 start_date: dt.date | None, end_date: dt.date | None,
                 aliases_used: dict[str, dict[str, str]], temp_dir: str,
                 database: Path | None = None, database_status: str | None = None) -> None:
        self.con = con
        self.path = path
        self.counts = counts
        self.files = files
        self.start_date = start_date
        self.end_date = end_date
        self.aliases_used = aliases_used
        self.database = database
        self.database_status = database_status
        #: schema -> models built there (see readmit.Readmissions); in memory only
        self._built_models: dict[str, set[str]] = {}
        # The temporary directory goes with the connection (even if only ``con`` is kept).
        self._remove_temp = weakref.finalize(con, shutil.rmtree, temp_dir, True)

    # -- tables ---------------------------------------------------------------------
    @property
    def rejects(self) -> duckdb.DuckDBPyRelation:
        """The ``rejects(file, row, column, reason, line)`` table as a DuckDB relation."""
        return self.con.table("rejects")

    def rejects_frame(self) -> pd.DataFrame:
        """The rejects table as a DataFrame, ordered by file, row and column.

        ``row`` is the data row of the file (the header not counted); ``line``
        the line of a CSV file it is on (the header is line 1), when known.

        Examples
        --------
        >>> ex.rejects_frame().columns.tolist()                       # doctest: +SKIP
        ['file', 'row', 'column', 'reason', 'line']
        """
        cols = ", ".join(f'"{c}"' for c in REJECTS_COLUMNS)
        frame = self.con.sql(
            f'SELECT {cols} FROM rejects '
            'ORDER BY list_position($files, file), "row", "column", reason',
            params={"files": list(ALL_FILES)}).df()
        frame["line"] = frame["line"].astype("Int64")
        return frame

    def has(self, table: str) -> bool:
        """Whether the extract has rows of ``table`` (kept after the checks).

        Examples
        --------
        >>> ex.has("handlingsplaner")                                  # doctest: +SKIP
        False
        """
        _known_table(table)
        return self.counts.get(table, {}).get("kept", 0) > 0

    def require(self, table: str, *, analysis: str | None = None) -> None:
        """Raise :class:`readmit.errors.MissingTableError` (one line) unless the
        extract has rows of ``table``.

        Analyses of AMK and legevakt contacts or of care plans call this first,
        so an extract without them says so in one line.

        Parameters
        ----------
        table : {"akuttkontakter", "handlingsplaner", "episoder", "pasienter"}
        analysis : str, optional
            What needs the table, for the message (``"frequent callers"``).

        Examples
        --------
        >>> import pathlib, shutil, tempfile
        >>> import readmit
        >>> folder = pathlib.Path(tempfile.mkdtemp())   # a hospital delivery: no AMK, no plans
        >>> for name in ("episoder.csv", "pasienter.csv"):
        ...     _ = shutil.copy(readmit.datasets.example_extract() / name, folder)
        >>> with readmit.open(folder) as ex:
        ...     ex.require("handlingsplaner", analysis="care plans")
        Traceback (most recent call last):
        ...
        readmit.errors.MissingTableError: care plans: the extract has no handlingsplaner (individual care plans): no handlingsplaner file in ...
        """
        if self.has(table):
            return
        file = self.files.get(table)
        c = self.counts.get(table)
        if file is None:
            why = f"no {table} file in {self.path}"
        elif c and c["read"] == 0:
            why = f"{file} has a header and no rows"
        else:
            why = (f"all {c['read']:,} rows of {file} were rejected "
                   f"(readmit check {self.path} gives the reasons)")
        raise MissingTableError(f"{analysis + ': ' if analysis else ''}the extract has no "
                                f"{table} ({TABLE_CONTENTS[table]}): {why}")

    # -- life -----------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection and remove its temporary directory."""
        self.con.close()
        self._remove_temp()

    def __enter__(self) -> Extract:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- display --------------------------------------------------------------------
    def summary_rows(self) -> list[dict[str, object]]:
        """One row per table: ``table``, ``file``, ``read``, ``kept``, ``rejected``
        (counts None when the file is absent)."""
        rows = []
        for table in ALL_FILES:
            c = self.counts.get(table)
            rows.append({"table": table, "file": self.files.get(table),
                         "read": c["read"] if c else None, "kept": c["kept"] if c else None,
                         "rejected": c["rejected"] if c else None})
        return rows

    def _period(self) -> str:
        if self.start_date is None:
            return "no episodes kept"
        return f"{self.start_date} to {self.end_date} (first admission to last discharge)"

    def _notes(self) -> list[str]:
        notes = []
        for table, used in self.aliases_used.items():
            if used:
                notes.append(f"{table}: " + ", ".join(f"{src} read as {col}"
                                                      for col, src in used.items()))
        if self.database is not None:
            notes.append(f"database: {self.database} ({self.database_status})")
        return notes

    def __repr__(self) -> str:
        lines = [f"Extract {self.path}", f"period: {self._period()}"]
        table = [("file", "read", "kept", "rejected")]
        for r in self.summary_rows():
            if r["file"] is None:
                table.append((f"{r['table']} (no file)", "", "", ""))
            else:
                table.append((str(r["file"]), f"{r['read']:,}", f"{r['kept']:,}",
                              f"{r['rejected']:,}"))
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        lines += ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i])
                            for i, cell in enumerate(row)).rstrip() for row in table]
        lines += [f"aliases: {n}" if not n.startswith("database:") else n
                  for n in self._notes()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        head = "".join(f"<th>{h}</th>" for h in ("file", "read", "kept", "rejected"))
        body = []
        for r in self.summary_rows():
            if r["file"] is None:
                body.append(f"<tr><td>{e(r['table'])}</td><td colspan='3'><i>no file</i></td></tr>")
                continue
            style = " style='color:#D55E00'" if r["rejected"] else ""
            body.append(f"<tr><td>{e(str(r['file']))}</td><td>{r['read']:,}</td>"
                        f"<td>{r['kept']:,}</td><td{style}>{r['rejected']:,}</td></tr>")
        notes = "".join(f"<li>{e(n)}</li>" for n in self._notes())
        return (f"<div class='readmit-extract'><b>Extract</b> <code>{e(str(self.path))}</code>"
                f"<br>period: {e(self._period())}"
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def require_table(extract: Extract, table: str, *, analysis: str | None = None) -> None:
    """:meth:`Extract.require` as a function: raise a one-line
    :class:`readmit.errors.MissingTableError` unless ``extract`` has rows of ``table``.

    Examples
    --------
    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     require_table(ex, "akuttkontakter", analysis="frequent callers")
    """
    extract.require(table, analysis=analysis)


def _known_table(table: str) -> None:
    if table not in ALL_FILES:
        raise ParameterError(f"table must be one of {', '.join(ALL_FILES)}, not {table!r}")
