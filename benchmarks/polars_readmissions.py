"""The 30-day readmission rule in idiomatic polars (benchmark baseline).

Same rule and output as ``readmit readmissions`` (definitions.md: Stays,
Index stays, Readmission) and as ``pandas_readmissions.py``, written the way an
analyst would in polars: lazy frames, ``cum_max``/``shift`` over persons to
find runs of episodes (stays), ``join_asof`` to find each index stay's first
readmission. polars is a benchmark-only dependency (``pip install
'readmit[bench]'``), never part of the base install.

    .venv/bin/python benchmarks/polars_readmissions.py EXTRACT_DIR [out.parquet]
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl

SECTOR_NAMES = {1: "somatic", 2: "vop", 3: "tsb"}
OUTPUT_COLUMNS = [
    "lopenr", "admitted_at", "discharged_at", "institusjonID", "sector", "age", "los_days",
    "ukp_days", "readmitted", "hours_to_readmission", "days_to_readmission", "died_in_window",
    "eligible",
]
EPISODE_COLUMNS = ["lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva",
                   "innmateHast", "inndato", "inntid", "utdato", "uttid", "uttilstand",
                   "utskrklardato", "alder"]


def read_extract(directory: str | Path) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Lazy ``episoder`` and ``pasienter`` frames of a Parquet extract (lopenr as text)."""
    directory = Path(directory)
    ep = pl.scan_parquet(directory / "episoder.parquet").select(EPISODE_COLUMNS)
    pa_ = pl.scan_parquet(directory / "pasienter.parquet").select(["lopenr", "doddato"])
    return (ep.with_columns(pl.col("lopenr").cast(pl.Utf8)),
            pa_.with_columns(pl.col("lopenr").cast(pl.Utf8)))


def stays(episoder: pl.LazyFrame, transfer_hours: float = 8.0) -> pl.LazyFrame:
    """One row per stay (run of a person's inpatient episodes)."""
    e = (episoder.filter(pl.col("omsorgsniva") == 1)
         .with_columns(admitted_at=_stamp("inndato", "inntid"),
                       discharged_raw=_stamp("utdato", "uttid"))
         .with_columns(discharged_at=pl.max_horizontal("discharged_raw", "admitted_at"))
         .sort(["lopenr", "admitted_at", "discharged_at", "episode_lnr"]))
    gap = pl.duration(microseconds=int(round(transfer_hours * 3_600_000_000)))
    before = pl.col("discharged_at").cum_max().shift(1).over("lopenr")
    e = e.with_columns(new_stay=before.is_null() | (pl.col("admitted_at") >= before + gap))
    e = e.with_columns(stay_id=pl.col("new_stay").cast(pl.Int64).cum_sum())
    first = (e.filter(pl.col("new_stay"))
             .select("stay_id", "lopenr", "admitted_at", pl.col("innmateHast").alias("urgency"),
                     pl.col("alder").alias("age"), "sektor"))
    last = (e.with_columns(end=pl.col("discharged_at").max().over("stay_id"))
            .filter(pl.col("discharged_at") == pl.col("end"))
            .group_by("stay_id", maintain_order=True)
            .agg(pl.col("discharged_at", "institusjonID", "uttilstand", "utskrklardato").last()))
    return (first.join(last, on="stay_id", how="left")
            .with_columns(sector=pl.col("sektor").replace_strict(SECTOR_NAMES,
                                                                 return_dtype=pl.Utf8))
            .drop("sektor"))


def _stamp(date: str, time: str) -> pl.Expr:
    """A date plus a clock time (a missing time counts as 00:00), in microseconds."""
    micros = pl.col(time).cast(pl.Int64).fill_null(0)   # time64: nanoseconds in polars
    return pl.col(date).cast(pl.Datetime("us")) + pl.duration(microseconds=micros // 1000)


def index_stays(episoder: pl.LazyFrame, pasienter: pl.LazyFrame, *, window_days: int = 30,
                transfer_hours: float = 8.0, min_age: int | None = None,
                sector: str | None = None, keep_deaths: bool = False,
                end_date: dt.date | None = None) -> pl.DataFrame:
    """One row per index stay, as ``readmit readmissions`` writes them."""
    end = (episoder.select(pl.col("utdato").max()).collect().item()
           if end_date is None else end_date)
    s = (stays(episoder, transfer_hours)
         .join(pasienter, on="lopenr", how="left")
         .with_columns(discharge_date=pl.col("discharged_at").dt.date()))
    idx = s.filter((pl.col("uttilstand") == 1)
                   & (pl.col("doddato").is_null()
                      | (pl.col("doddato") > pl.col("discharge_date"))))
    if min_age is not None:
        idx = idx.filter(pl.col("age") >= min_age)
    if sector in ("somatic", "vop", "tsb"):
        idx = idx.filter(pl.col("sector") == sector)
    by = ["lopenr"] if sector == "all" else ["lopenr", "sector"]
    cand = (s.filter(pl.col("urgency").is_in([1, 2, 3]))
            .select(*by, pl.col("admitted_at").alias("next_admitted_at"))
            .sort("next_admitted_at"))
    idx = idx.sort("discharged_at").join_asof(
        cand, left_on="discharged_at", right_on="next_admitted_at", by=by, strategy="forward",
        allow_exact_matches=False)
    window = pl.duration(days=window_days)
    hit = pl.col("next_admitted_at").is_not_null() & \
        (pl.col("next_admitted_at") <= pl.col("discharged_at") + window)
    died = (pl.col("doddato").is_not_null() & (pl.col("doddato") > pl.col("discharge_date"))
            & (pl.col("doddato") <= pl.col("discharge_date") + pl.duration(days=window_days)))
    complete = (pl.lit(end) - pl.col("discharge_date")).dt.total_days() >= window_days
    nxt = pl.when(hit).then(pl.col("next_admitted_at"))
    out = idx.select(
        "lopenr", "admitted_at", "discharged_at", "institusjonID", "sector",
        pl.col("age").cast(pl.Int64),
        (pl.col("discharge_date") - pl.col("admitted_at").dt.date()).dt.total_days()
        .cast(pl.Int64).alias("los_days"),
        (pl.col("discharge_date") - pl.col("utskrklardato")).dt.total_days().cast(pl.Int64)
        .alias("ukp_days"),
        hit.cast(pl.Int64).alias("readmitted"),
        ((nxt - pl.col("discharged_at")).dt.total_microseconds() / 3_600_000_000)
        .alias("hours_to_readmission"),
        (nxt.dt.date() - pl.col("discharge_date")).dt.total_days().cast(pl.Int64)
        .alias("days_to_readmission"),
        died.cast(pl.Int64).alias("died_in_window"),
        (complete & (hit | ~died | pl.lit(keep_deaths))).cast(pl.Int64).alias("eligible"),
    )
    return out.sort(["lopenr", "admitted_at"], maintain_order=True).collect()


if __name__ == "__main__":  # pragma: no cover
    frame = index_stays(*read_extract(sys.argv[1]))
    if len(sys.argv) > 2:
        frame.write_parquet(sys.argv[2])
    print(frame.head(10))
    print(len(frame), "index stays;", int(frame["readmitted"].sum()), "readmitted")
