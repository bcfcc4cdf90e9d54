"""What reading an extract safely costs: ``readmit readmissions`` against a bare DuckDB query.

Issue 14, item 3: at 10 M episodes the whole ``readmit readmissions`` (load,
check, rule, CSV) should cost at most 1.5x a bare DuckDB query of the same
rule straight over the raw Parquet files (``bare_readmissions.py``: no typing,
no checks, no rejects), under 3 GB. Both run here in the same session,
alternating, each in a fresh process (wall clock and peak RSS from
``wait4``), and their CSV files must be byte-identical. Then one more run of
``readmit readmissions`` is taken apart phase by phase (load and check:
staging, checks, kept views; the rule's models; collecting the index stays;
the CSV writer), and, with ``--database``, a second command reusing the
persistent database shows what is left once the extract is loaded.

    READMIT_MEMORY_LIMIT=3GB .venv/bin/python benchmarks/bench_overhead.py \\
        --extract /work/data/hv-10m --runs 3

It prints figures; it is not a test.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed_process(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run ``cmd``; its wall-clock seconds, peak RSS (MiB) and output."""
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak.json"
        # under peak_rss.py: the peak is the command's, not this process's
        proc = subprocess.run([sys.executable, str(HERE / "peak_rss.py"), str(peak_file), *cmd],
                              capture_output=True, text=True, env={**os.environ, **(env or {})})
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        peak = json.loads(peak_file.read_text())["peak_mib"]
    return {"seconds": seconds, "peak_mib": peak, "stdout": proc.stdout}


def readmit_cmd(extract: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "readmit", "readmissions", str(extract), "--out", str(out),
            "--quiet", *extra]


def phases(extract: Path, out: Path) -> dict:
    """``readmit readmissions`` in this process, timed phase by phase."""
    import readmit
    from readmit.extract import loader
    from readmit.rule import INDEX_STAY_COLUMNS

    times: dict[str, float] = {}

    def timed(name, f):
        def g(*a, **k):
            t = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                times[name] = times.get(name, 0.0) + time.perf_counter() - t
        return g

    for method, name in (("_stage", "load: staging (typing, snapshot)"),
                         ("_check", "load: reject checks"),
                         ("_finish_rejects", "load: rejects table"),
                         ("_keep", "load: kept tables")):
        setattr(loader.Loader, method, timed(name, getattr(loader.Loader, method)))
    t0 = time.perf_counter()
    ex = readmit.open(extract)
    times["load and check, total"] = time.perf_counter() - t0
    r = readmit.Readmissions(ex)
    t = time.perf_counter()
    r.build("mart_index_stays")
    times["rule: SQL models"] = time.perf_counter() - t
    cols = ", ".join(f"strftime(\"{c}\", '%Y-%m-%dT%H:%M:%S') AS \"{c}\""
                     if c in ("admitted_at", "discharged_at") else f'"{c}"'
                     for c in INDEX_STAY_COLUMNS)
    t = time.perf_counter()
    ex.con.execute(f"CREATE TEMP TABLE _o AS SELECT {cols}, stay_id AS _s, year AS _y "
                   f"FROM {r.schema}.mart_index_stays")
    times["rule: index stays collected (view joins)"] = time.perf_counter() - t
    t = time.perf_counter()
    ex.con.sql(f"SELECT {', '.join(chr(34) + c + chr(34) for c in INDEX_STAY_COLUMNS)} FROM _o "
               "ORDER BY lopenr, admitted_at, _s").write_csv(str(out), header=True)
    times["CSV writer (sort and write)"] = time.perf_counter() - t
    t = time.perf_counter()
    ex.con.sql("SELECT count(*), count(*) FILTER (WHERE eligible = 1), min(_y), max(_y) "
               "FROM _o").fetchall()
    times["summary counts"] = time.perf_counter() - t
    ex.close()
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extract", type=Path, default=Path("/work/data/hv-10m"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--memory-limit", default=os.environ.get("READMIT_MEMORY_LIMIT", "3GB"))
    ap.add_argument("--no-phases", action="store_true", help="skip the phase-by-phase run")
    ap.add_argument("--phases-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phases_child:
        print(json.dumps(phases(Path(args.phases_child[0]), Path(args.phases_child[1]))))
        return 0
    env = {"READMIT_MEMORY_LIMIT": args.memory_limit}
    load = os.getloadavg()
    print(f"extract {args.extract}; memory limit {args.memory_limit}; {os.cpu_count()} CPUs; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    with tempfile.TemporaryDirectory(prefix="readmit-overhead-") as tmp:
        tmp = Path(tmp)
        bare_out, readmit_out = tmp / "bare.csv", tmp / "readmit.csv"
        runs: dict[str, list[dict]] = {"bare DuckDB": [], "readmit readmissions": []}
        for i in range(args.runs):
            runs["bare DuckDB"].append(timed_process(
                [sys.executable, str(HERE / "bare_readmissions.py"), str(args.extract),
                 str(bare_out)], env))
            runs["readmit readmissions"].append(timed_process(
                readmit_cmd(args.extract, readmit_out), env))
            print(f"run {i + 1}: bare {runs['bare DuckDB'][-1]['seconds']:.1f} s, "
                  f"readmit {runs['readmit readmissions'][-1]['seconds']:.1f} s", flush=True)
        identical = filecmp.cmp(bare_out, readmit_out, shallow=False)
        db = tmp / "extract.duckdb"
        timed_process(readmit_cmd(args.extract, readmit_out, "--database", str(db)), env)
        reuse = [timed_process(readmit_cmd(args.extract, readmit_out, "--database", str(db)),
                               env) for _ in range(args.runs)]
        print()
        print(f"{'':40} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9}")
        rows = dict(runs)
        rows["readmit readmissions --database (reused)"] = reuse
        for name, rs in rows.items():
            s = [r["seconds"] for r in rs]
            print(f"{name:40} {statistics.median(s):9.1f} {min(s):7.1f} {max(s):7.1f} "
                  f"{max(r['peak_mib'] for r in rs):9,.0f}")
        bare = statistics.median(r["seconds"] for r in runs["bare DuckDB"])
        full = statistics.median(r["seconds"] for r in runs["readmit readmissions"])
        again = statistics.median(r["seconds"] for r in reuse)
        print(f"ratio readmit / bare: {full / bare:.2f} (target at most 1.5); "
              f"with a reused database: {again / bare:.2f}")
        print(f"CSV files identical: {'yes' if identical else 'NO'}")
        if not args.no_phases:
            out = subprocess.run([sys.executable, __file__, "--phases-child", str(args.extract),
                                  str(tmp / "phases.csv")], capture_output=True, text=True,
                                 env={**os.environ, **env}, check=True).stdout
            print("\nwhere the time of one readmit run goes (seconds):")
            for name, sec in json.loads(out.strip().splitlines()[-1]).items():
                print(f"  {name:44} {sec:6.1f}")
        load = os.getloadavg()
        print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
