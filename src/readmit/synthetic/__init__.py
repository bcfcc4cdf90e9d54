"""A synthetic NPR-shaped extract calibrated to published Helse Vest figures.

The model is generative: persons (age, sex, municipality, frailty, chronic
conditions) have admission rates; stays have lengths, ready-for-discharge
days and readmission risks; persons die. Every parameter is in
``readmit/config/synthetic.yaml`` with its source.

The population is simulated in fixed units of persons, each from its own
random stream (:mod:`readmit.synthetic.blocks`), so :func:`generate_extract`
streams national-scale extracts to disk block by block, in parallel, with
bounded memory; the same seed gives the same tables whatever the block size
or the number of workers.

Examples
--------
>>> import tempfile
>>> from readmit.synthetic import generate_extract
>>> with tempfile.TemporaryDirectory() as d:
...     summary = generate_extract(d, seed=1, scale=0.001, years=(2018, 2019), workers=1)
>>> summary["episoder"] > 0
True
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from readmit.errors import ParameterError
from readmit.synthetic.blocks import TABLES, default_workers, iter_blocks
from readmit.synthetic.config import load_config
from readmit.synthetic.population import helse_vest_population

__all__ = ["generate_extract", "generate_tables", "load_config"]

#: ``on_block(persons_done, persons_total, rows)``: called after each block is
#: written, with the persons of the starting population done so far, their
#: total, and the rows written so far per table (a hook for a progress bar).
BlockCallback = Callable[[int, int, dict[str, int]], None]


def _persons(scale: float) -> int:
    if not scale > 0:
        raise ParameterError(f"scale must be positive, not {scale}")
    n = int(round(helse_vest_population() * scale))
    if n < 1:
        raise ParameterError(f"scale={scale} gives no persons (the smallest is "
                             f"{0.5 / helse_vest_population():.1e})")
    return n


def _check_parallel(block_persons: int | None, workers: int | None) -> int:
    if block_persons is not None and block_persons < 1:
        raise ParameterError(f"block_persons must be at least 1, not {block_persons}")
    if workers is None:
        return default_workers()
    if workers < 1:
        raise ParameterError(f"workers must be at least 1, not {workers}")
    return workers


def check_arguments(*, seed: int, scale: float, years: tuple[int, int]) -> None:
    """Raise ParameterError, naming the parameter, unless the arguments are valid.

    >>> check_arguments(seed=1, scale=0, years=(2014, 2019))
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: scale must be a number > 0 (1.0 is Helse Vest), not 0
    """
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


def generate_tables(
    seed: int = 2020,
    scale: float = 1.0,
    years: tuple[int, int] = (2014, 2019),
    config: dict[str, Any] | None = None,
    *,
    block_persons: int | None = None,
    workers: int = 1,
) -> dict[str, pa.Table]:
    """The four tables of an extract, in memory, as pyarrow tables.

    Same seed, same tables, whatever ``block_persons`` and ``workers``. The
    whole extract is held in memory (about 1 GB per million episodes at
    most): meant for small scales; use :func:`generate_extract` to stream
    a large one to disk.

    Parameters
    ----------
    seed
        Seed of the random streams.
    scale
        1.0 is the whole of Helse Vest (about 1.12 million inhabitants).
    years
        First and last year of the extract.
    config
        Generator parameters (default: :func:`load_config`).
    block_persons
        Persons generated at once by one worker, rounded up to whole units
        of ``config["generation"]["unit_persons"]`` (default: one unit).
    workers
        Processes generating blocks in parallel (default 1: in this process).

    Examples
    --------
    >>> tables = generate_tables(seed=1, scale=0.001, years=(2018, 2019))
    >>> sorted(tables)
    ['akuttkontakter', 'episoder', 'handlingsplaner', 'pasienter']
    """
    check_arguments(seed=seed, scale=scale, years=years)
    cfg = config or load_config()
    n = _persons(scale)
    workers = _check_parallel(block_persons, workers)
    parts: dict[str, list[pa.Table]] = {name: [] for name in TABLES}
    for tables, _ in iter_blocks(seed, n, years, cfg, block_persons, workers):
        for name in TABLES:
            parts[name].append(tables[name])
    return {name: pa.concat_tables(parts[name]) for name in TABLES}


class _Sink:
    """One output table, written block by block (a Parquet row group or a
    run of CSV lines per block) to a temporary name, renamed when complete."""

    def __init__(self, path: Path, fmt: str):
        self.path, self.fmt, self.rows, self._writer = path, fmt, 0, None
        self.partial = path.with_name(path.name + ".partial")

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            if self.fmt == "parquet":
                # statistics (min/max per row group) only where a reader can
                # use them: strings are in every row group (0.3 s of 1.9 s)
                stats = [f.name for f in table.schema if not pa.types.is_string(f.type)]
                self._writer = pq.ParquetWriter(self.partial, table.schema, compression="zstd",
                                                write_statistics=stats)
            else:
                self._writer = pacsv.CSVWriter(self.partial, table.schema,
                                               write_options=pacsv.WriteOptions(quoting_style="needed"))
        if table.num_rows:
            self._writer.write_table(table)
        self.rows += table.num_rows

    def close(self, keep: bool) -> None:
        if self._writer is not None:
            self._writer.close()
            if keep:
                os.replace(self.partial, self.path)
            else:
                self.partial.unlink()


def generate_extract(
    out_dir: str | Path,
    seed: int = 2020,
    scale: float = 1.0,
    years: tuple[int, int] = (2014, 2019),
    fmt: str = "parquet",
    config: dict[str, Any] | None = None,
    *,
    block_persons: int | None = None,
    workers: int | None = None,
    on_block: BlockCallback | None = None,
) -> dict[str, int]:
    """Write a synthetic extract to ``out_dir``, block by block; return rows per table.

    Each table is streamed to its file (one Parquet row group per block, or
    CSV), so memory stays bounded at any scale: about 0.5 GB per worker and
    a few blocks waiting to be written. The files appear under their names,
    and ``synthetic.json`` beside them, only when every block is written.
    A ``handlingsplaner`` table without rows is left out, as the optional
    file of a real delivery would be.

    Parameters
    ----------
    out_dir
        Directory to write (created if missing; earlier tables replaced).
    seed, scale, years, config
        As for :func:`generate_tables`.
    fmt
        ``"parquet"`` or ``"csv"``.
    block_persons
        Persons generated at once by one worker, rounded up to whole units
        (default: one unit, ``config["generation"]["unit_persons"]``). The
        tables do not depend on it.
    workers
        Processes generating blocks in parallel (default: every core this
        process may use). The tables do not depend on it.
    on_block
        Called after each block is written as ``on_block(persons_done,
        persons_total, rows)``: persons of the starting population done and
        their total, and rows written so far per table.
    """
    if fmt not in ("parquet", "csv"):
        raise ParameterError(f"fmt must be 'parquet' or 'csv', not {fmt!r}")
    check_arguments(seed=seed, scale=scale, years=years)
    cfg = config or load_config()
    n = _persons(scale)
    workers = _check_parallel(block_persons, workers)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "synthetic.json").unlink(missing_ok=True)
    for name in TABLES:
        for stale in (out / f"{name}.parquet", out / f"{name}.csv"):
            stale.unlink(missing_ok=True)
    sinks = {name: _Sink(out / f"{name}.{fmt}", fmt) for name in TABLES}
    done, complete = 0, False
    try:
        for tables, persons in iter_blocks(seed, n, years, cfg, block_persons, workers):
            for name, table in tables.items():
                if table.num_rows or name != "handlingsplaner":
                    sinks[name].write(table)
            done += persons
            if on_block is not None:
                on_block(done, n, {name: s.rows for name, s in sinks.items()})
        complete = True
    finally:
        for sink in sinks.values():
            sink.close(keep=complete)
    rows = {name: s.rows for name, s in sinks.items()}
    manifest = {"generator": "readmit", "seed": seed, "scale": scale,
                "years": list(years), "format": fmt, "rows": rows,
                "unit_persons": int(cfg["generation"]["unit_persons"])}
    (out / "synthetic.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return rows
