"""Generation in blocks of persons, in parallel, the same tables whatever the
block size.

The population is cut into *units* of a fixed number of persons
(``generation.unit_persons`` of the config, part of the model like any other
parameter): unit ``k`` holds persons ``k * unit_persons`` onwards of the
population of the period's start and everyone who later takes the place of
one of them who died. Each unit is simulated on its own, from its own random
stream ``SeedSequence([seed, 20140101], spawn_key=(k,))``, and every
population-level part of the model (systematic sampling and stratified draws
within trust x month cells, the frequent users of AMK and legevakt, the
replacement of the dead, the year of burn-in) works within a unit. A unit's
tables therefore depend only on the seed, the unit's number and its size.

A *block*, what one worker process generates at once and one row group of
each output file, is a run of whole units (``block_persons`` rounded up to
whole units). Blocks change the memory and the parallelism, never the
tables: ids are numbered within a unit and shifted by the counts of the
units before it, in unit order.
"""
from __future__ import annotations

import ctypes
import math
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from readmit.synthetic.emergency import emergency_tables, frequent_group_size
from readmit.synthetic.episodes import episode_table, outpatient_episodes, stay_episodes, strings
from readmit.synthetic.population import kommuner, population
from readmit.synthetic.stays import all_stays

__all__ = ["Unit", "block_tables", "default_workers", "iter_blocks", "unit_tables", "units"]

TABLES = ("episoder", "pasienter", "akuttkontakter", "handlingsplaner")
#: id columns: (table, column, which count shifts it)
_IDS = (("episoder", "lopenr", "persons"), ("episoder", "episode_lnr", "episoder"),
        ("pasienter", "lopenr", "persons"), ("akuttkontakter", "lopenr", "persons"),
        ("akuttkontakter", "kontakt_id", "akuttkontakter"),
        ("handlingsplaner", "lopenr", "persons"))


@dataclass(frozen=True)
class Unit:
    """Persons ``first`` .. ``first + size - 1`` of the starting population."""

    index: int
    first: int
    size: int


def units(n_persons: int, unit_persons: int) -> list[Unit]:
    """The units of a population of ``n_persons``: whole units of
    ``unit_persons``, the last one holding the rest.

    >>> units(5, 2)
    [Unit(index=0, first=0, size=2), Unit(index=1, first=2, size=2), Unit(index=2, first=4, size=1)]
    """
    return [Unit(k, first, min(unit_persons, n_persons - first))
            for k, first in enumerate(range(0, n_persons, unit_persons))]


def unit_tables(seed: int, unit: Unit, years: tuple[int, int],
                cfg: dict[str, Any]) -> tuple[dict[str, pa.Table], dict[str, int]]:
    """The four tables of one unit, ids numbered from 1 within the unit, and
    the counts that shift the next unit's ids (``persons``: the unit's whole
    population, including those who never appear in a table).

    Examples
    --------
    >>> from readmit.synthetic.config import load_config
    >>> tables, counts = unit_tables(1, Unit(0, 0, 500), (2018, 2019), load_config())
    >>> tables["episoder"].column("episode_lnr")[0].as_py(), counts["persons"] >= 500
    (1, True)
    """
    start, stop = years
    n_years = stop - start + 1
    rng = np.random.default_rng(np.random.SeedSequence([seed, 20140101], spawn_key=(unit.index,)))
    pop = population(rng, unit.size, start, cfg)
    stays, death, pop = all_stays(rng, pop, n_years, cfg)
    parts = [stay_episodes(rng, pop, stays, death, start),
             outpatient_episodes(rng, pop, death, n_years, cfg)]
    episodes = episode_table(rng, pop, parts, start, cfg)
    n_freq = frequent_group_size(unit.first, unit.size, cfg["emergency"]["frequent_group_per_million"])
    contacts, plans = emergency_tables(rng, pop, death, n_years, start, cfg, n_freq)

    present = np.zeros(len(pop), bool)
    for table in (episodes, contacts, plans):
        present[table.column("lopenr").to_numpy() - 1] = True
    idx = np.flatnonzero(present)
    day0 = np.datetime64(f"{start}-01-01", "D")
    dead = np.isfinite(death[idx])
    death_date = day0 + np.floor(np.where(dead, death[idx], 0)).astype(int)
    persons = pa.table({
        "lopenr": pa.array(idx + 1, pa.int64()),
        "fodselsar": pa.array(pop.birth_year[idx], pa.int16()),
        "kjonn": pa.array(pop.sex[idx], pa.int8()),
        "komnr": strings(kommuner()[0], pop.kom[idx]),
        "doddato": pa.array(death_date, mask=~dead, type=pa.date32()),
    })
    tables = {"episoder": episodes, "pasienter": persons,
              "akuttkontakter": contacts, "handlingsplaner": plans}
    counts = {"persons": len(pop), "episoder": episodes.num_rows,
              "akuttkontakter": contacts.num_rows}
    return tables, counts


