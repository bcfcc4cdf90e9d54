"""``readmit generate``."""
from __future__ import annotations

import argparse
import time

from readmit.synthetic import generate_extract, load_config


def generate(args: argparse.Namespace) -> int:
    """Write a synthetic extract and print what was written."""
    cfg = load_config(args.config)
    t0 = time.perf_counter()
    rows = generate_extract(args.out_dir, seed=args.seed, scale=args.scale,
                            years=args.years, fmt=args.format, config=cfg,
                            block_persons=args.block_persons, workers=args.workers)
    took = time.perf_counter() - t0
    print(f"wrote {args.out_dir} (seed {args.seed}, scale {args.scale:g}, "
          f"{args.years[0]}-{args.years[1]}, {args.format}) in {took:.1f} s")
    for name, n in rows.items():
        print(f"  {name:<16}{n:>12,}")
    return 0
