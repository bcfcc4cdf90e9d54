"""Benchmark :func:`readmit.open` on a 10-million-episode Parquet extract.

Generates the extract once (numpy + pyarrow, self-contained, in a temporary
folder), then runs ``readmit.open`` in fresh child processes and prints the
wall-clock seconds and peak resident memory of each run, and the median. It
prints figures; it is not a test. The requirement is under 30 s on 2 cores.

Example
-------
::

    .venv/bin/python benchmarks/bench_load.py --episodes 10_000_000 --runs 3
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from _common import vm_hwm_mb


def _text(prefix: str, numbers: np.ndarray, suffix: str = "") -> pa.Array:
    """``prefix + str(n) + suffix`` for each n, in Arrow (numpy string ops are slow)."""
    text = pa.array(numbers).cast(pa.string())
    return pc.binary_join_element_wise(prefix, text, suffix, "")


def generate(out: Path, episodes: int, seed: int = 2020) -> None:
    """Write episoder, pasienter and akuttkontakter Parquet files with plausible codes.

    Parameters
    ----------
    out : Path
        The folder to write into.
    episodes : int
        Number of episodes; persons are a fifth of that, contacts a quarter.
    seed : int
        numpy random seed.

    Examples
    --------
    >>> generate(Path(tempfile.mkdtemp()), 1000)   # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    n_persons = max(1, episodes // 5)
    n_contacts = max(1, episodes // 4)
    person_ids = _text("P", np.arange(n_persons))
    lopenr = person_ids.take(rng.integers(0, n_persons, episodes))
    start = np.datetime64("2014-01-01")
    inndato = start + rng.integers(0, 6 * 365, episodes).astype("timedelta64[D]")
    los = rng.geometric(0.3, episodes) - 1
    utdato = inndato + los.astype("timedelta64[D]")
    in_min = rng.integers(0, 24 * 60, episodes)
    # a same-day discharge is after the admission's clock time
    out_min = np.where(los == 0, in_min + rng.integers(0, 24 * 60 - in_min),
                       rng.integers(0, 24 * 60, episodes))
    trusts = np.array(["HST", "HFO", "HBE", "HFD", "HDS"])
    ready = np.where(rng.random(episodes) < 0.05, utdato - np.timedelta64(1, "D"),
                     np.datetime64("NaT"))
    pq.write_table(pa.table({
        "lopenr": lopenr,
        "episode_lnr": np.arange(1, episodes + 1, dtype=np.int64),
        "institusjonID": trusts[rng.integers(0, 5, episodes)],
        "sektor": rng.choice(np.array([1, 2, 3], dtype=np.int32), episodes, p=[0.85, 0.1, 0.05]),
        "omsorgsniva": rng.integers(1, 4, episodes, dtype=np.int32),
        "innmateHast": rng.integers(1, 6, episodes, dtype=np.int32),
        "fraSted": np.ones(episodes, dtype=np.int32),
        "tilSted": np.ones(episodes, dtype=np.int32),
        "inndato": pa.array(inndato, pa.date32()),
        "inntid": pa.array(in_min * 60_000_000, pa.time64("us")),
        "utdato": pa.array(utdato, pa.date32()),
        "uttid": pa.array(out_min * 60_000_000, pa.time64("us")),
        "tilstand_1_1": _text("I", rng.integers(10, 99, episodes)),
        "tilstand_2_1": _text("J", rng.integers(10, 99, episodes)),
        "drg": _text("", rng.integers(100, 999, episodes), "O"),
        "korrvekt": rng.gamma(2.0, 0.5, episodes),
        "uttilstand": np.ones(episodes, dtype=np.int32),
        "utskrklardato": pa.array(ready, pa.date32()),
        "komnr": np.full(episodes, "4601"),
        "alder": rng.integers(0, 100, episodes, dtype=np.int32),
        "kjonn": rng.choice(np.array([1, 2], dtype=np.int32), episodes),
    }), out / "episoder.parquet")
    pq.write_table(pa.table({
        "lopenr": person_ids,
        "fodselsar": rng.integers(1920, 2019, n_persons, dtype=np.int32),
        "kjonn": rng.choice(np.array([1, 2], dtype=np.int32), n_persons),
        "komnr": np.full(n_persons, "4601"),
        "doddato": pa.array(np.full(n_persons, np.datetime64("NaT"), "datetime64[D]"), pa.date32()),
    }), out / "pasienter.parquet")
    stamps = start.astype("datetime64[s]") + rng.integers(0, 6 * 365 * 86400, n_contacts)
    pq.write_table(pa.table({
        "lopenr": person_ids.take(rng.integers(0, n_persons, n_contacts)),
        "kontakt_id": np.arange(1, n_contacts + 1, dtype=np.int64),
        "tjeneste": np.array(["AMK", "LV"])[rng.integers(0, 2, n_contacts)],
        "tidspunkt": pa.array(stamps, pa.timestamp("us")),
        "hastegrad": np.array(["akutt", "haster", "vanlig"])[rng.integers(0, 3, n_contacts)],
        "utfall": np.array(["ambulanse", "legevakt", "fastlege", "raad", "innlagt"])[
            rng.integers(0, 5, n_contacts)],
    }), out / "akuttkontakter.parquet")


def measure(extract: Path) -> dict:
    """Open the extract once in this process: seconds, peak RSS and the counts."""
    t0 = time.perf_counter()
    import readmit

    with readmit.open(extract) as ex:
        seconds = time.perf_counter() - t0
        counts = ex.counts
    return {"seconds": seconds, "peak_rss_mib": vm_hwm_mb(), "counts": counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--measure", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return
    with tempfile.TemporaryDirectory(prefix="readmit-bench-") as tmp:
        t0 = time.perf_counter()
        generate(Path(tmp), args.episodes)
        print(f"generated {args.episodes:,} episodes in {time.perf_counter() - t0:.1f} s")
        results = []
        for run in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--measure", tmp],
                                 check=True, capture_output=True, text=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            results.append(r)
            print(f"run {run + 1}: readmit.open {r['seconds']:.1f} s, "
                  f"peak RSS {r['peak_rss_mib']:.0f} MiB")
        print(f"counts: {json.dumps(results[-1]['counts'])}")
        print(f"median: {statistics.median(r['seconds'] for r in results):.1f} s, "
              f"peak RSS {statistics.median(r['peak_rss_mib'] for r in results):.0f} MiB")


if __name__ == "__main__":
    main()
