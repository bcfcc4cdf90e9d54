"""Benchmark: index stays in DuckDB (readmit) vs plain pandas, on ~10 million episodes.

    .venv/bin/python benchmarks/bench_readmissions.py                 # 10M episodes
    .venv/bin/python benchmarks/bench_readmissions.py --episodes 1e6  # quicker
    .venv/bin/python benchmarks/bench_readmissions.py --generator numpy

Writes (or reuses) an extract under --dir, then runs each implementation in its
own subprocess (so peak RSS is its own): DuckDB = ``readmit.open`` + the SQL
models up to ``mart_index_stays`` (``--repeat`` times); pandas = reading the
Parquet files into typed frames + ``benchmarks/pandas_readmissions.index_stays``. Reports wall
clock (load and rule separately), peak RSS (``VmHWM``), and checks that the
two give the same rows. Not a test.

Extract: ``readmit generate DIR --scale S`` (the package's calibrated generator),
with S estimated from a small calibration run so that episoder has about
--episodes rows; or ``--generator numpy``, a self-contained generator below.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import vm_hwm_mb

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# --------------------------------------------------------------------------- extracts
def numpy_extract(out: Path, n_episodes: int, seed: int = 2020) -> None:
    """A self-contained synthetic extract: ~4 episodes a person, clustered in time."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    n_persons = max(1, n_episodes // 4)
    person = np.sort(rng.integers(0, n_persons, n_episodes))
    first_of_person = np.r_[True, person[1:] != person[:-1]]

    # gaps between successive admissions of a person (minutes): mostly weeks to
    # months, some within hours (transfers) and some overlapping
    kind = rng.choice(3, n_episodes, p=[0.85, 0.10, 0.05])
    gap = np.where(kind == 0, rng.exponential(60 * 24 * 60, n_episodes),
                   np.where(kind == 1, rng.uniform(0, 16 * 60, n_episodes),
                            -rng.uniform(0, 2 * 24 * 60, n_episodes))).astype(np.int64)
    start = rng.integers(0, 5 * 365 * 24 * 60, n_episodes)  # 2014-01-01 + up to 5 years
    gap[first_of_person] = start[first_of_person]
    # cumulative sum within person
    csum = np.cumsum(gap)
    person_start = np.maximum.accumulate(np.where(first_of_person, np.arange(n_episodes), 0))
    offset = csum[person_start] - gap[person_start]
    adm_min = csum - offset
    adm_min = np.maximum(adm_min, 0)

    care = rng.choice([1, 2, 3], n_episodes, p=[0.5, 0.1, 0.4])
    dur = np.where(care == 1, rng.exponential(4 * 24 * 60, n_episodes),
                   rng.uniform(0, 6 * 60, n_episodes)).astype(np.int64)
    dis_min = adm_min + dur
    epoch = np.datetime64("2014-01-01T00:00", "m")
    adm = epoch + adm_min.astype("timedelta64[m]")
    dis = epoch + dis_min.astype("timedelta64[m]")
    inndato = adm.astype("datetime64[D]")
    utdato = dis.astype("datetime64[D]")
    inntid_us = (adm - inndato).astype("timedelta64[us]").astype(np.int64)
    uttid_us = (dis - utdato).astype("timedelta64[us]").astype(np.int64)
    miss_in = rng.random(n_episodes) < 0.05
    miss_out = (rng.random(n_episodes) < 0.05) & (utdato > inndato)
    n_alive = rng.random(n_episodes)
    uttilstand = np.where(n_alive < 0.015, 2, np.where(n_alive < 0.016, 3, 1))
    ukp_mask = (care == 1) & (rng.random(n_episodes) < 0.05)
    stay_days = (utdato - inndato).astype(np.int64)
    ukp = inndato + (rng.random(n_episodes) * (stay_days + 1)).astype(np.int64).astype("timedelta64[D]")

    ids = np.char.add("P", np.char.zfill(np.arange(n_persons).astype(str), 8))
    lopenr = ids[person]
    trusts = np.array(["HBE", "HST", "HFO", "HFD", "HDS"])
    birth_year = rng.integers(1920, 2000, n_persons)
    alder = (inndato.astype("datetime64[Y]").astype(np.int64) + 1970) - birth_year[person]
    alder = np.clip(alder, 0, 110)

    def date_arr(a, mask=None):
        return pa.array(a.astype("datetime64[D]").astype(np.int32), type=pa.int32(),
                        mask=mask).cast(pa.date32())

    def time_arr(us, mask):
        return pa.array(us, type=pa.int64(), mask=mask).cast(pa.time64("us"))

    out.mkdir(parents=True, exist_ok=True)
    episoder = pa.table({
        "lopenr": pa.array(lopenr),
        "episode_lnr": pa.array(np.arange(1, n_episodes + 1, dtype=np.int64)),
        "institusjonID": pa.array(trusts[rng.integers(0, 5, n_episodes)]),
        "sektor": pa.array(rng.choice([1, 2, 3], n_episodes, p=[0.85, 0.1, 0.05])),
        "omsorgsniva": pa.array(care),
        "innmateHast": pa.array(rng.choice([1, 2, 3, 4, 5], n_episodes, p=[0.45, 0.1, 0.1, 0.3, 0.05])),
        "fraSted": pa.array(rng.choice([1, 3, 11], n_episodes, p=[0.85, 0.1, 0.05])),
        "tilSted": pa.array(rng.choice([1, 3, 11], n_episodes, p=[0.8, 0.1, 0.1])),
        "inndato": date_arr(inndato),
        "inntid": time_arr(inntid_us, miss_in),
        "utdato": date_arr(utdato),
        "uttid": time_arr(uttid_us, miss_out),
        "tilstand_1_1": pa.array(np.array(["I50.0", "J44.1", "J18.9", "N39.0", "S72.0"])[
            rng.integers(0, 5, n_episodes)]),
        "tilstand_2_1": pa.nulls(n_episodes, pa.string()),
        "drg": pa.array(np.full(n_episodes, "127O")),
        "korrvekt": pa.array(rng.gamma(2.0, 0.5, n_episodes)),
        "uttilstand": pa.array(uttilstand),
        "utskrklardato": date_arr(ukp, ~ukp_mask),
        "komnr": pa.array(np.full(n_episodes, "4601")),
        "alder": pa.array(alder),
        "kjonn": pa.array(rng.choice([1, 2], n_episodes)),
    })
    # in the data, an episode ending in death at discharge is the person's last; keep
    # the death date on or after every admission (the loader rejects the rest)
    last_adm = np.full(n_persons, -1, dtype=np.int64)
    np.maximum.at(last_adm, person, inndato.astype(np.int64))
    dies = rng.random(n_persons) < 0.10
    dod = last_adm + rng.integers(0, 365, n_persons)
    died_in_hospital = np.zeros(n_persons, dtype=bool)
    died_in_hospital[person[uttilstand != 1]] = True
    last_dis = np.full(n_persons, -1, dtype=np.int64)
    np.maximum.at(last_dis, person, utdato.astype(np.int64))
    dod = np.where(died_in_hospital, np.maximum(last_dis, last_adm), dod)
    dies |= died_in_hospital
    pasienter = pa.table({
        "lopenr": pa.array(ids),
        "fodselsar": pa.array(birth_year),
        "kjonn": pa.array(rng.choice([1, 2], n_persons)),
        "komnr": pa.array(np.full(n_persons, "4601")),
        "doddato": pa.array(dod.astype(np.int32), mask=~dies).cast(pa.date32()),
    })
    n_contacts = 1000
    akutt = pa.table({
        "lopenr": pa.array(ids[rng.integers(0, n_persons, n_contacts)]),
        "kontakt_id": pa.array(np.arange(1, n_contacts + 1, dtype=np.int64)),
        "tjeneste": pa.array(np.full(n_contacts, "AMK")),
        "tidspunkt": pa.array(np.full(n_contacts, np.datetime64("2014-01-01T00:00", "us"))),
        "hastegrad": pa.array(np.full(n_contacts, "haster")),
        "utfall": pa.array(np.full(n_contacts, "raad")),
    })
    for name, table in {"episoder": episoder, "pasienter": pasienter, "akuttkontakter": akutt}.items():
        pq.write_table(table, out / f"{name}.parquet", compression="zstd")


