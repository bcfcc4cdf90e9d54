"""``readmit analyse EXTRACT_DIR ANALYSIS [options]``: one aggregate table per analysis.

Each analysis registers itself in :data:`ANALYSES` with a function adding its
options and the handler that runs it. ``readmit analyse --help`` lists them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from readmit.cli.common import (HelpFormatter, add_extract_options, add_out_option,
                                add_rule_options, add_suppress_option)


@dataclass(frozen=True)
class Analysis:
    """One analysis of ``readmit analyse``."""

    name: str
    help: str
    handler: str                        # "module:function" taking argparse.Namespace
    options: Callable | None = None     # adds the analysis' own options to its parser
    rule: bool = True                   # takes the readmission rule's options


#: Every analysis, in the order ``readmit analyse --help`` lists them.
ANALYSES: list[Analysis] = []


def register(add) -> None:
    p = add("analyse", "readmit.cli.analyse:analyse_command",
            "Run one analysis and write its aggregate table (readmit analyse --help lists them).",
            "Run one analysis on an extract and write its aggregate table as CSV. Counts 1-4, "
            "and what is computed from them, are shown as <5 unless --no-suppress.")
    add_extract_options(p)
    sub = p.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS",
                           title="analyses")
    for a in ANALYSES:
        sp = sub.add_parser(a.name, help=a.help, description=a.help,
                            formatter_class=HelpFormatter)
        sp.set_defaults(_analysis=a.handler)
        add_out_option(sp)
        add_suppress_option(sp)
        if a.options is not None:
            a.options(sp)
        if a.rule:
            add_rule_options(sp)


def analyse_command(args) -> int:
    import importlib

    module_name, _, func_name = args._analysis.partition(":")
    return int(getattr(importlib.import_module(module_name), func_name)(args) or 0)
