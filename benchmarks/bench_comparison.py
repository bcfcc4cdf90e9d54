"""Benchmark: the fair comparison (issue 11) from an opened extract to the funnel.

    .venv/bin/python benchmarks/bench_comparison.py /work/data/helse-vest
    READMIT_MEMORY_LIMIT=3GB .venv/bin/python benchmarks/bench_comparison.py /work/data/hv-10m

Each run opens the extract and times, in one process: the rule's models up to
``mart_index_stays``; the comorbidity model with the risk model's options
(``int_stay_comorbidity``, the index stay's own conditions counted); the design
mart (``mart_comparison_design``); the risk model (patterns counted in DuckDB,
one binomial GLM per sector); the funnel per trust and per municipality; the
C-statistics (model and LACE) and the calibration deciles. It prints wall and
CPU seconds per step (CPU: all threads; steadier than wall time on a shared
machine), the step "comorbidity + model + funnel" (the issue's target: < 60 s
for the default extract's 1.3 M index stays, < 3 min at 10 M episodes), the
median over ``--runs`` fresh runs, the load average before and after, and the
peak RSS of the process. Not a test.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import readmit


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def one_run(extract: str) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each step of one fresh run."""
    from readmit.comorbidity import comorbidity_parameters

    steps: dict[str, tuple[float, float]] = {}

    def timed(name, fn):
        t0, c0 = time.perf_counter(), _cpu()
        out = fn()
        steps[name] = (time.perf_counter() - t0, _cpu() - c0)
        return out

    ex = timed("open", lambda: readmit.open(extract))
    r = readmit.Readmissions(ex)
    timed("rule (mart_index_stays)", lambda: r.build("mart_index_stays", "int_stays"))
    options = comorbidity_parameters(include_index_stay=True)
    timed("comorbidity (int_stay_comorbidity)",
          lambda: r.build("int_stay_comorbidity", options=options))
    timed("design (mart_comparison_design)",
          lambda: r.build("mart_comparison_design", options=options))
    model = timed("risk model (patterns + GLM per sector)", lambda: r.risk_model())
    timed("funnel per trust", lambda: r.funnel(model=model))
    timed("funnel per municipality", lambda: r.funnel(model=model, unit="komnr"))
    timed("C-statistics + calibration",
          lambda: (model.c_statistics(), model.calibration_by_decile()))
    n = int(model.patterns.n_index.sum())
    ex.close()
    keys = ["comorbidity (int_stay_comorbidity)", "design (mart_comparison_design)",
            "risk model (patterns + GLM per sector)", "funnel per trust"]
    steps["comorbidity + model + funnel"] = (sum(steps[k][0] for k in keys),
                                             sum(steps[k][1] for k in keys))
    steps["everything after open"] = (sum(v[0] for k, v in steps.items()
                                          if k not in ("open", "comorbidity + model + funnel")),
                                      sum(v[1] for k, v in steps.items()
                                          if k not in ("open", "comorbidity + model + funnel")))
    steps["_n_index"] = (n, n)
    steps["_patterns"] = (len(model.patterns), len(model.patterns))
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", nargs="?", default="data/synthetic/helse-vest",
                        help="an extract folder (default: make extract's)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    before = os.getloadavg()
    print(f"load average before {before[0]:.1f} {before[1]:.1f} {before[2]:.1f}, "
          f"{os.cpu_count()} cores, READMIT_MEMORY_LIMIT="
          f"{os.environ.get('READMIT_MEMORY_LIMIT', '(60% of RAM)')}", flush=True)
    runs = []
    for i in range(args.runs):
        runs.append(one_run(args.extract))
        print(f"run {i + 1}: " + ", ".join(
            f"{k} {v[0]:.1f} s" for k, v in runs[-1].items() if not k.startswith("_")),
            flush=True)
    print(f"{int(runs[0]['_n_index'][0]):,} eligible index stays, "
          f"{int(runs[0]['_patterns'][0]):,} covariate patterns (all sectors)")
    for key in (k for k in runs[0] if not k.startswith("_")):
        wall = [r[key][0] for r in runs]
        cpu = [r[key][1] for r in runs]
        print(f"{key:45s} wall {statistics.median(wall):6.1f} s median of {len(runs)} "
              f"({', '.join(f'{w:.1f}' for w in wall)}), CPU {statistics.median(cpu):6.1f} s")
    after = os.getloadavg()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"load average after {after[0]:.1f} {after[1]:.1f} {after[2]:.1f}; "
          f"peak RSS of the process {peak:.2f} GiB")


if __name__ == "__main__":
    main()
