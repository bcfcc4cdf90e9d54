"""The fair comparison on the command line (readmit.comparison).

``readmit analyse EXTRACT_DIR funnel`` writes O/E per trust or municipality
with its funnel plot's control limits; counts 1-4 (index stays or
readmissions) and everything computed from them are ``<5`` unless
``--no-suppress``.
"""
from __future__ import annotations

import argparse

from readmit.cli.common import open_extract, rule_kwargs, write_table

#: Said by ``funnel --help``: what the columns are and what is hidden.
FUNNEL_EPILOG = (
    "Columns: unit (institusjonID or komnr), n_index (eligible index stays), observed and "
    "expected readmissions (expected from the case-mix risk model, fitted per sector), ratio "
    "(O/E) with its exact Poisson 95% interval, the 95% and 99.8% control limits at the "
    "unit's expected count, and outside (above99.8, above95, below95, below99.8 or empty). "
    "Small numbers: a unit with 1-4 index stays or readmissions shows <5 for its counts and "
    "everything computed from them (its expected count and limits depend on its index stays "
    "only); it stays in the model and in the overdispersion estimate."
)


def funnel_options(p: argparse.ArgumentParser) -> None:
    from readmit.comparison import OVERDISPERSION, SR_METHODS

    p.add_argument("--unit", choices=["institusjonID", "komnr"], default="institusjonID",
                   help="compare trusts (the discharging one) or municipalities of residence "
                        "(komnr of the stay's first episode)")
    p.add_argument("--year", type=int, default=None, metavar="YEAR",
                   help="only index stays discharged this year (default: every year, all "
                        "eligible index stays: those with complete follow-up)")
    p.add_argument("--overdispersion", choices=OVERDISPERSION, default="additive",
                   help="additive: random-effects tau2 as NHS funnel plots (FunnelPlotR); "
                        "multiplicative: Spiegelhalter's phi; none: exact Poisson limits. "
                        "With phi <= 1 all three give the Poisson limits")
    p.add_argument("--sr-method", choices=SR_METHODS, default="SHMI",
                   help="z-scores for phi: SHMI (log scale, 10%% truncated; FunnelPlotR's "
                        "default) or CQC (square root, 10%% Winsorised; Spiegelhalter)")
    p.epilog = FUNNEL_EPILOG


def funnel_command(args: argparse.Namespace) -> int:
    from readmit import Readmissions
    from readmit.comparison import FUNNEL_COLUMNS, FUNNEL_SUPPRESSION, funnel

    with open_extract(args) as ex:
        r = Readmissions(ex, **rule_kwargs(args))
        table = funnel(r, unit=args.unit, year=args.year, overdispersion=args.overdispersion,
                       sr_method=args.sr_method)
        period = r.period()
    write_table(table, args, **FUNNEL_SUPPRESSION, columns=FUNNEL_COLUMNS,
                note=funnel_note(table, period=period, year=args.year))
    return 0


def funnel_note(table, *, period: tuple[int, int] | None, year: int | None) -> str:
    """One line: the sector, the years, the limits' method and phi/tau2."""
    first = table.iloc[0]
    years = str(year) if year is not None else (
        "-" if period is None else f"{period[0]}-{period[1]}")
    if first["overdispersion"] == "none":
        limits = "exact Poisson limits (no overdispersion adjustment)"
    elif not first["adjusted"]:
        limits = "exact Poisson limits (phi <= 1: no overdispersion)"
    else:
        limits = f"{first['overdispersion']} overdispersion adjustment"
    return (f"sector: {first['sector']}; years: {years}; {limits}; "
            f"phi = {first['phi']:.4f}, tau2 = {first['tau2']:.6f} "
            f"({first['sr_method']} z-scores)")
