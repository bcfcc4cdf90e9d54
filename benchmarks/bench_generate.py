"""Benchmark ``readmit generate``: episodes per second and peak memory at
scale 1.0 (the whole of Helse Vest, six years), 3.2 (~10 M episodes) and,
when asked for, 30 (~10^8 episodes).

Each run is a fresh ``readmit generate`` child process (with its worker
processes). The script prints, per run, as one JSON line: wall-clock
seconds, CPU seconds of the whole process tree (user + system), episodes per
second of wall clock, the peak resident memory of the whole tree (the sum
over the parent and its workers, sampled every 0.1 s), the bytes written,
and the load average before and after (timings taken on a busy machine are
noisy: compare the CPU seconds). It prints figures; it is not a test.
Targets (issue 14): 300 000 episodes a second or more on two cores, peak
under 8 GB at any scale.

Example
-------
::

    .venv/bin/python benchmarks/bench_generate.py --scales 1.0 3.2
    .venv/bin/python benchmarks/bench_generate.py --scales 30 --out /work/data/gen-scale30
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(scale: float, out: Path, seed: int = 2020, workers: int | None = None,
        block_persons: int | None = None) -> dict:
    """Generate one extract in a child process; return time, memory and rows."""
    cmd = [sys.executable, "-m", "readmit.cli", "generate", str(out),
           "--seed", str(seed), "--scale", str(scale)]
    if workers:
        cmd += ["--workers", str(workers)]
    if block_persons:
        cmd += ["--block-persons", str(block_persons)]
    load_before = os.getloadavg()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(child.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = child.wait()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    if code:
        raise SystemExit(f"readmit generate failed with exit code {code}")
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    rows = json.loads((out / "synthetic.json").read_text())["rows"]
    size = sum(f.stat().st_size for f in out.iterdir())
    return {"scale": scale, "workers": workers or os.cpu_count(), "seconds": round(seconds, 1),
            "cpu_seconds": round(cpu, 1),
            "episodes_per_second": round(rows["episoder"] / seconds),
            "episodes_per_cpu_second": round(rows["episoder"] / cpu),
            "peak_rss_gib": round(peak / 2**30, 2), "written_gib": round(size / 2**30, 2),
            "load_before": [round(x, 1) for x in load_before],
            "load_after": [round(x, 1) for x in os.getloadavg()], **rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 3.2])
    parser.add_argument("--runs", type=int, default=1, help="runs per scale")
    parser.add_argument("--workers", type=int, default=None, help="default: every core")
    parser.add_argument("--block-persons", type=int, default=None)
    parser.add_argument("--out", default=None,
                        help="directory for the extracts (default: a temporary one); "
                             "each is deleted after its run")
    args = parser.parse_args()
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        for scale in args.scales:
            for _ in range(args.runs):
                out = Path(tmp) / f"scale-{scale:g}"
                print(json.dumps(run(scale, out, workers=args.workers,
                                     block_persons=args.block_persons)), flush=True)
                shutil.rmtree(out)


if __name__ == "__main__":
    main()