def _shift(tables: dict[str, pa.Table], by: dict[str, int]) -> dict[str, pa.Table]:
    """Add ``by[...]`` to the id columns (a unit's ids after the units before it)."""
    out = dict(tables)
    for name, column, count in _IDS:
        if by[count]:
            t = out[name]
            i = t.schema.get_field_index(column)
            out[name] = t.set_column(i, column, pc.add(t.column(i), pa.scalar(by[count], pa.int64())))
    return out


def block_tables(seed: int, block: list[Unit], years: tuple[int, int],
                 cfg: dict[str, Any]) -> tuple[dict[str, pa.Table], dict[str, int]]:
    """The tables of a run of units, ids numbered from 1 within the block;
    and the counts that shift the next block's ids."""
    parts, total = [], {"persons": 0, "episoder": 0, "akuttkontakter": 0}
    for unit in block:
        tables, counts = unit_tables(seed, unit, years, cfg)
        parts.append(_shift(tables, total))
        total = {k: total[k] + counts[k] for k in total}
    if len(parts) == 1:
        return parts[0], total
    return {name: pa.concat_tables([p[name] for p in parts]) for name in TABLES}, total


def default_workers() -> int:
    """The processor cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1


def _worker_init() -> None:
    pa.set_cpu_count(1)   # one core per worker: the workers are the parallelism
    _reuse_freed_memory()


def _reuse_freed_memory() -> None:
    """glibc: serve large arrays from the heap and keep freed memory for the
    next unit, instead of mapping and unmapping (and zeroing) fresh pages for
    every array: about a tenth less CPU time. Only in worker processes."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:   # not glibc
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 1 << 30)
    libc.mallopt(m_trim_threshold, 1 << 30)


def _pool_context():
    """Fork on Linux (no re-import of the caller's ``__main__``, so scripts
    need no ``if __name__ == "__main__"`` guard, and workers start at once);
    spawn elsewhere, where fork is unsafe or missing."""
    return mp.get_context("fork" if sys.platform == "linux" else "spawn")


def _ordered(fn: Callable, args: list[tuple], workers: int) -> Iterator:
    """``fn(*a) for a in args`` in order, computed by ``workers`` processes,
    with at most two results per worker waiting (memory stays bounded when
    the consumer is slower than the workers)."""
    if workers <= 1 or len(args) <= 1:
        for a in args:
            yield fn(*a)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                             initializer=_worker_init) as pool:
        pending: deque = deque()
        todo = iter(args)
        try:
            while len(pending) < 2 * workers and (a := next(todo, None)) is not None:
                pending.append(pool.submit(fn, *a))
            while pending:
                result = pending.popleft().result()
                if (a := next(todo, None)) is not None:
                    pending.append(pool.submit(fn, *a))
                yield result
        finally:
            for f in pending:
                f.cancel()


def iter_blocks(seed: int, n_persons: int, years: tuple[int, int], cfg: dict[str, Any],
                block_persons: int | None = None,
                workers: int = 1) -> Iterator[tuple[dict[str, pa.Table], int]]:
    """Yield each block's tables, in order, with ids of the whole extract,
    and the number of persons of the starting population the block covers.

    ``block_persons`` is rounded up to whole units (default: one unit);
    ``workers`` processes generate blocks in parallel. Neither changes the
    tables.

    Examples
    --------
    >>> from readmit.synthetic.config import load_config
    >>> cfg = load_config()
    >>> cfg["generation"]["unit_persons"] = 200
    >>> [n for _, n in iter_blocks(1, 500, (2018, 2019), cfg, block_persons=400)]
    [400, 100]
    """
    unit_persons = int(cfg["generation"]["unit_persons"])
    per_block = max(1, math.ceil((block_persons or unit_persons) / unit_persons))
    all_units = units(n_persons, unit_persons)
    blocks = [all_units[i:i + per_block] for i in range(0, len(all_units), per_block)]
    offset = {"persons": 0, "episoder": 0, "akuttkontakter": 0}
    results = _ordered(block_tables, [(seed, b, years, cfg) for b in blocks], workers)
    for block, (tables, counts) in zip(blocks, results):
        yield _shift(tables, offset), sum(u.size for u in block)
        offset = {k: offset[k] + counts[k] for k in offset}
