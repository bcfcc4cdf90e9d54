"""The ``readmit`` command line.

Each sub-command is a thin wrapper: it parses arguments here and calls one
function, ``handler(args) -> int``, in the module that owns the capability.
Every :class:`readmit.errors.ReadmitError` becomes one line on stderr and
exit code 2; nothing else is caught.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from readmit.errors import ReadmitError


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2014-2019, not {text!r}")
    if hi < lo:
        raise argparse.ArgumentTypeError(f"years {text!r}: the last year is before the first")
    return lo, hi


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="readmit",
        description="Readmissions and frequent users in NPR-shaped extracts.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, target: str, help: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(_target=target)
        return sp

    g = add("generate", "readmit.synthetic.cli:generate",
            "Write a synthetic NPR-shaped extract calibrated to Helse Vest.")
    g.add_argument("out_dir")
    g.add_argument("--seed", type=int, default=2020)
    g.add_argument("--scale", type=float, default=1.0,
                   help="1.0 is the whole of Helse Vest (about 167 000 persons discharged a year)")
    g.add_argument("--years", type=_years, default=(2014, 2019), help="e.g. 2014-2019")
    g.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    g.add_argument("--config", default=None, help="a generator config YAML (default: the shipped one)")
    g.add_argument("--workers", type=int, default=None,
                   help="processes generating blocks in parallel (default: every core; "
                        "about 0.5 GB each); the tables do not depend on it")
    g.add_argument("--block-persons", type=int, default=None,
                   help="persons one worker generates at once, rounded up to whole units of "
                        "the config's generation.unit_persons (default: one unit); "
                        "the tables do not depend on it")

    c = add("check", "readmit.loader:check_command",
            "Read an extract, type it, and account for every row.")
    c.add_argument("extract_dir")
    c.add_argument("--json", action="store_true", help="print counts and rejects as JSON")
    c.add_argument("--encoding", choices=["utf-8", "latin-1"], default=None,
                   help="CSV encoding (default: detected)")

    cal = add("calibration", "readmit.calibration:calibration_command",
              "Compare an extract with the Helse Vest targets of domain.md.")
    cal.add_argument("extract_dir")
    cal.add_argument("--markdown", default=None, help="also write the table to this Markdown file")
    cal.add_argument("--json", action="store_true")

    def readmission_options(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("extract_dir")
        sp.add_argument("--out", required=True, help="CSV file to write")
        sp.add_argument("--window-days", type=int, default=30)
        sp.add_argument("--transfer-hours", type=float, default=8.0)
        sp.add_argument("--min-age", type=int, default=None)
        sp.add_argument("--sector", choices=["somatic", "vop", "tsb", "all"], default=None,
                        help="follow only this sector; 'all' follows across sectors "
                             "(default: each sector within itself, all listed)")
        sp.add_argument("--keep-deaths", action="store_true",
                        help="keep index stays whose patient died in the window, as not readmitted")
        sp.add_argument("--end-date", default=None,
                        help="end of the data, YYYY-MM-DD (default: the latest discharge)")

    r = add("readmissions", "readmit.readmissions:readmissions_command",
            "One row per index stay, with its 30-day readmission.")
    readmission_options(r)
    rt = add("rates", "readmit.readmissions:rates_command",
             "Readmission rates with Wilson 95% intervals, grouped.")
    readmission_options(rt)
    rt.add_argument("--by", default="year",
                    help="comma-separated: year, institusjonID, sector, age_band, sex, "
                         "icd_chapter, elderly_group, ready_for_discharge")

    s = add("simulate", "readmit.savings.cli:simulate_command",
            "What fewer readmissions would save: deterministic, scenarios, Monte Carlo.")
    s.add_argument("--extract", default=None, help="take baselines from this extract")
    s.add_argument("--bed-days", type=float, default=None)
    s.add_argument("--ukp-days", type=float, default=None)
    s.add_argument("--reduction", type=float, default=None)
    s.add_argument("--bed-day-cost", type=float, default=None)
    s.add_argument("--ukp-cost-municipality", type=float, default=None)
    s.add_argument("--ukp-cost-hospital", type=float, default=None)
    s.add_argument("--scenario", action="append", default=None,
                   help="a scenario YAML file (repeat to compare)")
    s.add_argument("--draws", type=int, default=0, help="Monte Carlo draws (0: deterministic only)")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--year", type=int, default=None,
                   help="baseline year of --extract (default: the latest), "
                        "and the year of --statutory-ukp-rate")
    s.add_argument("--trust", default=None, help="with --extract: only this institusjonID")
    s.add_argument("--sector", choices=["somatic", "vop", "tsb"], default=None,
                   help="with --extract: only this sector")
    s.add_argument("--statutory-ukp-rate", action="store_true",
                   help="price the municipality's ready-for-discharge day at the statutory "
                        "rate of the year instead of a given cost")
    s.add_argument("--json", action="store_true")

    n = add("run-notebook", "readmit.savings.notebook:run_notebook_command",
            "Run the savings notebook with parameters or scenarios to an offline HTML file.")
    n.add_argument("--scenario", action="append", default=None)
    n.add_argument("--param", action="append", default=None, metavar="NAME=VALUE",
                   help="a notebook or model parameter, VALUE read as YAML (repeat)")
    n.add_argument("--params", default=None, metavar="FILE",
                   help="a YAML file of NAME: VALUE parameters (--param overrides it)")
    n.add_argument("--out", required=True)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    module_name, _, func_name = args._target.partition(":")
    handler = getattr(importlib.import_module(module_name), func_name)
    try:
        return int(handler(args) or 0)
    except ReadmitError as exc:
        print(f"readmit {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
