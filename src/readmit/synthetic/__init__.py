"""A synthetic NPR-shaped extract calibrated to published Helse Vest figures.

The model is generative: persons (age, sex, municipality, frailty, chronic
conditions) have admission rates; stays have lengths, ready-for-discharge
days and readmission risks; persons die. Every parameter is in
``readmit/config/synthetic.yaml`` with its source.

Examples
--------
>>> import tempfile
>>> from readmit.synthetic import generate_extract
>>> with tempfile.TemporaryDirectory() as d:
...     summary = generate_extract(d, seed=1, scale=0.001, years=(2018, 2019))
>>> summary["episoder"] > 0
True
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from readmit.errors import ParameterError
from readmit.synthetic.config import load_config
from readmit.synthetic.emergency import emergency_tables
from readmit.synthetic.episodes import episode_table, outpatient_episodes, stay_episodes
from readmit.synthetic.population import population
from readmit.synthetic.stays import all_stays

__all__ = ["generate_extract", "generate_tables", "load_config"]


def generate_tables(
    seed: int = 2020,
    scale: float = 1.0,
    years: tuple[int, int] = (2014, 2019),
    config: dict[str, Any] | None = None,
) -> dict[str, pa.Table]:
    """The four tables of an extract, as pyarrow tables (same seed, same tables)."""
    check_arguments(seed=seed, scale=scale, years=years)
    cfg = config or load_config()
    start, stop = years
    n_years = stop - start + 1
    rng = np.random.default_rng(np.random.SeedSequence([seed, 20140101]))
    pop = population(rng, scale, start, cfg)
    stays, death, pop = all_stays(rng, pop, n_years, cfg)
    parts = [stay_episodes(rng, pop, stays, death, start),
             outpatient_episodes(rng, pop, death, n_years, cfg)]
    episodes = episode_table(rng, pop, parts, start, cfg)
    contacts, plans = emergency_tables(rng, pop, death, n_years, start, cfg)

    present = np.zeros(len(pop), bool)
    present[episodes.column("lopenr").to_numpy() - 1] = True
    present[contacts.column("lopenr").to_numpy() - 1] = True
    present[plans.column("lopenr").to_numpy() - 1] = True
    idx = np.flatnonzero(present)
    day0 = np.datetime64(f"{start}-01-01", "D")
    dead = np.isfinite(death[idx])
    death_date = day0 + np.floor(np.where(dead, death[idx], 0)).astype(int)
    persons = pa.table({
        "lopenr": pa.array(idx + 1, pa.int64()),
        "fodselsar": pa.array(pop.birth_year[idx], pa.int16()),
        "kjonn": pa.array(pop.sex[idx], pa.int8()),
        "komnr": pa.array(pop.komnr[idx]),
        "doddato": pa.array(death_date, mask=~dead, type=pa.date32()),
    })
    return {"episoder": episodes, "pasienter": persons,
            "akuttkontakter": contacts, "handlingsplaner": plans}


def check_arguments(*, seed: int, scale: float, years: tuple[int, int]) -> None:
    """Raise ParameterError, naming the parameter, unless the arguments are valid."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a whole number >= 0, not {seed!r}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not scale > 0:
        raise ParameterError(f"scale must be a number > 0 (1.0 is Helse Vest), not {scale!r}")
    try:
        first, last = (int(y) for y in years)
    except (TypeError, ValueError):
        raise ParameterError(f"years must be (first, last), not {years!r}") from None
    if last < first:
        raise ParameterError(f"years: the last year {last} is before the first {first}")


def generate_extract(
    out_dir: str | Path,
    seed: int = 2020,
    scale: float = 1.0,
    years: tuple[int, int] = (2014, 2019),
    fmt: str = "parquet",
    config: dict[str, Any] | None = None,
) -> dict[str, int]:
    """Write a synthetic extract to ``out_dir``; return rows per table.

    Errors name the parameter:

    >>> generate_extract("x", scale=0)
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: scale must be a number > 0 (1.0 is Helse Vest), not 0
    """
    if fmt not in ("parquet", "csv"):
        raise ParameterError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    tables = generate_tables(seed, scale, years, config)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        for stale in (out / f"{name}.parquet", out / f"{name}.csv"):
            stale.unlink(missing_ok=True)
        if name == "handlingsplaner" and table.num_rows == 0:
            continue  # the optional file is left out rather than written empty
        if fmt == "parquet":
            pq.write_table(table, out / f"{name}.parquet", compression="zstd")
        else:
            pacsv.write_csv(table, out / f"{name}.csv",
                            pacsv.WriteOptions(quoting_style="needed"))
    rows = {name: t.num_rows for name, t in tables.items()}
    manifest = {"generator": "readmit", "seed": seed, "scale": scale,
                "years": list(years), "format": fmt, "rows": rows}
    (out / "synthetic.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return rows
