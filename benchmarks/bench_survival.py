"""Time six-month survival on the default extract: cohort, Kaplan–Meier by
every group, the Cox model (issue 9: under 60 s, peak memory under 3 GB).

Run: ``.venv/bin/python benchmarks/bench_survival.py [EXTRACT_DIR] [--repeat R]``
(default data/synthetic/helse-vest, the default extract ``make extract`` writes).

Each run is a fresh subprocess (so its peak RSS, ``ru_maxrss``, is its own):
``readmit.open`` (loading, reported apart), then the SQL models up to the
cohort, ``survival_curves`` + ``survival_at`` + ``logrank_test`` for every
grouping, and ``cox_model`` with the default covariates (fit, the
proportional-hazards test, concordance). Prints each step's median over the
runs, the total without loading, peak RSS and the machine's load average
(``os.getloadavg``) before and after: figures taken on a busy machine are
noisy, so re-run on a quiet one.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

DEFAULTS = [Path(__file__).resolve().parents[1] / "data/synthetic/helse-vest",
            Path("/work/data/helse-vest")]
GROUPS = ["readmitted", "ready_for_discharge", "age_band", "sector", "institusjonID",
          "frequent_user"]


def one_run(extract: str) -> dict:
    """One timed pass in this process; returns seconds per step and peak RSS."""
    import resource
    import time

    import readmit
    from readmit.survival import cox_model, logrank_test, survival_at, survival_curves

    steps: dict[str, float] = {}

    def timed(name, f):
        start = time.perf_counter()
        out = f()
        steps[name] = steps.get(name, 0.0) + time.perf_counter() - start
        return out

    ex = timed("load (readmit.open)", lambda: readmit.open(extract))
    r = readmit.Readmissions(ex)
    timed("SQL: stays, links", lambda: r.build("int_stays", "int_readmission_links"))
    timed("SQL: Charlson index (int_stay_comorbidity)", lambda: r.build("int_stay_comorbidity"))
    timed("SQL: cohort", lambda: r.build("mart_survival_cohort"))
    n = r.sql("SELECT count(*) FROM mart_survival_cohort WHERE first_in_period").fetchall()[0][0]
    for by in GROUPS:
        timed("Kaplan-Meier + log-rank, 6 groupings", lambda: (
            survival_curves(r, by=by), survival_at(r, by=by), logrank_test(r, by=by)))
    fit = timed("Cox (fit, PH test, concordance)", lambda: cox_model(r))
    ex.close()
    return {"steps": steps, "persons": int(n), "deaths_in_cox": fit.deaths,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("extract", nargs="?", default=None)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    extract = args.extract or next((str(d) for d in DEFAULTS if d.exists()), None)
    if extract is None:
        sys.exit("no extract: give EXTRACT_DIR (or run make extract)")
    if args.child:
        print(json.dumps(one_run(extract)))
        return
    load_before = os.getloadavg()
    runs = []
    for _ in range(args.repeat):
        out = subprocess.run([sys.executable, __file__, extract, "--child"], check=True,
                             capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    load_after = os.getloadavg()
    print(f"extract {extract}: {runs[0]['persons']:,} persons in the cohort, "
          f"{runs[0]['deaths_in_cox']:,} deaths in the Cox model; {args.repeat} runs, medians:")
    total = []
    for name in runs[0]["steps"]:
        values = [r["steps"][name] for r in runs]
        print(f"  {name:<40} {statistics.median(values):7.2f} s  "
              f"(min {min(values):.2f}, max {max(values):.2f})")
    for r in runs:
        total.append(sum(v for k, v in r["steps"].items() if not k.startswith("load")))
    print(f"  {'total without loading':<40} {statistics.median(total):7.2f} s  "
          f"(min {min(total):.2f}, max {max(total):.2f})")
    print(f"  peak RSS {max(r['peak_rss_mb'] for r in runs):,.0f} MB (largest run)")
    print(f"  load average (1, 5, 15 min) before {tuple(round(x, 1) for x in load_before)}, "
          f"after {tuple(round(x, 1) for x in load_after)} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
