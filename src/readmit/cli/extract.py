"""Commands that write, check and calibrate extracts: generate, check, calibration."""
from __future__ import annotations

import argparse

from readmit.cli.common import add_extract_options, add_suppress_option


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"years must look like 2014-2019, not {text!r}")
    if hi < lo:
        raise argparse.ArgumentTypeError(f"years {text!r}: the last year is before the first")
    return lo, hi


def register(add) -> None:
    g = add("generate", "readmit.synthetic.cli:generate",
            "Write a synthetic NPR-shaped extract calibrated to Helse Vest.")
    g.add_argument("out_dir", metavar="OUT_DIR", help="the folder to write the extract to")
    g.add_argument("--seed", type=int, default=2020, help="random seed (same seed, same tables)")
    g.add_argument("--scale", type=float, default=1.0,
                   help="size relative to Helse Vest: 1.0 is about 167 000 persons discharged "
                        "a year and 3.2 million episodes in six years")
    g.add_argument("--years", type=_years, default=(2014, 2019), metavar="YYYY-YYYY",
                   help="discharge years to generate (default: 2014-2019)")
    g.add_argument("--format", choices=["parquet", "csv"], default="parquet",
                   help="file format of the tables")
    g.add_argument("--config", default=None, metavar="FILE",
                   help="a generator config YAML (default: the shipped one)")
    g.add_argument("--workers", type=int, default=None, metavar="N",
                   help="processes generating blocks in parallel, about 0.5 GB each; the "
                        "tables do not depend on it (default: every core)")
    g.add_argument("--block-persons", type=int, default=None, metavar="N",
                   help="persons one worker generates at once, rounded up to whole units of "
                        "the config's generation.unit_persons; the tables do not depend on it "
                        "(default: one unit)")

    c = add("check", "readmit.loader:check_command",
            "Read an extract, type it, and account for every row.",
            "Read an extract, type every column, and account for every row: rows read = "
            "kept + rejected per file, with the reason of every reject. Exits 2 on a "
            "structural fault (missing file or column, empty or unreadable file).")
    add_extract_options(c)
    c.add_argument("--json", action="store_true", help="print counts and every reject as JSON")

    cal = add("calibration", "readmit.calibration:calibration_command",
              "Compare an extract with the Helse Vest targets of domain.md.",
              "Compare an extract with the Helse Vest targets of domain.md; exits 1 when a "
              "target is missed, saying how many. Made for the synthetic extract, it runs on "
              "any extract, so an achieved count from 1 to 4 is shown as <5 unless "
              "--no-suppress.")
    add_extract_options(cal)
    add_suppress_option(cal)
    cal.add_argument("--markdown", default=None, metavar="FILE",
                     help="also write the table to this Markdown file, its folder created "
                          "(default: printed only)")
    cal.add_argument("--json", action="store_true", help="print the table as JSON")
