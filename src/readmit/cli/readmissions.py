"""``readmit readmissions`` (person-level index stays) and ``readmit rates``."""
from __future__ import annotations

import argparse
import sys

from readmit import progress
from readmit.cli.common import (SECURE_SERVER_NOTE, add_extract_options, add_out_option,
                                add_rule_options, add_suppress_option, open_extract,
                                output_path, period_note, rule_kwargs, write_table)
from readmit.rule import GROUPINGS, INDEX_STAY_COLUMNS

#: Counts of the rates table, and what is computed from them.
RATE_COUNTS = ["n_index", "n_readmitted", "n_died_excluded", "n_incomplete"]
RATE_DERIVED = {c: ["n_index", "n_readmitted"] for c in ("rate", "ci_low", "ci_high")}


def register(add) -> None:
    r = add("readmissions", "readmit.cli.readmissions:readmissions_command",
            "One row per index stay, with its 30-day readmission (person-level).",
            "One row per index stay, with its 30-day readmission. " + SECURE_SERVER_NOTE)
    add_extract_options(r)
    add_out_option(r, required=True, what="CSV file to write (person-level)")
    add_rule_options(r)

    rt = add("rates", "readmit.cli.readmissions:rates_command",
             "Readmission rates with Wilson 95%% intervals, grouped.",
             "Readmission rates with Wilson 95% intervals, grouped. Counts 1-4, and the "
             "rates computed from them, are shown as <5 unless --no-suppress.")
    add_extract_options(rt)
    add_out_option(rt)
    rt.add_argument("--indicator", choices=["elderly"], default=None,
                    help="elderly: the national indicator for patients 67+ (somatic stays whose "
                         "main condition is in one of the 11 diagnosis groups) by year, trust "
                         "and group, exactly as published (default: plain rates)")
    rt.add_argument("--by", default="year",
                    help="comma-separated, any case: " + ", ".join(GROUPINGS)
                         + " ('trust' means institusjonID)")
    add_suppress_option(rt)
    add_rule_options(rt)


def readmissions_command(args: argparse.Namespace) -> int:
    """Write one row per index stay to ``--out``, straight from DuckDB (no DataFrame),
    timestamps as ISO 8601 text and flags as 0/1."""
    from readmit import Readmissions

    with open_extract(args) as ex:
        r = Readmissions(ex, **rule_kwargs(args))
        cols = ", ".join(
            f"strftime(\"{c}\", '%Y-%m-%dT%H:%M:%S') AS \"{c}\""
            if c in ("admitted_at", "discharged_at") else f'"{c}"'
            for c in INDEX_STAY_COLUMNS)
        path = output_path(args.out)
        r.build("mart_index_stays")
        with progress.bar("index stays", total=2) as bar:
            # the view's joins run once: its rows are kept for the CSV and the counts
            bar.describe("collecting the index stays")
            with bar.watch(ex.con):
                ex.con.execute(f"CREATE TEMP TABLE _readmissions_out AS SELECT {cols}, "
                               f"stay_id AS _stay_id, year AS _year FROM {r.schema}.mart_index_stays")
            bar.describe(f"writing {path.name}")
            with bar.watch(ex.con):
                ex.con.sql(f"SELECT {', '.join(chr(34) + c + chr(34) for c in INDEX_STAY_COLUMNS)} "
                           "FROM _readmissions_out ORDER BY lopenr, admitted_at, _stay_id") \
                    .write_csv(str(path), header=True)
        n, n_eligible, n_readmitted, first, last = ex.con.sql(
            "SELECT count(*), count(*) FILTER (WHERE eligible = 1),"
            " count(*) FILTER (WHERE eligible = 1 AND readmitted = 1),"
            " min(_year) FILTER (WHERE eligible = 1), max(_year) FILTER (WHERE eligible = 1)"
            " FROM _readmissions_out").fetchall()[0]
        period = None if first is None else (int(first), int(last))
    print(f"{n:,} index stays, {n_eligible:,} eligible, {n_readmitted:,} readmitted within "
          f"{args.window_days} days; {period_note(period)}")
    print(f"wrote {path}")
    print(SECURE_SERVER_NOTE, file=sys.stderr)
    return 0


def rates_command(args: argparse.Namespace) -> int:
    """Grouped rates with Wilson intervals, to ``--out`` or the screen."""
    from readmit import Readmissions
    from readmit.rule import grouping_names

    if args.indicator:
        return indicator_command(args)
    names = grouping_names(args.by, name="--by")
    with open_extract(args) as ex:
        r = Readmissions(ex, **rule_kwargs(args))
        frame = r.rates(by=names)
        period = r.period()
    write_table(frame, args, counts=RATE_COUNTS, derived=RATE_DERIVED,
                note=period_note(period))
    return 0


def indicator_command(args: argparse.Namespace) -> int:
    """``readmit rates EXTRACT --indicator elderly``: the elderly indicator table
    (``year, institusjonID, group, n_index, n_readmitted, rate, ci_low, ci_high``)."""
    from readmit.errors import ParameterError
    from readmit.indicator import INDICATOR_COLUMNS, elderly_indicator

    if args.sector not in (None, "somatic"):
        raise ParameterError("--indicator elderly follows somatic stays; drop --sector")
    if args.by != "year":
        raise ParameterError("--indicator elderly gives rows by year, trust and group; drop --by")
    if args.elderly_group is not None:
        raise ParameterError("--indicator elderly lists every group; drop --elderly-group")
    if args.years is not None:
        raise ParameterError("--indicator elderly covers every year; drop --years")
    rule = dict(window_days=args.window_days, transfer_hours=args.transfer_hours,
                min_age=67 if args.min_age is None else args.min_age,
                keep_deaths=args.keep_deaths, end_date=args.end_date, window=args.window,
                link=args.link, exclude_planned_conditions=args.exclude_planned_conditions)
    with open_extract(args) as ex:
        table = elderly_indicator(ex, **rule)
    years = sorted(table["year"].unique())
    note = (f"period: {years[0]}-{years[-1]}" if years else "no eligible index stays") + \
        "; rule: " + ", ".join(f"{k}={v}" for k, v in rule.items())
    write_table(table, args, counts=["n_index", "n_readmitted"], derived=RATE_DERIVED,
                columns=INDICATOR_COLUMNS, note=note)
    return 0
