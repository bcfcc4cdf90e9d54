"""What every command shares: options, opening an extract, writing a table.

Commands stay thin: they parse, call the library, and hand the result to
:func:`write_table` (aggregate tables, suppressed by default) or
:func:`write_person_table` (person-level rows for the secure server).
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from readmit.errors import ParameterError

#: Said by every command that writes person-level rows.
SECURE_SERVER_NOTE = ("Person-level output: it must stay inside the secure server "
                      "(never in a report, an e-mail or a shared folder).")


class HelpFormatter(argparse.HelpFormatter):
    """An option's default appended to its help line
    unless the help already says it or there is none to say."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if ("default" in text or default is None or default is False
                or default == argparse.SUPPRESS or action.option_strings == []
                or isinstance(default, (list, tuple))):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


# ------------------------------------------------------------------ options
def add_extract_options(p: argparse.ArgumentParser) -> None:
    """EXTRACT_DIR and how it is read: encoding, aliases, the persistent database,
    memory and temporary folder, progress."""
    p.add_argument("extract_dir", metavar="EXTRACT_DIR",
                   help="the extract folder (episoder, pasienter, ... as .parquet or .csv)")
    add_reading_options(p)


def add_reading_options(p: argparse.ArgumentParser, *, again: bool = False) -> None:
    """The options of how the extract is read (all but EXTRACT_DIR).

    ``again``: the sub-command of a command that has them already
    (``readmit analyse EXTRACT trend --quiet``): the same options, accepted
    after the sub-command too, whose defaults do not override what was given
    before it (``argparse.SUPPRESS``)."""
    def default(value):
        return argparse.SUPPRESS if again else value

    g = p.add_argument_group("reading the extract")
    g.add_argument("--encoding", choices=["utf-8", "latin-1"], default=default(None),
                   help="encoding of CSV files (default: detected per file)")
    g.add_argument("--alias", action="append", default=default(None), metavar="COLUMN=NAME",
                   help="read the file's column NAME as readmit's COLUMN (e.g. lopenr=PersonID; "
                        "repeat; default: only the shipped NPR spellings such as LNr, pid)")
    g.add_argument("--aliases", default=default(None), metavar="FILE.yaml",
                   help="a YAML file of COLUMN: [NAME, ...] spellings, tried before the "
                        "shipped ones (default: none)")
    g.add_argument("--database", default=default(os.environ.get("READMIT_DATABASE") or None),
                   metavar="FILE",
                   help="keep the loaded, checked extract in this DuckDB file and reuse it "
                        "while the extract is unchanged (default: $READMIT_DATABASE, else "
                        "none: load every time)")
    g.add_argument("--memory-limit", default=default(None), metavar="SIZE",
                   help="DuckDB's memory limit, e.g. 4GB; beyond it DuckDB spills to the "
                        "temporary folder (default: $READMIT_MEMORY_LIMIT, else 60%% of RAM)")
    g.add_argument("--temp-dir", default=default(None), metavar="DIR",
                   help="folder for temporary files and spilled data (default: "
                        "$READMIT_TEMP_DIR, else the system's temporary folder)")
    add_quiet_option(p, again=again)


def add_quiet_option(p: argparse.ArgumentParser, *, again: bool = False) -> None:
    """``--quiet``: no progress bars (they are shown only on a terminal anyway);
    ``again`` as :func:`add_reading_options`."""
    p.add_argument("--quiet", action="store_true",
                   default=argparse.SUPPRESS if again else False,
                   help="no progress bars (they appear only when standard error is a "
                        "terminal, never in a file or a pipe)")


def extract_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`readmit.open` from the command's options."""
    from readmit.extract.aliases import aliases_file

    aliases: dict[str, tuple[str, ...]] = {}
    if getattr(args, "aliases", None):
        aliases.update(aliases_file(args.aliases))
    for item in getattr(args, "alias", None) or []:
        column, sep, name = item.partition("=")
        if not sep or not column.strip() or not name.strip():
            raise ParameterError(f"--alias must look like COLUMN=NAME (lopenr=PersonID), "
                                 f"not {item!r}")
        aliases[column.strip()] = (name.strip(), *aliases.get(column.strip(), ()))
    return {
        "encoding": getattr(args, "encoding", None),
        "aliases": aliases or None,
        "database": getattr(args, "database", None),
        "memory_limit": getattr(args, "memory_limit", None),
        "temp_dir": getattr(args, "temp_dir", None),
    }


