"""Run every benchmark script in this folder in turn (``make bench``)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = ["bench_generate.py", "bench_load.py", "bench_readmissions.py", "bench_montecarlo.py",
           "bench_analyses.py", "bench_comorbidity.py", "bench_frequent.py", "bench_report.py"]

if __name__ == "__main__":
    here = Path(__file__).parent
    for name in SCRIPTS:
        print(f"== {name}", flush=True)
        subprocess.run([sys.executable, str(here / name)], check=False)
