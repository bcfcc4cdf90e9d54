"""``readmit mortality``: survival after discharge by group, and the Cox model."""
from __future__ import annotations

import argparse
import re
import sys

import numpy as np
import pandas as pd

from readmit.cli.common import (add_extract_options, add_out_option, add_rule_options,
                                add_suppress_option, open_extract, output_path, rounded,
                                rule_kwargs, write_table)

#: The columns of ``--out`` and ``--cox``, exactly.
MORTALITY_COLUMNS = ["group", "n", "deaths", "survival", "ci_low", "ci_high"]
COX_COLUMNS = ["covariate", "hazard_ratio", "ci_low", "ci_high", "p", "ph_test_p"]
#: "3 rows" in a model's note: a small count, shown as "<5 rows" unless --no-suppress.
_SMALL_ROWS = re.compile(r"(?<![\d,])[1-4] rows\b")
BY_CHOICES = ["readmitted", "ready_for_discharge", "age_band", "sector", "institusjonID",
              "frequent_user", "sex"]


def register(add) -> None:
    p = add("mortality", "readmit.cli.survival:mortality_command",
            "Survival after discharge (Kaplan-Meier by group) and a Cox model.",
            "Survival at the horizon after the discharge of each person's first index stay "
            "(definitions.md, Six-month mortality; stays admitted at least 365 days after the "
            "start of the data, so that prior stays are seen), Kaplan-Meier with 95% "
            "log(-log) intervals, by group, and the log-rank test across the groups; with --cox also the hazard ratios of a Cox model and its "
            "proportional-hazards test. Counts 1-4, and what is computed from them, are shown "
            "as <5 unless --no-suppress.")
    add_extract_options(p)
    add_out_option(p, required=True,
                   what="CSV file to write: group, n, deaths, survival, ci_low, ci_high")
    p.add_argument("--horizon-days", type=int, default=182,
                   help="follow-up ends this many days after discharge (or at the end of the "
                        "data); a death on the last day counts")
    p.add_argument("--by", default=None, metavar="|".join(BY_CHOICES[:-1]),
                   help="group by one of: " + ", ".join(BY_CHOICES)
                        + " ('trust' means institusjonID; default: everyone, group 'all')")
    p.add_argument("--every-stay", action="store_true",
                   help="every index stay instead of each person's first (n counts stays; the "
                        "Cox model's standard errors are clustered on the person)")
    p.add_argument("--cox", default=None, metavar="FILE.csv",
                   help="also fit a Cox model and write covariate, hazard_ratio, ci_low, "
                        "ci_high, p, ph_test_p to this CSV file (default: no Cox model)")
    add_suppress_option(p)
    add_rule_options(p)


def mortality_command(args: argparse.Namespace) -> int:
    """Write survival at the horizon by group (and, with --cox, hazard ratios)."""
    from readmit import Readmissions
    from readmit.survival import cox_model, logrank_test, survival_at
    from readmit.survival.cohort import check_horizon, group_name

    by = group_name(args.by)
    horizon = check_horizon(args.horizon_days)
    with open_extract(args) as ex:
        r = Readmissions(ex, **rule_kwargs(args))
        table = survival_at(r, by=by, days=[horizon], every_stay=args.every_stay)
        test = logrank_test(r, by=by, horizon_days=horizon, every_stay=args.every_stay) \
            if by and len(table) > 1 else None
        unit = "index stays" if args.every_stay else "persons (first index stay each)"
        note = f"survival {horizon} days after discharge; n: {unit}"
        if test is not None:
            row = test.iloc[0]
            note += (f"\nlog-rank test across {by}: chi-squared {row['test_statistic']:.2f} on "
                     f"{row['df']} df, p = {row['p']:.3g}")
        write_table(mortality_table(table, by), args, counts=["n", "deaths"],
                    derived={c: ["n", "deaths"] for c in ("survival", "ci_low", "ci_high")},
                    note=note)
        if args.cox:
            write_cox_table(cox_model(r, horizon_days=horizon, every_stay=args.every_stay), args)
    return 0


def mortality_table(table: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """The ``--out`` table: ``group`` as ``by=value`` (flags yes/no; ``all`` without by)."""
    out = table.rename(columns={by: "group"}) if by else table.copy()
    if by:
        out["group"] = [f"{by}={_value(v)}" for v in out["group"]]
    return out[MORTALITY_COLUMNS].reset_index(drop=True)


def write_cox_table(fit, args: argparse.Namespace) -> None:
    """Write the hazard ratios to ``--cox``; a term whose level has 1-4 persons or
    deaths is ``<5`` (with its interval and tests) unless ``--no-suppress``."""
    from readmit.privacy import displayed, small_cells

    table = rounded(fit.table)
    hidden = False
    if not args.no_suppress:
        rule = dict(counts=["n", "deaths"],
                    derived={c: ["n", "deaths"] for c in COX_COLUMNS[1:]})
        hidden = bool(small_cells(table, **rule).to_numpy().any())
        table = displayed(table, **rule)
    path = output_path(args.cox)
    table[COX_COLUMNS].to_csv(path, index=False)
    print(f"wrote {len(table):,} hazard ratios to {path} (concordance {fit.concordance:.3f}; "
          f"{fit.n:,} rows, {fit.deaths:,} deaths)")
    for line in fit.notes:
        print(f"  {line if args.no_suppress else _SMALL_ROWS.sub('<5 rows', line)}")
    if hidden:
        print("<5: a hazard ratio from 1 to 4 persons or deaths is hidden "
              "(definitions.md, Small numbers)")
    if args.no_suppress:
        print("not suppressed (--no-suppress): keep the hazard ratios inside the secure server",
              file=sys.stderr)


def _value(v) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "unknown"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    return str(v)