def add_rule_options(p: argparse.ArgumentParser, *, sector: str | None = None) -> None:
    """The readmission rule's parameters (definitions.md), as options; ``sector``:
    this command's default sector (default: every sector)."""
    g = p.add_argument_group("the readmission rule (definitions.md)")
    g.add_argument("--window-days", type=int, default=30, metavar="DAYS",
                   help="a readmission is admitted at most this many days (x 24 h) after discharge")
    g.add_argument("--transfer-hours", type=float, default=8.0, metavar="HOURS",
                   help="episodes less than this many hours apart form one stay")
    g.add_argument("--min-age", type=int, default=None, metavar="YEARS",
                   help="only index stays of patients at least this old, in years "
                        "(67: the elderly indicator; default: all ages)")
    g.add_argument("--sector", choices=["somatic", "vop", "tsb", "all"], default=sector,
                   help="only index stays of this sector; 'all' follows readmissions across "
                        "sectors " + (f"(default: {sector})" if sector else
                                      "(default: every sector, each followed within itself)"))
    g.add_argument("--keep-deaths", action="store_true",
                   help="keep index stays whose patient died in the window, as not readmitted "
                        "(default: left out, as the national indicator does)")
    g.add_argument("--end-date", default=None, metavar="YYYY-MM-DD",
                   help="end of the data (default: the latest discharge in the extract)")
    g.add_argument("--years", default=None, metavar="YYYY-YYYY",
                   help="only index stays discharged in these years (default: all)")
    add_variant_options(p.add_argument_group(
        "SKDE's variant of the rule (docs/skde-differences.md)"))


def add_variant_options(g) -> None:
    """SKDE's variant of the rule and the elderly indicator's groups (docs/skde-differences.md)."""
    g.add_argument("--window", choices=["hours", "days"], default="hours",
                   help="hours: readmitted at most --window-days x 24 h after discharge; "
                        "days: 0 < admission date - discharge date < --window-days, as SKDE's "
                        "macro")
    g.add_argument("--link", choices=["first", "latest"], default="first",
                   help="first: an index stay's first acute stay after it; latest: each acute "
                        "stay readmits only the latest index stay before it, as SKDE's macro")
    g.add_argument("--exclude-planned-conditions", action="store_true",
                   help="acute stays whose main condition is on FHI's 2016 list (cancer, "
                        "external causes, injuries, Z factors) are not readmissions "
                        "(default: every acute stay counts)")
    g.add_argument("--elderly-group", default=None, metavar="GROUP",
                   help="only index stays in this group of the elderly indicator, e.g. "
                        "heart_failure ('all': any of the 11 groups; default: every stay)")


def rule_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :class:`readmit.Readmissions` from the options."""
    return {
        "window_days": args.window_days, "transfer_hours": args.transfer_hours,
        "min_age": args.min_age, "sector": args.sector, "keep_deaths": args.keep_deaths,
        "end_date": args.end_date, "years": args.years,
        "window": getattr(args, "window", "hours"), "link": getattr(args, "link", "first"),
        "exclude_planned_conditions": getattr(args, "exclude_planned_conditions", False),
        "elderly_group": getattr(args, "elderly_group", None),
    }


def add_out_option(p: argparse.ArgumentParser, *, required: bool = False,
                   what: str = "CSV file to write") -> None:
    p.add_argument("--out", required=required, default=None, metavar="FILE",
                   help=what + ("" if required else
                                " (default: print the table instead); its folder is created"))


def add_suppress_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-suppress", action="store_true",
                   help="write counts 1-4 and what is computed from them as they are, "
                        "for your own work inside the secure server (default: shown as <5)")


# ------------------------------------------------------------------ the extract
def open_extract(args: argparse.Namespace):
    """``readmit.open`` with the command's options; warns on stderr, one line per
    file, when rows were rejected. An unusable ``--out`` fails first, before
    any work."""
    import readmit

    if getattr(args, "out", None):
        output_path(args.out)
    ex = readmit.open(args.extract_dir, **extract_kwargs(args))
    warn_rejects(ex, args.extract_dir)
    return ex


def warn_rejects(extract, extract_dir: str) -> None:
    """``episoder: 12 rows rejected — readmit check EXTRACT for the reasons`` on
    stderr, one line per file with rejected rows."""
    for name, c in extract.counts.items():
        n = c.get("rejected", 0)
        if n:
            rows = "row" if n == 1 else "rows"
            print(f"{name}: {n:,} {rows} rejected — readmit check {extract_dir} "
                  "for the reasons", file=sys.stderr)


# ------------------------------------------------------------------ output
def output_path(path: str | Path) -> Path:
    """``path`` with its folder created."""
    out = Path(path)
    if out.exists() and out.is_dir():
        raise ParameterError(f"{path} is a folder; give a file name")
    for parent in reversed(out.parents):
        if parent.exists() and not parent.is_dir():
            raise ParameterError(f"cannot write {path}: {parent} is a file, not a folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def rounded(frame: pd.DataFrame, decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Rates, shares and intervals to 4 decimals, other floats to 2, unless given."""
    out = frame.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            d = (decimals or {}).get(c)
            if d is None:
                d = 4 if _is_share(c) else 2
            out[c] = out[c].round(d)
    return out


