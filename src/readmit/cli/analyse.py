"""``readmit analyse EXTRACT_DIR ANALYSIS [options]``: one aggregate table per analysis.

Each analysis registers itself in :data:`ANALYSES` with a function adding its
options and the handler that runs it. ``readmit analyse --help`` lists them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from readmit.cli import analyses as _opts
from readmit.cli.common import (HelpFormatter, add_extract_options, add_out_option,
                                add_reading_options, add_rule_options, add_suppress_option)


@dataclass(frozen=True)
class Analysis:
    """One analysis of ``readmit analyse``."""

    name: str
    help: str
    handler: str                        # "module:function" taking argparse.Namespace
    options: Callable | str | None = None   # adds the analysis' own options to its parser
    #                                         (a callable or "module:function")
    rule: bool = True                   # takes the readmission rule's options
    sector: str | None = None           # the rule's --sector default for this analysis


#: Every analysis, in the order ``readmit analyse --help`` lists them.
ANALYSES: list[Analysis] = [
    Analysis("trend", "Readmission rate (Wilson 95%% interval) and ready-for-discharge stays "
                      "and days, by discharge year.",
             "readmit.cli.analyses:trend_command", _opts.trend_options),
    Analysis("los-bands", "Readmission rate by length-of-stay band (0, 1, 2, 3-4, 5-7, 8-14, "
                          "15-29, 30+ days), by sector.",
             "readmit.cli.analyses:los_bands_command", _opts.los_band_options),
    Analysis("los-vs-readmission", "Mean length of stay and readmission rate per discharge "
                                   "year, trust and sector, with the catchment population.",
             "readmit.cli.analyses:los_vs_readmission_command"),
    Analysis("time-to-readmission", "Cumulative incidence of readmission with death as a "
                                    "competing event (Aalen-Johansen, 95%% interval), day by "
                                    "day.",
             "readmit.cli.analyses:time_to_readmission_command",
             _opts.time_to_readmission_options),
    Analysis("days-to-readmission-by-los", "Days to readmission by the length of the previous "
                                           "stay (quantiles; VOP and TSB by default).",
             "readmit.cli.analyses:days_by_los_command", _opts.days_by_los_options),
    Analysis("ready-for-discharge", "Ready-for-discharge stays, days and the statutory "
                                    "municipal payment; readmission rate with and without a "
                                    "ready-for-discharge date.",
             "readmit.cli.analyses:ready_command", _opts.ready_options),
    # frequent users (readmit.cli.frequent)
    Analysis("concentration",
             "Share of bed days and DRG weight used by the top 1/5/10%% of persons, and Gini, "
             "per year and sector.",
             "readmit.cli.frequent:concentration_command"),
    Analysis("heavy-users",
             "Heavy users in hospital (4+ acute stays in 365 days): their share of bed days, "
             "ready-for-discharge days and readmissions, per year.",
             "readmit.cli.frequent:heavy_users_command"),
    Analysis("frequent-callers",
             "Frequent users of AMK and legevakt (10+ contacts a year) and shared ones, per year.",
             "readmit.cli.frequent:frequent_callers_command",
             options="readmit.cli.frequent:caller_options", rule=False),
    Analysis("care-plans",
             "What care plans change: naive before/after rate ratios and the "
             "difference in differences against frequent users without a plan.",
             "readmit.cli.frequent:care_plans_command",
             options="readmit.cli.frequent:care_plan_options", rule=False),
    # the fair comparison (readmit.cli.comparison)
    Analysis("funnel",
             "Observed against expected readmissions (case-mix risk model) per trust or "
             "municipality, O/E with its 95%% interval and funnel plot limits (95%%, 99.8%%), "
             "overdispersion handled as NHS funnel plots.",
             "readmit.cli.comparison:funnel_command",
             options="readmit.cli.comparison:funnel_options", sector="somatic"),
]


def register(add) -> None:
    p = add("analyse", "readmit.cli.analyse:analyse_command",
            "Run one analysis and write its aggregate table (readmit analyse --help lists them).",
            "Run one analysis on an extract and write its aggregate table as CSV. Counts 1-4, "
            "and what is computed from them, are shown as <5 unless --no-suppress.")
    add_extract_options(p)
    sub = p.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS",
                           title="analyses")
    for a in ANALYSES:
        sp = sub.add_parser(a.name, help=a.help, description=a.help.replace("%%", "%"),
                            formatter_class=HelpFormatter)
        sp.set_defaults(_analysis=a.handler)
        add_out_option(sp)
        add_suppress_option(sp)
        if a.options is not None:
            _function(a.options)(sp)
        if a.rule:
            add_rule_options(sp, sector=a.sector)
        add_reading_options(sp, again=True)   # also after the analysis' name


def _function(target):
    """A callable, or ``"module:function"`` imported (so analyses register lazily)."""
    if callable(target):
        return target
    import importlib

    module_name, _, func_name = target.partition(":")
    return getattr(importlib.import_module(module_name), func_name)


def analyse_command(args) -> int:
    import importlib

    module_name, _, func_name = args._analysis.partition(":")
    return int(getattr(importlib.import_module(module_name), func_name)(args) or 0)
