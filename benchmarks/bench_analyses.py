"""Benchmark: the analyses of readmit.analyses (trend, length of stay, time to
readmission, ready for discharge) on the default extract and at 10 M episodes.

    .venv/bin/python benchmarks/bench_analyses.py                          # default extract
    READMIT_MEMORY_LIMIT=3GB .venv/bin/python benchmarks/bench_analyses.py \\
        --extract /work/data/hv-10m                                         # 10 M episodes

Each run is a fresh subprocess (so its peak RSS is its own) that opens the
extract (``readmit.open``), builds the rule's models up to
``mart_index_stays`` ("the rule is built"), then runs every analysis of the
issue once, each table and its figure: ``trend`` (and by sector and trust),
``rates_by_los_band``, ``los_vs_readmission``, ``time_to_readmission`` (all,
by sector, by trust, by age band, by ready for discharge),
``days_to_readmission_by_los`` and ``ready_for_discharge``. The first
analysis to need a mart builds it, and that time is counted in that
analysis. Prints the wall-clock time of each phase, the median of ``--repeat``
runs (min-max beside it), its CPU time (all threads: less sensitive to other
jobs on a shared machine), the peak RSS (VmHWM), and the machine's load average.
Not a test: nothing passes or fails on time.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import DEFAULT_EXTRACT, vm_hwm_mb  # noqa: E402


def child(extract: str, result_path: str) -> None:
    """One run: open, build the rule, run every analysis; write the timings as JSON."""
    t0 = time.perf_counter()
    import readmit

    times: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name, fn):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        times[name] = time.perf_counter() - start
        cpu[name] = time.process_time() - start_cpu
        return out

    ex = timed("open", lambda: readmit.open(extract))
    r = readmit.Readmissions(ex)
    timed("rule (models up to mart_index_stays)", lambda: r.build("mart_index_stays"))
    steps = {
        "trend (+ figure)": lambda: readmit.trend_figure(r.trend()),
        "trend by sector and trust": lambda: readmit.trend_figure(
            r.trend(by=["sector", "institusjonID"]), highlight="HBE"),
        "rates_by_los_band (+ figure)": lambda: readmit.rates_by_los_band_figure(
            r.rates_by_los_band()),
        "los_vs_readmission (+ bubble chart)": lambda: readmit.los_vs_readmission_figure(
            r.los_vs_readmission(), highlight="HBE"),
        "time_to_readmission, all (+ figure)": lambda: readmit.time_to_readmission_figure(
            r.time_to_readmission()),
        "time_to_readmission by sector": lambda: readmit.time_to_readmission_figure(
            r.time_to_readmission(by="sector")),
        "time_to_readmission by trust": lambda: readmit.time_to_readmission_figure(
            r.time_to_readmission(by="institusjonID"), highlight="HBE"),
        "time_to_readmission by age band": lambda: r.time_to_readmission(by="age_band"),
        "time_to_readmission by ready for discharge": lambda: r.time_to_readmission(
            by="ready_for_discharge"),
        "days_to_readmission_by_los (+ figure)": lambda: readmit.days_to_readmission_by_los_figure(
            r.days_to_readmission_by_los()),
        "ready_for_discharge (+ figure)": lambda: readmit.ready_for_discharge_figure(
            r.ready_for_discharge(by=["year", "institusjonID"]), highlight="HBE"),
    }
    for name, fn in steps.items():
        timed(name, fn)
    times["analyses in total"] = sum(times[k] for k in steps)
    cpu["analyses in total"] = sum(cpu[k] for k in steps)
    times["whole process (import, open, rule, analyses)"] = time.perf_counter() - t0
    cpu["whole process (import, open, rule, analyses)"] = time.process_time()
    episodes = ex.counts["episoder"]["kept"]
    n_index = r.sql("SELECT count(*) FROM mart_index_stays").fetchall()[0][0]
    ex.close()
    Path(result_path).write_text(json.dumps({
        "times": times, "cpu": cpu, "peak_rss_mb": vm_hwm_mb(), "episodes": episodes, "index_stays": n_index,
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--extract", default=str(DEFAULT_EXTRACT))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--result", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.extract, args.result)
        return
    runs = []
    loads = []
    for i in range(args.repeat):
        result = Path(f"/tmp/bench_analyses_{os.getpid()}_{i}.json")
        loads.append(os.getloadavg()[0])
        subprocess.run([sys.executable, __file__, "--child", "--extract", args.extract,
                        "--result", str(result)], check=True)
        runs.append(json.loads(result.read_text()))
        result.unlink()
    loads.append(os.getloadavg()[0])
    first = runs[0]
    print(f"extract: {args.extract} ({first['episodes']:,} episodes, "
          f"{first['index_stays']:,} index stays); READMIT_MEMORY_LIMIT="
          f"{os.environ.get('READMIT_MEMORY_LIMIT', '(default)')}; {args.repeat} runs; "
          f"1-min load average {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores")
    print(f"{'phase':<48} {'median s':>9} {'min-max s':>13}  {'CPU s (all threads)':>19}")
    for name in first["times"]:
        values = [run["times"][name] for run in runs]
        cpu = statistics.median(run["cpu"][name] for run in runs)
        print(f"{name:<48} {statistics.median(values):>9.2f} "
              f"{min(values):>6.2f}-{max(values):<6.2f}  {cpu:>19.2f}")
    peaks = [run["peak_rss_mb"] for run in runs]
    print(f"{'peak RSS (MB)':<48} {statistics.median(peaks):>9.0f} "
          f"{min(peaks):>6.0f}-{max(peaks):<6.0f}")


if __name__ == "__main__":
    main()
