"""Benchmark: the readmission rule in readmit's and SKDE's variants, and the elderly indicator.

    .venv/bin/python benchmarks/bench_indicator.py                       # /work/data/helse-vest
    .venv/bin/python benchmarks/bench_indicator.py --extract DIR --repeat 5
    PYTHONPATH=/tmp/base/src .venv/bin/python benchmarks/bench_indicator.py --only-default

Opens the extract once, then times (median of --repeat runs, each on the open
extract): the SQL models up to ``mart_index_stays`` plus one whole read of the
mart (count and sum of ``readmitted`` over every column's row), for the default
rule and for ``window="days", link="latest", exclude_planned_conditions=True``;
then ``readmit.indicator.elderly_indicator`` in both variants. ``--only-default``
times the default rule alone, so that the same script measures a checkout
without the variant (e.g. ``git archive <commit> src``) for a before/after
comparison. Prints the machine's load beside the figures. Not a test.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time


def _median_seconds(fn, repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", default="/work/data/helse-vest")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only-default", action="store_true")
    args = ap.parse_args()

    import readmit
    from readmit import readmissions, sql

    print(f"readmit from {os.path.dirname(readmit.__file__)}; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    t = time.perf_counter()
    ex = readmit.open(args.extract)
    print(f"open: {time.perf_counter() - t:.1f} s")

    def rule(**kw):
        def run():
            sql.build(ex.con, readmissions.rule_parameters(**kw), models=["mart_index_stays"])
            ex.con.sql("SELECT count(*), sum(readmitted), sum(eligible), "
                       "sum(hours_to_readmission) FROM mart_index_stays").fetchall()
        return run

    runs = {"default rule (hours, first)": rule()}
    if not args.only_default:
        from readmit.indicator import elderly_indicator

        runs["SKDE rule (days, latest, exclusions)"] = rule(
            window="days", link="latest", exclude_planned_conditions=True)
        runs["elderly_indicator, default"] = lambda: elderly_indicator(ex)
        runs["elderly_indicator, SKDE (12 link builds)"] = \
            lambda: elderly_indicator(ex, window="days", link="latest")
    for name, fn in runs.items():
        med, lo, hi = _median_seconds(fn, args.repeat)
        print(f"{name}: {med:.2f} s median of {args.repeat} ({lo:.2f}-{hi:.2f})")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ex.close()


if __name__ == "__main__":
    main()
