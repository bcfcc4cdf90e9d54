"""Benchmark: the comorbidity model (Charlson index and Elixhauser count per stay).

    .venv/bin/python benchmarks/bench_comorbidity.py /work/data/helse-vest
    READMIT_MEMORY_LIMIT=3GB .venv/bin/python benchmarks/bench_comorbidity.py /work/data/hv-10m

Opens the extract, builds the models up to ``int_episode_conditions`` (the stays),
then times ``int_stay_comorbidity`` alone (``readmit.sql.build_models``, median of
--repeat runs) with SKDE's defaults, with Quan 2011 weights and the hierarchy, and
with the index stay's own episodes added; then the whole ``stay_comorbidity`` call
(all models from the typed tables, plus the DataFrame of every stay). Prints
wall and CPU seconds (CPU: all threads; less sensitive to other jobs on a shared
machine), the stays and the peak RSS of the process (``ru_maxrss``). Not a test.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import readmit
from readmit import comorbidity, sql


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _median_seconds(fn, repeat: int) -> tuple[float, list[float], float]:
    """Median wall seconds, all wall times, and the median CPU seconds (all threads;
    less sensitive to other jobs than wall time on a shared machine)."""
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), _cpu()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(_cpu() - c0)
    return statistics.median(times), times, statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", nargs="?", default="data/synthetic/helse-vest",
                        help="an extract folder (default: make extract's)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f}, "
          f"READMIT_MEMORY_LIMIT={os.environ.get('READMIT_MEMORY_LIMIT', '(60% of RAM)')}")

    t0, c0 = time.perf_counter(), _cpu()
    ex = readmit.open(args.extract)
    print(f"open: {time.perf_counter() - t0:.1f} s, CPU {_cpu() - c0:.1f} s, "
          f"{ex.counts['episoder']['kept']:,} episodes")
    t0, c0 = time.perf_counter(), _cpu()
    sql.build(ex.con, models=["int_stays", "int_episode_conditions"])
    n_stays = ex.con.sql("SELECT count(*) FROM int_stays").fetchall()[0][0]
    print(f"stays (models up to int_stays): {time.perf_counter() - t0:.1f} s, "
          f"CPU {_cpu() - c0:.1f} s, {n_stays:,} stays")

    variants = {
        "SKDE defaults (charlson weights, no hierarchy, 365 days)": {},
        "quan2011 weights, hierarchy": {"weights": "quan2011", "hierarchy": True},
        "defaults + the index stay's own episodes": {"include_index_stay": True},
    }
    for label, options in variants.items():
        params = comorbidity.comorbidity_parameters(**options)
        med, times, cpu = _median_seconds(
            lambda p=params: sql.build_models(ex.con, ["int_stay_comorbidity"], p), args.repeat)
        print(f"int_stay_comorbidity, {label}: {med:.2f} s median of {args.repeat} "
              f"({', '.join(f'{t:.2f}' for t in times)}), CPU {cpu:.2f} s")

    t0 = time.perf_counter()
    frame = comorbidity.stay_comorbidity(ex)
    print(f"stay_comorbidity() from the typed tables, DataFrame of {len(frame):,} stays: "
          f"{time.perf_counter() - t0:.1f} s")
    print(f"stays with a Charlson index > 0: {(frame.charlson_index > 0).mean():.1%}; "
          f"mean index {frame.charlson_index.mean():.2f}; "
          f"mean Elixhauser count {frame.elixhauser_count.mean():.2f}")
    ex.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak RSS of the process: {peak:.2f} GiB")


if __name__ == "__main__":
    main()