def episode_count(directory: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(directory / "episoder.parquet").metadata.num_rows


def readmit_extract(out: Path, n_episodes: int, seed: int) -> float:
    """``readmit generate`` at a scale estimated from a small calibration run."""
    exe = [sys.executable, "-m", "readmit.cli", "generate"]
    probe = out.parent / (out.name + "-probe")
    probe_scale = 0.01
    subprocess.run(exe + [str(probe), "--scale", str(probe_scale), "--seed", str(seed)], check=True)
    per_scale = episode_count(probe) / probe_scale
    scale = round(n_episodes / per_scale, 4)
    print(f"calibration: {per_scale:,.0f} episodes per unit of scale -> --scale {scale}")
    subprocess.run(exe + [str(out), "--scale", str(scale), "--seed", str(seed)], check=True)
    return scale


# --------------------------------------------------------------------------- one run (child)
def child(impl: str, directory: str, result_path: str, params: dict) -> None:
    t0 = time.perf_counter()
    if impl == "duckdb":
        import readmit
        from readmit.readmissions import INDEX_STAY_COLUMNS, build_index_stays

        ex = readmit.open(directory)
        t1 = time.perf_counter()
        build_index_stays(ex, upto="mart_index_stays", **params)   # the rule, in DuckDB
        # mart_index_stays is a view over int_stays: read it once, whole, so the
        # rule's time includes every index stay's flags being computed
        ex.con.sql("SELECT count(*), sum(readmitted), sum(eligible), sum(died_in_window), "
                   "sum(hours_to_readmission) FROM mart_index_stays").fetchall()
        t2 = time.perf_counter()
        rule_peak_mb = vm_hwm_mb()
        cols = ", ".join(f'"{c}"' for c in INDEX_STAY_COLUMNS)
        # the result leaves DuckDB as a file, as `readmit readmissions` writes its CSV
        ex.con.sql(f"SELECT {cols} FROM mart_index_stays ORDER BY lopenr, admitted_at") \
            .write_parquet(result_path)
        export_s = time.perf_counter() - t2
        rows, readmitted = ex.con.sql(
            "SELECT count(*), sum(readmitted) FROM read_parquet($p)", params={"p": result_path}
        ).fetchall()[0]
    else:
        sys.path.insert(0, str(HERE))
        import pandas_readmissions as pr

        ep, pa_ = pr.read_extract(directory)
        t1 = time.perf_counter()
        df = pr.index_stays(ep, pa_, **params)
        t2 = time.perf_counter()
        rule_peak_mb = vm_hwm_mb()
        df.to_parquet(result_path, index=False)
        export_s = time.perf_counter() - t2
        rows, readmitted = len(df), int(df["readmitted"].sum())
    peak_mb = vm_hwm_mb()
    print(json.dumps({"impl": impl, "load_s": t1 - t0, "rule_s": t2 - t1,
                      "export_s": export_s, "total_s": t2 - t0 + export_s,
                      "rule_peak_rss_mb": rule_peak_mb,
                      "peak_rss_mb": peak_mb, "rows": int(rows),
                      "readmitted": int(readmitted)}))


def run_child(impl: str, directory: Path, result: Path, params: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", impl, str(directory), str(result), json.dumps(params)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{impl} failed:\n{proc.stderr[-4000:]}")
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    info["process_wall_s"] = wall
    return info


def compare(a_path: Path, b_path: Path) -> list[str]:
    import numpy as np
    import pandas as pd

    a = pd.read_parquet(a_path)
    b = pd.read_parquet(b_path)
    problems = []
    if list(a.columns) != list(b.columns):
        problems.append(f"columns differ: {list(a.columns)} vs {list(b.columns)}")
        return problems
    if len(a) != len(b):
        problems.append(f"{len(a)} vs {len(b)} rows")
        return problems
    for c in a.columns:
        x, y = a[c], b[c]
        if c == "hours_to_readmission":
            xn, yn = x.isna().to_numpy(), y.isna().to_numpy()
            bad = (xn != yn) | (~xn & ~yn & ~np.isclose(x.fillna(0).to_numpy(float),
                                                       y.fillna(0).to_numpy(float), rtol=0, atol=1e-9))
        elif c in ("admitted_at", "discharged_at"):
            bad = (pd.to_datetime(x).astype("datetime64[us]").to_numpy()
                   != pd.to_datetime(y).astype("datetime64[us]").to_numpy())
        elif c in ("lopenr", "institusjonID", "sector"):
            bad = (x.astype(str).to_numpy() != y.astype(str).to_numpy())
        else:
            xf = pd.to_numeric(x).astype("Float64")
            yf = pd.to_numeric(y).astype("Float64")
            bad = ~((xf == yf).fillna(False) | (xf.isna() & yf.isna())).to_numpy()
        n = int(np.sum(bad))
        if n:
            i = int(np.argmax(bad))
            problems.append(f"{c}: {n} rows differ, first at row {i}: {x.iloc[i]!r} vs {y.iloc[i]!r} "
                            f"({a.iloc[i][['lopenr', 'admitted_at']].tolist()})")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--episodes", type=float, default=10_000_000)
    ap.add_argument("--dir", default="/tmp/readmit-bench")
    ap.add_argument("--generator", choices=["auto", "readmit", "numpy"], default="auto")
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--min-age", type=int, default=None)
    ap.add_argument("--sector", default=None)
    ap.add_argument("--repeat", type=int, default=3, help="DuckDB runs (median printed)")
    args = ap.parse_args(argv)
    n = int(args.episodes)

    generator = args.generator
    if generator == "auto":
        try:
            import readmit.synthetic.cli  # noqa: F401
            generator = "readmit"
        except ImportError:
            generator = "numpy"
    base = Path(args.dir)
    extract = base / f"{generator}-{n}-seed{args.seed}"
    if args.regenerate or not (extract / "episoder.parquet").exists():
        t0 = time.perf_counter()
        if generator == "numpy":
            numpy_extract(extract, n, args.seed)
        else:
            readmit_extract(extract, n, args.seed)
        print(f"generated {extract} in {time.perf_counter() - t0:.1f} s")
    n_actual = episode_count(extract)
    params = {"min_age": args.min_age, "sector": args.sector}
    print(f"extract {extract}: {n_actual:,} episodes ({generator} generator); "
          f"{os.cpu_count()} CPUs; params {params}")

    results = {}
    for i in range(args.repeat):
        results[f"duckdb #{i + 1}"] = run_child("duckdb", extract, base / "result-duckdb.parquet",
                                                params)
    results["pandas"] = run_child("pandas", extract, base / "result-pandas.parquet", params)
    print()
    print(f"{'':14} {'load s':>8} {'rule s':>8} {'export s':>9} {'total s':>8} {'proc s':>8} "
          f"{'RSS@rule MB':>12} {'peak RSS MB':>12} {'rows':>11} {'readmitted':>11}")
    runs = [r for k, r in results.items() if k.startswith("duckdb")]
    results["duckdb median"] = {k: statistics.median(r[k] for r in runs) for k in runs[0]
                                if k != "impl"}
    results["duckdb median"].update(rows=runs[0]["rows"], readmitted=runs[0]["readmitted"])
    for impl, r in results.items():
        print(f"{impl:14} {r['load_s']:8.1f} {r['rule_s']:8.1f} {r['export_s']:9.1f} {r['total_s']:8.1f} "
              f"{r['process_wall_s']:8.1f} {r['rule_peak_rss_mb']:12,.0f} {r['peak_rss_mb']:12,.0f} "
              f"{r['rows']:11,} {r['readmitted']:11,}")
    print("rule s: DuckDB = building the SQL models up to mart_index_stays and reading that view "
          "once, whole; export s: the index stays written to Parquet (DuckDB: straight from the "
          "database, as `readmit readmissions` writes its CSV). RSS@rule: peak resident memory "
          "up to the end of the rule.")
    problems = compare(base / "result-duckdb.parquet", base / "result-pandas.parquet")
    print()
    if problems:
        print("RESULTS DIFFER:")
        for p in problems:
            print("  " + p)
        return 1
    print("results identical (hours within 1e-9)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _, _, impl, directory, result, params = sys.argv
        child(impl, directory, result, {k: v for k, v in json.loads(params).items() if v is not None})
    else:
        sys.exit(main())
