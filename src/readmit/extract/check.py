"""``readmit check``: rows read, kept and rejected per file, and why each reject was made."""
from __future__ import annotations

import argparse
import json

from readmit.extract.loaded import Extract
from readmit.extract.schema import ALL_FILES

__all__ = ["check_command", "counts_table", "reject_lines"]

#: Rejects printed by ``readmit check`` without ``--json``.
SHOWN = 20


def check_command(args: argparse.Namespace) -> int:
    """``readmit check EXTRACT_DIR [--json] [extract options]``: counts and rejects.

    Prints rows read, kept and rejected per file, the aliases used for
    column names, and the first rejects with their data row and line (or,
    with ``--json``, ``{"files": {...}, "aliases": {...}, "rejects": [...]}``)
    and returns 0.

    Examples
    --------
    >>> from readmit.cli import main
    >>> main(["check", "extract/", "--json"])                        # doctest: +SKIP
    {"files": {"episoder": {"read": 3, "kept": 3, "rejected": 0}, ...}, "rejects": []}
    0
    """
    import readmit
    from readmit.cli.common import extract_kwargs

    shown = None if args.json else SHOWN
    with readmit.open(args.extract_dir, **extract_kwargs(args)) as ex:
        rejects = ex.con.execute(
            'SELECT file, "row", "column", reason, line FROM rejects '
            'ORDER BY list_position($files, file), "row", "column", reason LIMIT $n',
            {"files": list(ALL_FILES), "n": shown}).fetchall()
        if args.json:
            print(json.dumps({
                "files": ex.counts,
                "absent": [t for t in ALL_FILES if ex.files.get(t) is None],
                "aliases": ex.aliases_used,
                "rejects": [{"file": f, "row": r, "line": line, "column": c, "reason": why}
                            for f, r, c, why, line in rejects],
            }, ensure_ascii=False))
            return 0
        print(counts_table(ex))
        for table, used in ex.aliases_used.items():
            print(f"{ex.files[table]}: read " + ", ".join(f"{src} as {col}"
                                                         for col, src in used.items())
                  + " (aliases)")
        if ex.database is not None:
            print(f"database {ex.database}: {ex.database_status}")
        if rejects:
            problems = ex.con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
            rows = sum(c["rejected"] for c in ex.counts.values())
            print(f"\n{problems:,} problem(s) in {rows:,} rejected row(s)"
                  + (f"; the first {shown} (--json lists all):" if problems > shown else ":"))
            for line in reject_lines(ex, rejects):
                print("  " + line)
            print("(a data row counts the rows after the header from 1; a line of the file "
                  "counts the header as line 1)")
    return 0


def counts_table(ex: Extract) -> str:
    """Rows read, kept and rejected per file, aligned; an absent optional file says so."""
    head = ("file", "read", "kept", "rejected")
    rows = [head]
    absent = []
    for table in ALL_FILES:
        c = ex.counts.get(table)
        if c is None:
            absent.append(table)
            continue
        note = "" if c["read"] else "  (header only: no rows)"
        rows.append((table, f"{c['read']:,}", f"{c['kept']:,}", f"{c['rejected']:,}" + note))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join([r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].rjust(widths[2]),
                        r[3].rjust(len("rejected"))]).rstrip() for r in rows]
    for table in absent:
        lines.append(f"{table}: no file (optional: an empty table)")
    return "\n".join(lines)


def reject_lines(ex: Extract, rejects: list[tuple]) -> list[str]:
    """``episoder.csv data row 6, line 7 of the file, sektor: unknown code: '4'``."""
    out = []
    for file, row, column, reason, line in rejects:
        where = f"{ex.files.get(file) or file} data row {row:,}"
        if line is not None:
            where += f", line {line:,} of the file"
        out.append(f"{where}, {column or 'the whole row'}: {reason}")
    return out
