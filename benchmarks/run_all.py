"""``make bench``: readmit's speed and memory at 1, 10 and 100 million episodes.

For each size it measures, each step in a fresh process (wall-clock seconds
and peak resident memory from ``wait4``; the median of ``--runs`` runs):

- generation (``readmit generate``), where asked for (``--generate``);
- load and check (``readmit check``);
- the readmission rule: the whole ``readmit readmissions`` (load, check,
  rule, CSV), beside a bare DuckDB query of the same rule over the raw
  Parquet files (``bare_readmissions.py``), plain pandas
  (``pandas_readmissions.py``) and polars (``polars_readmissions.py``, the
  ``bench`` extra) -- their rows checked identical to readmit's, and the
  ratio of each to readmit;
- every analysis command ``readmit analyse`` lists (found in
  ``readmit.cli.analyse.ANALYSES``, so analyses added later are covered);
- the whole report, when a ``readmit report`` command exists;
- Monte Carlo draws (``readmit simulate --draws``).

It writes the figures to ``benchmarks/BENCHMARKS.md`` (and ``--json``) with the
machine, its load and the versions; a step it could not run is listed with
the reason. It prints figures; it is not a test.

    make bench                                          # 1M and 10M, 3 runs
    .venv/bin/python benchmarks/run_all.py --sizes 1M --runs 3
    .venv/bin/python benchmarks/run_all.py --sizes 100M --runs 1 --memory-limit 4GB
"""
from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable

#: Where each size's extract comes from: a shared extract if present, else a generated one.
SIZES = {
    "1M": {"episodes": 1_000_000, "scale": 0.32, "shared": None},
    "10M": {"episodes": 10_000_000, "scale": 3.2, "shared": "/work/data/hv-10m"},
    "100M": {"episodes": 100_000_000, "scale": 30.0, "shared": "/work/data/hv-100m"},
}
_MILLION = 1_000_000


# --------------------------------------------------------------------------- measuring
def measure(cmd: list[str], *, env: dict[str, str], cwd: Path | None = None) -> dict:
    """Run ``cmd`` once: seconds, peak RSS (MiB), exit code, output.

    The command runs under ``peak_rss.py``, so that its peak is its own and
    not this harness's high-water mark (see that script).
    """
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err, \
            tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak.json"
        proc = subprocess.Popen([PY, str(HERE / "peak_rss.py"), str(peak_file), *cmd],
                                stdout=out, stderr=err, env=env, cwd=cwd)
        code = proc.wait()
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        peak = json.loads(peak_file.read_text())["peak_mib"] if peak_file.exists() else float("nan")
        return {"seconds": seconds, "peak_mib": peak, "code": code,
                "stdout": out.read()[-4000:], "stderr": err.read()[-4000:]}


def repeated(cmd: list[str], runs: int, env: dict[str, str]) -> dict:
    """``cmd`` run ``runs`` times: median, min and max seconds, max peak MiB."""
    results = [measure(cmd, env=env) for _ in range(runs)]
    failed = [r for r in results if r["code"] != 0]
    if failed:
        return {"error": (failed[0]["stderr"].strip().splitlines() or ["exit code "
                                                                       f"{failed[0]['code']}"])[-1]}
    s = [r["seconds"] for r in results]
    return {"median_s": statistics.median(s), "min_s": min(s), "max_s": max(s),
            "peak_mib": max(r["peak_mib"] for r in results), "runs": runs}


def readmit(*args: str) -> list[str]:
    return [PY, "-m", "readmit", *args]


# --------------------------------------------------------------------------- discovery
def analyses() -> list[str]:
    """The analyses ``readmit analyse`` runs, as registered when this runs."""
    from readmit.cli.analyse import ANALYSES

    return [a.name for a in ANALYSES]


def commands() -> dict[str, list[str]]:
    """Each top-level command and its option strings."""
    from readmit.cli import parser

    p = parser()
    sub = next(a for a in p._actions if a.__class__.__name__ == "_SubParsersAction")
    return {name: [o for a in sp._actions for o in a.option_strings]
            for name, sp in sub.choices.items()}


# --------------------------------------------------------------------------- extracts
def extract_for(size: str, cache: Path, env: dict[str, str], generate: bool,
                runs: int) -> tuple[Path | None, dict | None, str]:
    """The extract of ``size`` and, when generated here, the generation figures."""
    spec = SIZES[size]
    if spec["shared"] and (Path(spec["shared"]) / "episoder.parquet").exists() and not generate:
        return Path(spec["shared"]), None, f"shared extract {spec['shared']}"
    target = cache / f"readmit-{size}"
    figures = None
    if generate or not (target / "episoder.parquet").exists():
        cmd = readmit("generate", str(target), "--scale", str(spec["scale"]), "--seed", "2020")
        if "--quiet" in commands().get("generate", []):
            cmd.append("--quiet")
        figures = repeated(cmd, runs if generate else 1, env)
        if "error" in figures:
            return None, figures, f"generation failed: {figures['error']}"
    return target, figures, f"generated, --scale {spec['scale']}"


