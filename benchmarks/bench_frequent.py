"""Benchmark: every frequent-user analysis (issue 10) on the default extract.

    .venv/bin/python benchmarks/bench_frequent.py                       # /work/data/helse-vest
    .venv/bin/python benchmarks/bench_frequent.py --extract DIR --repeat 3

Opens the extract once (timed apart: loading is the loader's benchmark), then
``--repeat`` times: drops the rule's models and runs every analysis of
readmit.frequent from scratch - the SQL models they need (stays included) are
built by the first question that reads them - and draws every figure. Prints
each step's median seconds, the total with and without the stays (int_stays
is shared with every other analysis), the machine load beside them, and the
care-plan estimates with whether the difference-in-differences interval
covers the generator's ``care_plan_effect`` and how far the naive ratio lies
from 1 beside it. Not a test; timings taken while other jobs run are noisy.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import readmit
from readmit import frequent as fq


def steps(r):
    """(name, callable) in the order an analyst would run them."""
    panel = {}

    def care_panel():
        panel["p"] = fq.care_plan_panel(r)
        return panel["p"]

    return [
        ("stays (int_stays, shared)", lambda: r.build("int_stays")),
        ("resource_concentration", lambda: fq.concentration_figure(fq.resource_concentration(r))),
        ("lorenz_curve", lambda: fq.lorenz_figure(fq.lorenz_curve(r))),
        ("top_user_persistence", lambda: fq.top_user_persistence(r)),
        ("heavy_user_shares", lambda: fq.heavy_user_share_figure(fq.heavy_user_shares(r))),
        ("heavy_user_table_one", lambda: fq.heavy_user_table_one(r, suppress=True)),
        ("frequent_callers", lambda: fq.frequent_callers(r)),
        ("frequent_callers rolling", lambda: fq.frequent_callers(r, rolling=True)),
        ("frequent_caller_contacts", lambda: fq.frequent_caller_contacts_figure(
            fq.frequent_caller_contacts(r))),
        ("frequent_caller_trend", lambda: fq.frequent_caller_trend_figure(
            fq.frequent_caller_trend(r))),
        ("care_plan_panel", care_panel),
        ("care_plan_rate_ratios", lambda: fq.care_plan_rate_ratios(panel["p"])),
        ("care_plan_monthly + figure", lambda: fq.care_plan_figure(
            fq.care_plan_monthly(panel["p"]))),
        ("frequent_users (person-level)", lambda: fq.frequent_users(r)),
    ]


def cpu_seconds() -> float:
    """User + system CPU time of this process (all DuckDB threads): less
    sensitive than wall time to other jobs on a shared machine."""
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", default="/work/data/helse-vest")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    print(f"load before: {os.getloadavg()[0]:.2f} (1 min) on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    ex = readmit.open(args.extract)
    print(f"readmit.open: {time.perf_counter() - t0:.1f} s (not counted below)")
    times: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    totals, cpu_totals, loads = [], [], []
    for _ in range(args.repeat):
        r = readmit.Readmissions(ex)
        ex.con.execute(f"DROP SCHEMA IF EXISTS {r.schema} CASCADE")
        ex._built_models.pop(r.schema, None)
        r = readmit.Readmissions(ex)
        total = cpu_total = 0.0
        for name, step in steps(r):
            t, c = time.perf_counter(), cpu_seconds()
            step()
            dt, dc = time.perf_counter() - t, cpu_seconds() - c
            times.setdefault(name, []).append(dt)
            cpus.setdefault(name, []).append(dc)
            total += dt
            cpu_total += dc
        totals.append(total)
        cpu_totals.append(cpu_total)
        loads.append(os.getloadavg()[0])
    width = max(map(len, times))
    print(f"  {'step':<{width}}  {'wall':>8}  {'cpu':>8}")
    for name, ts in times.items():
        print(f"  {name:<{width}}  {statistics.median(ts):6.2f} s  "
              f"{statistics.median(cpus[name]):6.2f} s")
    stays = statistics.median(times["stays (int_stays, shared)"])
    stays_cpu = statistics.median(cpus["stays (int_stays, shared)"])
    print(f"total, median of {args.repeat}: wall {statistics.median(totals):.1f} s "
          f"({statistics.median(totals) - stays:.1f} s without the stays), cpu "
          f"{statistics.median(cpu_totals):.1f} s ({statistics.median(cpu_totals) - stays_cpu:.1f}"
          f" s without the stays); load during the runs {min(loads):.1f}-{max(loads):.1f}")

    from readmit.synthetic.config import load_config

    effect = load_config()["emergency"]["care_plan_effect"]
    table = fq.care_plan_rate_ratios(fq.care_plan_panel(readmit.Readmissions(ex)))
    print(table.round(3).to_string(index=False))
    did = table.set_index("estimate").loc["difference_in_differences"]
    naive = table.set_index("estimate").loc["plan_before_after"]
    print(f"generator care_plan_effect {effect}: DiD interval [{did.ci_low:.3f}, "
          f"{did.ci_high:.3f}] {'covers' if did.ci_low <= effect <= did.ci_high else 'MISSES'} "
          f"it; naive ratio {naive.rate_ratio:.3f} is "
          f"{'further from' if abs(naive.rate_ratio - 1) > abs(did.rate_ratio - 1) else 'nearer to'}"
          f" 1 than the DiD ratio {did.rate_ratio:.3f}")
    monthly = fq.care_plan_monthly(fq.care_plan_panel(readmit.Readmissions(ex)))
    print(monthly.pivot(index="month", columns="group", values="rate").round(2).T.to_string())
    ex.close()


if __name__ == "__main__":
    main()
