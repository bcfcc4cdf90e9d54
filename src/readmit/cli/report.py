"""``readmit report``: the leaders' HTML report."""
from __future__ import annotations

import argparse

from readmit.cli.common import add_extract_options, add_rule_options, open_extract, rule_kwargs


def register(add) -> None:
    p = add("report", "readmit.cli.report:report_command",
            "Write the leaders' report: one self-contained HTML file that opens offline.",
            "Write the leaders' report: one self-contained HTML file (bokmål by default) that "
            "opens offline, with aggregates only: counts 1-4, and what is computed from them, "
            "are shown as <5.")
    add_extract_options(p)
    p.add_argument("--out", required=True, metavar="FILE.html",
                   help="the HTML file to write, e.g. reports/helse-vest.html (its folder is "
                        "created)")
    p.add_argument("--lang", choices=["nb", "en"], default="nb",
                   help="language: nb (bokmål) or en (English)")
    p.add_argument("--highlight", default=None, metavar="TRUST",
                   help="mark this trust (institusjonID, e.g. HFO) in every chart that shows "
                        "trusts (default: none)")
    p.add_argument("--scenario", action="append", default=None, metavar="FILE_OR_NAME",
                   help="a savings scenario YAML file or shipped name to compare; repeat for "
                        "several (default: 10%% fewer readmissions)")
    p.add_argument("--draws", type=int, default=2000, metavar="N",
                   help="Monte Carlo draws of the savings scenarios")
    p.add_argument("--seed", type=int, default=2020, metavar="N",
                   help="seed of the savings scenarios' draws (the same seed gives the same "
                        "report)")
    p.add_argument("--title", default=None,
                   help="the report's title (default: 'Reinnleggelser og utskrivningsklare "
                        "pasienter', in English 'Readmissions and patients ready for discharge')")
    add_rule_options(p)


def report_command(args: argparse.Namespace) -> int:
    from readmit import Readmissions
    from readmit.report import write_report

    with open_extract(args) as ex:
        r = Readmissions(ex, **rule_kwargs(args))
        path = write_report(r, args.out, lang=args.lang, highlight=args.highlight,
                            scenarios=args.scenario or (), title=args.title,
                            draws=args.draws, seed=args.seed)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0
