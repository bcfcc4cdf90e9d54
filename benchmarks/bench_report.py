"""Benchmark: the leaders' report (``readmit report``) on the default extract.

    .venv/bin/python benchmarks/bench_report.py                   # default extract, 3 runs
    .venv/bin/python benchmarks/bench_report.py --extract DIR --repeat 5
    .venv/bin/python benchmarks/bench_report.py --materialize-index-stays   # the experiment

Each run is a fresh subprocess that imports readmit, opens the extract
(``readmit.open``), builds each section of the report in order (the first
section to need a model builds it, and that time is counted in that
section), renders the page and writes it. Prints, per phase, the median
wall-clock time of ``--repeat`` runs (min-max beside it) and its CPU time
(all of DuckDB's threads: less sensitive to other jobs on a shared machine),
then the whole command's time, the file's size, the peak RSS and the
machine's load average before and after. The issue's targets: under 60 s and
under 15 MB for the default extract. Not a test: nothing passes or fails on
time.

``--materialize-index-stays`` is an experiment, not an option of readmit: before
the sections, it replaces the view ``mart_index_stays`` of the rule's schema by
a table of the same rows (the phase "materialize"), to measure what the
report would gain if the rule held its index stays as a table (every query of
the view joins int_index_stays, int_stays and the links again).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import DEFAULT_EXTRACT, vm_hwm_mb  # noqa: E402


def child(extract: str, out: str, result_path: str, materialize: str = "0") -> None:
    """One run: what ``readmit report EXTRACT --out OUT`` does, phase by phase."""
    start_all, cpu_all = time.perf_counter(), time.process_time()
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def timed(name, fn):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        times[name] = time.perf_counter() - start
        cpu[name] = time.process_time() - start_cpu
        return value

    readmit = timed("import", lambda: __import__("readmit"))
    from readmit import report
    from readmit.report.sections import ORDER

    ex = timed("open", lambda: readmit.open(extract))
    rule = readmit.Readmissions(ex)
    built = {}
    if materialize == "1":
        def as_table():
            s = rule.build("mart_index_stays")
            rule.con.execute(f"CREATE TABLE {s}.index_stays_table AS SELECT * FROM "
                             f"{s}.mart_index_stays")
            rule.con.execute(f"DROP VIEW {s}.mart_index_stays")
            rule.con.execute(f"ALTER TABLE {s}.index_stays_table RENAME TO mart_index_stays")
        timed("materialize", as_table)

    def section_hook(name):
        import importlib

        from readmit.report.context import ReportContext

        module = importlib.import_module(f"readmit.report.sections.{name}")
        return lambda: module.section(built.setdefault("ctx", ReportContext(rule)))

    for name in ORDER:
        timed(f"section {name}", section_hook(name))
    # the page as the command writes it (its sections built again from the same
    # models and cached tables would not be comparable: render the whole page anew)
    timed("whole page again (models built)",
          lambda: report.write_report(rule, out))
    ex.close()
    times["total"] = time.perf_counter() - start_all
    cpu["total"] = time.process_time() - cpu_all
    Path(result_path).write_text(json.dumps({"times": times, "cpu": cpu, "rss": vm_hwm_mb(),
                                             "size_mb": Path(out).stat().st_size / 1e6}))


def command_run(extract: str, out: str) -> float:
    """The wall-clock time of the command itself, as a user runs it."""
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "readmit"), "report", extract, "--out", out],
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--extract", default=str(DEFAULT_EXTRACT))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--materialize-index-stays", action="store_true",
                   help="the experiment: mart_index_stays as a table before the sections")
    args = p.parse_args()
    load_before = os.getloadavg()
    runs, commands = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            result = Path(tmp) / f"run{i}.json"
            subprocess.run([sys.executable, __file__, "--child", args.extract,
                            str(Path(tmp) / "phases.html"), str(result),
                            "1" if args.materialize_index_stays else "0"], check=True)
            runs.append(json.loads(result.read_text()))
            if not args.materialize_index_stays:
                commands.append(command_run(args.extract, str(Path(tmp) / "report.html")))
        size = (Path(tmp) / ("phases.html" if args.materialize_index_stays else
                             "report.html")).stat().st_size / 1e6
    load_after = os.getloadavg()
    print(f"readmit report {args.extract}: {args.repeat} runs, cores {os.cpu_count()}, "
          f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f}")
    print(f"{'phase':44s} {'wall s (median, min-max)':>26s} {'cpu s':>7s}")
    for name in runs[0]["times"]:
        walls = [r["times"][name] for r in runs]
        cpus = [r["cpu"][name] for r in runs]
        print(f"{name:44s} {statistics.median(walls):9.2f} ({min(walls):6.2f}-{max(walls):6.2f})"
              f" {statistics.median(cpus):7.2f}")
    if commands:
        print(f"{'readmit report (the command)':44s} {statistics.median(commands):9.2f} "
              f"({min(commands):6.2f}-{max(commands):6.2f})")
    print(f"file size {size:.1f} MB; peak RSS {max(r['rss'] for r in runs):.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
