"""Benchmark ``readmit generate``: scale 1.0 (the whole of Helse Vest, six
years) and an extract of about 10 million episodes.

Each run is a fresh child process; the script prints wall-clock seconds, the
child's peak resident memory and the rows written. It prints figures; it is
not a test. Targets (foundation issue): scale 1.0 under 60 s; 10 million
episodes under 10 minutes and 8 GB.

Example
-------
::

    .venv/bin/python benchmarks/bench_generate.py --scales 1.0 3.5
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(scale: float, out: Path, seed: int = 2020) -> dict:
    """Generate one extract in a child process; return time, memory and rows."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "readmit.cli", "generate", str(out),
                    "--seed", str(seed), "--scale", str(scale)], check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rows = json.loads((out / "synthetic.json").read_text())["rows"]
    return {"scale": scale, "seconds": round(seconds, 1),
            "peak_rss_gib_so_far": round(peak_kib / 2**20, 2), **rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 3.5])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            result = run(scale, Path(tmp) / f"scale-{scale}")
            print(json.dumps(result))


if __name__ == "__main__":
    main()
