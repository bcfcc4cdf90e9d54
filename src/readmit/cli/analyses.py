"""Handlers and options of the analyses of ``readmit analyse`` (readmit.analyses).

Each handler opens the extract, binds the rule, calls the library and hands
the table to :func:`readmit.cli.common.write_table`, which suppresses counts
1-4 (and what is computed from them) as ``<5`` unless ``--no-suppress``.
"""
from __future__ import annotations

import argparse

from readmit.cli.common import open_extract, period_note, rule_kwargs, write_table

#: Said by ``time-to-readmission --help``: what is hidden, and why.
TIME_TO_READMISSION_PRIVACY = (
    "Small numbers: a day whose risk set is 1-4 persons shows <5 for everything computed "
    "from it, and a cumulative incidence computed from 1-4 readmissions (deaths) so far is "
    "<5; a cumulative incidence of 0 is shown."
)


# ------------------------------------------------------------------ options
def trend_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default=None,
                   help="within each year, also group by: sector, institusjonID ('trust'), "
                        "or both, comma-separated (default: the year only)")


def los_band_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default="sector",
                   help="group by any of sector, year, institusjonID ('trust'), "
                        "comma-separated; '' for none")


def time_to_readmission_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default=None,
                   help="one of sector, institusjonID ('trust'), age_band, ready_for_discharge "
                        "(default: all index stays in one group, 'all')")
    p.add_argument("--horizon-days", type=int, default=365,
                   help="follow-up in days after discharge; the table has days 0 to this")
    p.epilog = TIME_TO_READMISSION_PRIVACY


def days_by_los_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sectors", default="vop,tsb",
                   help="comma-separated, from somatic, vop, tsb")
    p.add_argument("--horizon-days", type=int, default=365,
                   help="readmissions within this many days, among index stays followed "
                        "that long")


def ready_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default="year,institusjonID,sector",
                   help="year and any of institusjonID ('trust'), sector, comma-separated")


# ------------------------------------------------------------------ handlers
def _rule(ex, args: argparse.Namespace):
    from readmit import Readmissions

    return Readmissions(ex, **rule_kwargs(args))


def trend_command(args: argparse.Namespace) -> int:
    from readmit.analyses.trend import TREND_SUPPRESSION, trend

    with open_extract(args) as ex:
        r = _rule(ex, args)
        table = trend(r, by=args.by)
        period = r.period()
    write_table(table, args, **TREND_SUPPRESSION, note=period_note(period))
    return 0


def los_bands_command(args: argparse.Namespace) -> int:
    from readmit.analyses.length_of_stay import LOS_SUPPRESSION, rates_by_los_band

    with open_extract(args) as ex:
        r = _rule(ex, args)
        table = rates_by_los_band(r, by=args.by or None)
        period = r.period()
    derived = {k: v for k, v in LOS_SUPPRESSION["derived"].items() if k in table}
    write_table(table, args, counts=LOS_SUPPRESSION["counts"], derived=derived,
                note=period_note(period))
    return 0


def los_vs_readmission_command(args: argparse.Namespace) -> int:
    from readmit.analyses.length_of_stay import (LOS_SUPPRESSION, LOS_VS_READMISSION_COLUMNS,
                                                 los_vs_readmission)

    with open_extract(args) as ex:
        r = _rule(ex, args)
        table = los_vs_readmission(r)
        period = r.period()
    write_table(table, args, **LOS_SUPPRESSION, columns=LOS_VS_READMISSION_COLUMNS,
                note=period_note(period))
    return 0


def time_to_readmission_command(args: argparse.Namespace) -> int:
    from readmit.analyses._common import check_horizon, groupings
    from readmit.analyses.time_to_readmission import (TIME_TO_READMISSION_COLUMNS,
                                                      TIME_TO_READMISSION_GROUPINGS,
                                                      TIME_TO_READMISSION_SUPPRESSION,
                                                      time_to_readmission)

    check_horizon(args.horizon_days)            # before the extract is read
    groupings(args.by, TIME_TO_READMISSION_GROUPINGS)
    with open_extract(args) as ex:
        r = _rule(ex, args)
        table = time_to_readmission(r, by=args.by, horizon_days=args.horizon_days)
    write_table(table, args, **TIME_TO_READMISSION_SUPPRESSION,
                columns=TIME_TO_READMISSION_COLUMNS)
    return 0


def days_by_los_command(args: argparse.Namespace) -> int:
    from readmit.analyses.time_to_readmission import (DAYS_BY_LOS_SUPPRESSION,
                                                      days_to_readmission_by_los)

    with open_extract(args) as ex:
        r = _rule(ex, args)
        table = days_to_readmission_by_los(r, sectors=args.sectors,
                                           horizon_days=args.horizon_days)
    write_table(table, args, **DAYS_BY_LOS_SUPPRESSION, decimals={
        c: 1 for c in ("p10", "p25", "median", "p75", "p90", "mean_days")})
    return 0


def ready_command(args: argparse.Namespace) -> int:
    from readmit.analyses.ready_for_discharge import (READY_FOR_DISCHARGE_SUPPRESSION,
                                                      ready_for_discharge)

    with open_extract(args) as ex:
        r = _rule(ex, args)
        table = ready_for_discharge(r, by=args.by)
    write_table(table, args, **READY_FOR_DISCHARGE_SUPPRESSION)
    return 0