def episodes_in(extract: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(extract / "episoder.parquet").metadata.num_rows


# --------------------------------------------------------------------------- the rule
def canonical(path: Path):
    """An implementation's index stays as one comparable frame."""
    import pandas as pd

    if path.suffix == ".csv":
        frame = pd.read_csv(path, dtype={"lopenr": str, "institusjonID": str})
    else:
        frame = pd.read_parquet(path)
    frame["lopenr"] = frame["lopenr"].astype(str)
    for c in ("admitted_at", "discharged_at"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[us]")
    return frame.sort_values(["lopenr", "admitted_at"], ignore_index=True, kind="stable")


def same_rows(a: Path, b: Path) -> str:
    """``"identical"`` or what differs (byte-identical files are not read again:
    at 100 M episodes pandas would need tens of GB to compare them)."""
    if a.suffix == b.suffix == ".csv" and filecmp.cmp(a, b, shallow=False):
        return "identical"
    sys.path.insert(0, str(HERE))
    from bench_readmissions import compare

    with tempfile.TemporaryDirectory() as tmp:
        pa_, pb = Path(tmp) / "a.parquet", Path(tmp) / "b.parquet"
        canonical(a).to_parquet(pa_, index=False)
        canonical(b).to_parquet(pb, index=False)
        problems = compare(pa_, pb)
    return "identical" if not problems else "; ".join(problems)[:300]


def rule_step(extract: Path, tmp: Path, runs: int, env: dict[str, str], size: str,
              args: argparse.Namespace) -> dict:
    out: dict[str, dict] = {}
    files = {"readmit": tmp / "readmit.csv", "bare": tmp / "bare.csv",
             "pandas": tmp / "pandas.parquet", "polars": tmp / "polars.parquet"}
    out["readmit readmissions"] = repeated(
        readmit("readmissions", str(extract), "--out", str(files["readmit"]), "--quiet"),
        runs, env)
    out["bare DuckDB"] = repeated([PY, str(HERE / "bare_readmissions.py"), str(extract),
                                   str(files["bare"])], runs, env)
    n = SIZES[size]["episodes"]
    for name, limit, script in (("pandas", args.pandas_max, "pandas-child"),
                                ("polars", args.polars_max, "polars-child")):
        if n > limit:
            out[name] = {"skipped": f"above --{name}-max ({limit / _MILLION:g}M episodes)"}
            continue
        if name == "polars":
            try:
                import polars  # noqa: F401
            except ImportError:
                out[name] = {"skipped": "polars not installed (pip install 'readmit[bench]')"}
                continue
        out[name] = repeated([PY, __file__, f"--{script}", str(extract), str(files[name])],
                             runs, env)
    base = out["readmit readmissions"].get("median_s")
    for name in ("bare DuckDB", "pandas", "polars"):
        r = out[name]
        if "median_s" in r and base:
            r["ratio_to_readmit"] = r["median_s"] / base
            r["rows"] = same_rows(files["readmit"], files[name.split()[-1].lower()
                                                            if name != "bare DuckDB" else "bare"])
    return out


def pandas_child(extract: str, out: str) -> None:
    sys.path.insert(0, str(HERE))
    import pandas_readmissions as pr

    pr.index_stays(*pr.read_extract(extract)).to_parquet(out, index=False)


def polars_child(extract: str, out: str) -> None:
    sys.path.insert(0, str(HERE))
    import polars_readmissions as pl_

    pl_.index_stays(*pl_.read_extract(extract)).write_parquet(out)


# --------------------------------------------------------------------------- the run
def bench_size(size: str, args: argparse.Namespace, env: dict[str, str], cache: Path) -> dict:
    result: dict = {"size": size, "memory_limit": args.memory_limit,
                    "date": dt.date.today().isoformat(),
                    "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    extract, gen, source = extract_for(size, cache, env, size in args.generate, args.runs)
    result["source"] = source
    if gen is not None and size in args.generate:
        result["generate"] = gen
    else:
        result["generate"] = {"skipped": "not asked for (--generate " + size + ")"
                              if extract else source}
    if extract is None:
        return result
    result["episodes"] = episodes_in(extract)
    print(f"== {size}: {extract} ({result['episodes']:,} episodes)", flush=True)
    with tempfile.TemporaryDirectory(prefix="readmit-bench-") as tmp:
        tmp = Path(tmp)
        result["load and check"] = repeated(readmit("check", str(extract), "--quiet"),
                                            args.runs, env)
        print(f"   load and check: {_fmt(result['load and check'])}", flush=True)
        result["rule"] = rule_step(extract, tmp, args.runs, env, size, args)
        for name, r in result["rule"].items():
            print(f"   rule, {name}: {_fmt(r)}", flush=True)
        result["analyses"] = {}
        names = analyses()
        if not names:
            result["analyses"]["(none)"] = {"skipped": "readmit analyse lists no analysis yet"}
        for name in names:
            result["analyses"][name] = repeated(
                readmit("analyse", str(extract), "--quiet", name, "--out",
                        str(tmp / f"{name}.csv")), args.runs, env)
            print(f"   analyse {name}: {_fmt(result['analyses'][name])}", flush=True)
        cmds = commands()
        if "report" in cmds:
            cmd = readmit("report", str(extract))
            if "--out" in cmds["report"]:
                cmd += ["--out", str(tmp / "report.html")]
            if "--quiet" in cmds["report"]:
                cmd.append("--quiet")
            result["report"] = repeated(cmd, args.runs, env)
        else:
            result["report"] = {"skipped": "no readmit report command yet"}
        print(f"   report: {_fmt(result['report'])}", flush=True)
    return result


def montecarlo(args: argparse.Namespace, env: dict[str, str]) -> dict:
    cmd = readmit("simulate", "--scenario", "psht_team", "--draws", str(args.draws),
                  "--seed", "1", "--json")
    if "--quiet" in commands().get("simulate", []):
        cmd.append("--quiet")
    return repeated(cmd, args.runs, env)


def _fmt(r: dict) -> str:
    if "skipped" in r:
        return f"skipped: {r['skipped']}"
    if "error" in r:
        return f"failed: {r['error']}"
    extra = f", {r['ratio_to_readmit']:.2f}x readmit, rows {r['rows']}" \
        if "ratio_to_readmit" in r else ""
    return f"{r['median_s']:.1f} s (median of {r['runs']}), {r['peak_mib']:,.0f} MiB{extra}"


def _cell(r: dict | None) -> tuple[str, str]:
    if r is None:
        return "", ""
    if "skipped" in r:
        return "–", f"not measured: {r['skipped']}"
    if "error" in r:
        return "–", f"failed: {r['error']}"
    spread = f"{r['min_s']:.1f}–{r['max_s']:.1f}" if r["runs"] > 1 else ""
    return f"{r['median_s']:.1f}", spread


def markdown(results: list[dict], mc: dict, machine: dict) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `benchmarks/run_all.py` (`make bench`); re-run it on a quiet machine. "
        "Each figure is the median of the runs, each run a fresh process; memory is the "
        "peak resident set of the process (`wait4`).",
        "",
        f"- measured {machine['date']} on {machine['cpus']} CPUs, {machine['ram_gib']:.0f} GiB "
        f"RAM ({machine['system']}); load average before {machine['load_before']}, after "
        f"{machine['load_after']}" + (" (other jobs were running: figures are noisy)"
                                      if _busy(machine) else ""),
        f"- DuckDB {machine['duckdb']}, pandas {machine['pandas']}, polars "
        f"{machine['polars']}, Python {machine['python']}; DuckDB memory limit "
        f"{machine['memory_limit']}",
        "",
        "## Steps",
        "",
        "| episodes | step | median s | range s | peak MiB | runs | note |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for res in results:
        size = res["size"]
        rows = [("generation", res.get("generate"))]
        if "episodes" in res:
            rows += [("load and check (`readmit check`)", res["load and check"]),
                     ("rule, whole `readmit readmissions` (load, check, rule, CSV)",
                      res["rule"]["readmit readmissions"])]
            rows += [(f"`readmit analyse {n}`" if n != "(none)" else "analyses (`readmit analyse`)",
                      r) for n, r in res["analyses"].items()]
            rows += [("whole report", res["report"])]
        for step, r in rows:
            med, spread = _cell(r)
            note = spread if med == "–" else ""
            peak = f"{r['peak_mib']:,.0f}" if r and "peak_mib" in r else ""
            runs = str(r.get("runs", "")) if r else ""
            lines.append(f"| {size} | {step} | {med} | {'' if med == '–' else spread} | "
                         f"{peak} | {runs} | {note} |")
    med, spread = _cell(mc)
    lines.append(f"| – | Monte Carlo, psht_team, {machine['draws']:,} draws | {med} | {spread} | "
                 f"{mc.get('peak_mib', 0):,.0f} | {mc.get('runs', '')} | |")
    lines += ["", "## The readmission rule beside plain pandas and polars", "",
              "The same rule and output (definitions.md); rows compared with readmit's CSV.",
              "", "| episodes | implementation | median s | peak MiB | time / readmit | rows |",
              "|---|---|---:|---:|---:|---|"]
    for res in results:
        if "rule" not in res:
            continue
        for name, r in res["rule"].items():
            med, spread = _cell(r)
            if med == "–":
                lines.append(f"| {res['size']} | {name} | – | | | {spread} |")
                continue
            ratio = f"{r['ratio_to_readmit']:.2f}" if "ratio_to_readmit" in r else "1.00"
            lines.append(f"| {res['size']} | {name} | {med} | {r['peak_mib']:,.0f} | {ratio} | "
                         f"{r.get('rows', 'reference')} |")
    lines.append("")
    for res in results:
        own = "".join(f"; {label} {res[key]}" for key, label in (
            ("memory_limit", "DuckDB memory limit"), ("date", "measured"),
            ("load_before", "load average before")) if key in res and res[key] != machine[key])
        lines.append(f"- {res['size']}: {res.get('episodes', 0):,} episodes, {res['source']}{own}")
    for size, spec in SIZES.items():
        if size not in {r["size"] for r in results}:
            where = (f"{spec['shared']} does not exist yet" if spec["shared"]
                     and not Path(spec["shared"]).exists() else "not asked for")
            lines.append(f"- {size}: not run (`--sizes {size}`; {where})")
    lines.append("")
    return "\n".join(lines)


def _busy(machine: dict) -> bool:
    """Other jobs were running: the 1-minute load before the run (the load
    after it is the benchmark's own) above three quarters of the cores."""
    return float(machine["load_before"].split()[0]) > 0.75 * (machine["cpus"] or 1)


def _parse_size(text: str) -> int:
    return int(float(text.rstrip("Mm")) * _MILLION)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1M,10M", help="comma-separated: 1M, 10M, 100M")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--runs-large", type=int, default=None,
                    help="runs at 10M episodes and more (default: --runs)")
    ap.add_argument("--generate", default="1M",
                    help="sizes whose generation is measured (others reuse an extract)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "readmit-bench")
    ap.add_argument("--memory-limit", default=os.environ.get("READMIT_MEMORY_LIMIT", "3GB"))
    ap.add_argument("--pandas-max", type=_parse_size, default=10 * _MILLION)
    ap.add_argument("--polars-max", type=_parse_size, default=10 * _MILLION)
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=HERE / "BENCHMARKS.md")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--from-json", type=Path, default=None,
                    help="only write --out again from the figures of an earlier --json")
    ap.add_argument("--pandas-child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--polars-child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.pandas_child:
        pandas_child(*args.pandas_child)
        return 0
    if args.polars_child:
        polars_child(*args.polars_child)
        return 0
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        args.out.write_text(markdown(saved["results"], saved["montecarlo"], saved["machine"]),
                            encoding="utf-8")
        print(f"wrote {args.out}")
        return 0
    args.generate = [s.strip() for s in args.generate.split(",") if s.strip()]
    env = {**os.environ, "READMIT_MEMORY_LIMIT": args.memory_limit}
    env.pop("READMIT_DATABASE", None)
    args.cache.mkdir(parents=True, exist_ok=True)
    import duckdb
    import pandas

    try:
        import polars
        polars_version = polars.__version__
    except ImportError:
        polars_version = "not installed"
    machine = {"date": dt.date.today().isoformat(), "cpus": os.cpu_count(),
               "ram_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
               "system": platform.platform(terse=True), "duckdb": duckdb.__version__,
               "pandas": pandas.__version__, "polars": polars_version,
               "python": platform.python_version(), "memory_limit": args.memory_limit,
               "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()),
               "draws": args.draws}
    results = []
    small_runs = args.runs
    for size in (s.strip() for s in args.sizes.split(",") if s.strip()):
        args.runs = small_runs if SIZES[size]["episodes"] < 10 * _MILLION \
            else (args.runs_large or small_runs)
        results.append(bench_size(size, args, env, args.cache))
    args.runs = small_runs
    mc = montecarlo(args, env)
    print(f"== Monte Carlo: {_fmt(mc)}")
    machine["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    args.out.write_text(markdown(results, mc, machine), encoding="utf-8")
    print(f"wrote {args.out}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "results": results,
                                         "montecarlo": mc}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
