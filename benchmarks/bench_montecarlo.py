"""Time 100 000 Monte Carlo draws of each shipped savings scenario.

Run: ``.venv/bin/python benchmarks/bench_montecarlo.py [--draws N] [--repeat R]``.
Prints the median wall time of R runs per scenario (draws, outcomes and summary).
"""
from __future__ import annotations

import argparse
import statistics
import time

from readmit.savings.montecarlo import monte_carlo_savings
from readmit.savings.scenarios import load_scenario, shipped_scenarios


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--draws", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    monte_carlo_savings(load_scenario("psht_team"), 1_000, seed=0)  # imports, scipy warm-up
    for name in shipped_scenarios():
        scenario = load_scenario(name)
        times = []
        for i in range(args.repeat):
            start = time.perf_counter()
            monte_carlo_savings(scenario, args.draws, seed=i).summary()
            times.append(time.perf_counter() - start)
        print(f"{name:<30} {args.draws:>9,} draws  median {statistics.median(times) * 1000:7.1f} ms"
              f"  (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {args.repeat} runs)")


if __name__ == "__main__":
    main()
