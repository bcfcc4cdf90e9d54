"""Helpers shared by the benchmark scripts (run as ``python benchmarks/NAME.py``,
so this folder is on ``sys.path``)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The default extract: $READMIT_BENCH_EXTRACT, else the repository's (make extract),
#: else the shared copy on the development machine.
DEFAULT_EXTRACT = Path(os.environ.get("READMIT_BENCH_EXTRACT") or next(
    (p for p in (ROOT / "data" / "synthetic" / "helse-vest",) if (p / "episoder.parquet").exists()),
    Path("/work/data/helse-vest")))


def vm_hwm_mb() -> float:
    """Peak resident memory of this process image (``VmHWM``), in MiB: unlike
    ``ru_maxrss`` it does not inherit the parent's high-water mark from before
    ``exec``. NaN where ``/proc`` has no such line (not Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