def _is_share(column: str) -> bool:
    return any(w in column for w in ("rate", "share", "ci_", "gini", "ratio", "cif", "survival",
                                     "limit", "p_value")) or column in {"p", "ph_test_p"}


def write_table(frame: pd.DataFrame, args: argparse.Namespace, *, counts: Sequence[str] = (),
                derived: Mapping[str, Sequence[str]] | None = None,
                decimals: Mapping[str, int] | None = None, note: str | None = None,
                columns: Sequence[str] | None = None, hidden: Sequence[str] = ()) -> None:
    """Write an aggregate table to ``args.out`` (CSV), or print it whole.

    Counts 1-4 and what is computed from them become ``<5`` unless
    ``args.no_suppress``; the command then says so. ``columns``: write only
    these, in this order; ``hidden``: count columns that decide what is
    suppressed but are not written (e.g. the number of persons a top-1 %
    share is computed from).
    """
    from readmit.privacy import displayed, small_cells

    table = rounded(with_trust_names(frame), decimals)
    suppress = not getattr(args, "no_suppress", False)
    any_hidden = False
    if suppress and counts:
        cells = small_cells(table, counts=list(counts), derived=derived)
        table = displayed(table, counts=list(counts), derived=derived)
    keep = [c for c in (columns if columns is not None else table.columns)
            if c not in set(hidden)]
    if suppress and counts:
        any_hidden = bool(cells[[c for c in cells.columns if c in keep]].to_numpy().any())
    table = table[keep]
    out = getattr(args, "out", None)
    if out:
        path = output_path(out)
        table.to_csv(path, index=False)
        print(f"wrote {len(table):,} rows to {path}")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None,
                               "display.width", 200):
            print(table.to_string(index=False))
    if note:
        print(note)
    if counts and not suppress:
        print("not suppressed (--no-suppress): counts 1-4 are shown; keep this table inside "
              "the secure server", file=sys.stderr)
    elif any_hidden:
        print("<5: a count from 1 to 4, and what is computed from it, is hidden "
              "(definitions.md, Small numbers)")


def with_trust_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A ``trust`` column with the trust's name (``Helse Fonna``) after
    ``institusjonID``, for the reader who does not know the codes."""
    if "institusjonID" not in frame.columns or "trust" in frame.columns:
        return frame
    from readmit.figures import trust_name

    out = frame.copy()
    at = list(out.columns).index("institusjonID") + 1
    out.insert(at, "trust", out["institusjonID"].map(
        lambda code: code if pd.isna(code) else trust_name(code)))
    return out


def write_person_table(relation_or_frame, out: str | Path, *, writer: Callable | None = None
                       ) -> Path:
    """Write person-level rows to ``out`` (CSV) and remind where they belong."""
    path = output_path(out)
    if writer is not None:
        writer(str(path))
    else:
        relation_or_frame.to_csv(path, index=False)
    print(SECURE_SERVER_NOTE, file=sys.stderr)
    return path


def period_note(period: tuple[int, int] | None, *, what: str = "index stays") -> str:
    """``"period: 2014-2019 (discharge years of the eligible index stays)"``."""
    if period is None:
        return f"no eligible {what} in the extract"
    lo, hi = period
    span = str(lo) if lo == hi else f"{lo}-{hi}"
    return f"period: {span} (discharge years of the eligible {what})"
