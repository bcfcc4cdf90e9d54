"""Frequent users on the command line.

``readmit analyse EXTRACT_DIR concentration | heavy-users | frequent-callers |
care-plans`` write aggregate tables (suppressed); ``readmit frequent-users``
writes one row per frequent user, for the secure server only.
"""
from __future__ import annotations

import argparse
import sys

from readmit.cli.common import (SECURE_SERVER_NOTE, add_extract_options, add_out_option,
                                open_extract, rule_kwargs, write_person_table, write_table)

#: Counts of the concentration table that are not written (the suppression
#: itself: readmit.frequent.concentration.CONCENTRATION_SUPPRESSION).
CONCENTRATION_HIDDEN = ["n_top1", "n_top5", "n_top10"]


def concentration_command(args: argparse.Namespace) -> int:
    """``readmit analyse EXTRACT_DIR concentration``: year, sector, measure, n_persons,
    top1_share, top5_share, top10_share, gini.

    A top-k share is the use of ⌈k·n/100⌉ persons: when that is 1-4 persons
    (top 1 % of at most 400, top 5 % of at most 80, top 10 % of at most 40)
    it is a share computed from a small number and shown as ``<5``; the
    Gini coefficient, computed from all n persons, only when n is 1-4.
    """
    from readmit import Readmissions
    from readmit.frequent.concentration import CONCENTRATION_COLUMNS, CONCENTRATION_SUPPRESSION

    with open_extract(args) as ex:
        table = Readmissions(ex, **rule_kwargs(args)).resource_concentration()
    write_table(table[CONCENTRATION_COLUMNS + CONCENTRATION_HIDDEN], args,
                **CONCENTRATION_SUPPRESSION,
                hidden=CONCENTRATION_HIDDEN,
                note="measure: bed_days (los_days of stays discharged in the year), drg_weight "
                     "(korrvekt of episodes of any omsorgsniva discharged in the year)")
    return 0


def heavy_users_command(args: argparse.Namespace) -> int:
    """``readmit analyse EXTRACT_DIR heavy-users``: heavy users' shares by year."""
    from readmit import Readmissions
    from readmit.frequent.heavy_users import HEAVY_USER_COUNTS, HEAVY_USER_DERIVED

    with open_extract(args) as ex:
        table = Readmissions(ex, **rule_kwargs(args)).heavy_user_shares()
    write_table(table, args, counts=HEAVY_USER_COUNTS, derived=HEAVY_USER_DERIVED)
    return 0


def caller_options(p: argparse.ArgumentParser) -> None:
    """``--contacts`` and ``--rolling``: who is a frequent user of AMK or legevakt."""
    p.add_argument("--contacts", type=int, default=10,
                   help="contacts with a service that make a frequent user")
    p.add_argument("--rolling", action="store_true",
                   help="count the contacts in any 365 days, not in the calendar year")
    p.add_argument("--years", default=None, metavar="YYYY-YYYY",
                   help="only these calendar years (default: all)")


def frequent_callers_command(args: argparse.Namespace) -> int:
    """``readmit analyse EXTRACT_DIR frequent-callers``."""
    from readmit import Readmissions
    from readmit.frequent.emergency import CALLER_COUNTS, CALLER_DERIVED

    with open_extract(args) as ex:
        table = Readmissions(ex, years=args.years).frequent_callers(
            threshold=args.contacts, rolling=args.rolling)
    write_table(table, args, counts=CALLER_COUNTS, derived=CALLER_DERIVED,
                note="service 'both': persons in contact with both services that year; "
                     "frequent with both")
    return 0


def care_plan_options(p: argparse.ArgumentParser) -> None:
    """``--months`` and ``--contacts`` of the care-plan analysis."""
    p.add_argument("--months", type=int, default=12,
                   help="months before and after each (pseudo-)start")
    p.add_argument("--contacts", type=int, default=10,
                   help="contacts with a service in a calendar year that make a frequent user")


def care_plans_command(args: argparse.Namespace) -> int:
    """``readmit analyse EXTRACT_DIR care-plans``: estimate, n_persons, rate_ratio,
    ci_low, ci_high (a ratio from a group of 1-4 persons is shown as ``<5``)."""
    from readmit import Readmissions
    from readmit.frequent.care_plans import CARE_PLAN_SUPPRESSION

    with open_extract(args) as ex:
        table = Readmissions(ex).care_plan_effects(months=args.months, threshold=args.contacts)
    write_table(table, args, **CARE_PLAN_SUPPRESSION, hidden=["n_plan", "n_comparison"],
                note="rate ratios after/before the (pseudo-)start; 95% intervals from a Poisson "
                     "model of person-month contacts with person-clustered errors")
    return 0


def register(add) -> None:
    p = add("frequent-users", "readmit.cli.frequent:frequent_users_command",
            "One row per frequent user in hospital, at AMK or legevakt (person-level).",
            "One row per frequent user - a heavy user in hospital (4 or more acute stays "
            "within 365 days) or a frequent user of AMK or legevakt (10 or more contacts in a "
            "calendar year) - with flags and counts. " + SECURE_SERVER_NOTE)
    add_extract_options(p)
    add_out_option(p, required=True, what="CSV file to write (person-level)")
    caller_options(p)
    p.add_argument("--transfer-hours", type=float, default=8.0,
                   help="episodes less than this many hours apart form one stay (hours)")


def frequent_users_command(args: argparse.Namespace) -> int:
    """Write one row per frequent user to ``--out`` (person-level)."""
    from readmit import Readmissions
    from readmit.frequent._common import has_rows

    with open_extract(args) as ex:
        r = Readmissions(ex, transfer_hours=args.transfer_hours, years=args.years)
        table = r.frequent_users(threshold=args.contacts, rolling=args.rolling)
        no_contacts = not has_rows(r, "akuttkontakter")
    path = write_person_table(table, args.out)
    print(f"{len(table):,} frequent users ({int(table.heavy_user.sum()):,} in hospital, "
          f"{int(table.frequent_amk.sum()):,} at AMK, {int(table.frequent_lv.sum()):,} at "
          f"legevakt, {int(table.shared_frequent.sum()):,} shared); wrote {path}")
    if no_contacts:
        print("the extract has no AMK or legevakt contacts (akuttkontakter is missing or "
              "empty): only heavy users in hospital are listed", file=sys.stderr)
    return 0
