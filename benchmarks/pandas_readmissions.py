"""The 30-day readmission rule in plain, idiomatic pandas (benchmark baseline).

Same rule and output as ``readmit.readmissions.index_stays`` (definitions.md:
Stays, Index stays, Readmission), written the way an analyst would in pandas:
sort, ``groupby().cummax()``/``shift()`` to find runs of episodes (stays),
``merge_asof`` to find each index stay's first readmission.

Input: typed frames of ``episoder`` (``inndato``/``utdato`` datetime64,
``inntid``/``uttid`` timedelta64 with NaT for a missing time) and ``pasienter``
(``doddato`` datetime64). :func:`read_extract` reads a Parquet or CSV extract
folder into that shape.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

SECTOR_NAMES = {1: "somatic", 2: "vop", 3: "tsb"}
OUTPUT_COLUMNS = [
    "lopenr", "admitted_at", "discharged_at", "institusjonID", "sector", "age", "los_days",
    "ukp_days", "readmitted", "hours_to_readmission", "days_to_readmission", "died_in_window",
    "eligible",
]
EPISODE_COLUMNS = ["lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva",
                   "innmateHast", "inndato", "inntid", "utdato", "uttid", "uttilstand",
                   "utskrklardato", "alder"]


# --------------------------------------------------------------------------- reading
def _as_datetime(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype("datetime64[ns]")
    return pd.to_datetime(s, errors="coerce")


def _as_timedelta(s: pd.Series) -> pd.Series:
    if pd.api.types.is_timedelta64_dtype(s):
        return s
    text = s.astype("string")
    text = text.where(text.str.len() != 5, text + ":00")  # HH:MM -> HH:MM:SS
    return pd.to_timedelta(text, errors="coerce")


def _read_table(directory: Path, name: str, columns: list[str] | None) -> pd.DataFrame:
    pq = directory / f"{name}.parquet"
    if pq.exists():
        import pyarrow as pa
        import pyarrow.parquet as papq

        table = papq.read_table(pq, columns=columns)
        # time64 -> microseconds since midnight, so that pandas gets timedelta64
        arrays = []
        for field, col in zip(table.schema, table.columns):
            if pa.types.is_time(field.type):
                col = col.cast(pa.time64("us")).cast(pa.int64()).cast(pa.duration("us"))
            arrays.append(col)
        table = pa.table(arrays, names=table.column_names)
        return table.to_pandas(date_as_object=False)
    return pd.read_csv(directory / f"{name}.csv", sep=None, engine="python",
                       usecols=columns, dtype={"lopenr": str, "institusjonID": str})


def read_extract(directory: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed ``episoder`` and ``pasienter`` frames from an extract folder."""
    directory = Path(directory)
    ep = _read_table(directory, "episoder", EPISODE_COLUMNS)
    pa_ = _read_table(directory, "pasienter", ["lopenr", "doddato"])
    ep["lopenr"] = ep["lopenr"].astype(str)
    pa_["lopenr"] = pa_["lopenr"].astype(str)
    for c in ("inndato", "utdato", "utskrklardato"):
        ep[c] = _as_datetime(ep[c])
    for c in ("inntid", "uttid"):
        ep[c] = _as_timedelta(ep[c])
    pa_["doddato"] = _as_datetime(pa_["doddato"])
    return ep, pa_


# --------------------------------------------------------------------------- the rule
def stays(episoder: pd.DataFrame, transfer_hours: float = 8.0) -> pd.DataFrame:
    """One row per stay (run of a person's inpatient episodes)."""
    e = episoder.loc[episoder["omsorgsniva"] == 1].copy()
    e["admitted_at"] = e["inndato"] + e["inntid"].fillna(pd.Timedelta(0))
    e["discharged_at"] = e["utdato"] + e["uttid"].fillna(pd.Timedelta(0))
    e = e.sort_values(["lopenr", "admitted_at", "discharged_at", "episode_lnr"],
                      ignore_index=True, kind="stable")

    # The person's latest discharge so far equals the current run's: a new run
    # starts after every earlier discharge of the person.
    latest = e.groupby("lopenr", sort=False)["discharged_at"].cummax()
    before = latest.groupby(e["lopenr"], sort=False).shift()
    new_stay = before.isna() | (e["admitted_at"] >= before + pd.Timedelta(hours=transfer_hours))
    e["stay_id"] = new_stay.cumsum()

    first = e.loc[new_stay, ["stay_id", "lopenr", "admitted_at", "innmateHast", "alder", "sektor"]]
    stay_end = e.groupby("stay_id", sort=False)["discharged_at"].transform("max")
    last = (e.loc[e["discharged_at"] == stay_end,
                  ["stay_id", "discharged_at", "institusjonID", "uttilstand", "utskrklardato"]]
            .drop_duplicates("stay_id", keep="last"))  # ties: later in the sort order
    out = first.merge(last, on="stay_id", how="left", validate="one_to_one")
    return out.rename(columns={"innmateHast": "urgency", "alder": "age"}).assign(
        sector=lambda d: d["sektor"].map(SECTOR_NAMES)).drop(columns="sektor")


def index_stays(episoder: pd.DataFrame, pasienter: pd.DataFrame, *, window_days: int = 30,
                transfer_hours: float = 8.0, min_age: int | None = None,
                sector: str | None = None, keep_deaths: bool = False,
                end_date=None) -> pd.DataFrame:
    """One row per index stay, as ``readmit.readmissions.index_stays``."""
    end = (episoder["utdato"].max() if end_date is None else pd.Timestamp(end_date)).normalize()
    window = pd.Timedelta(days=window_days)
    s = stays(episoder, transfer_hours)
    s = s.merge(pasienter[["lopenr", "doddato"]], on="lopenr", how="left")
    s["discharge_date"] = s["discharged_at"].dt.normalize()

    idx = s[(s["uttilstand"] == 1)
            & (s["doddato"].isna() | (s["doddato"] > s["discharge_date"]))]
    if min_age is not None:
        idx = idx[idx["age"] >= min_age]
    if sector in ("somatic", "vop", "tsb"):
        idx = idx[idx["sector"] == sector]

    by = ["lopenr"] if sector == "all" else ["lopenr", "sector"]
    cand = (s.loc[s["urgency"].isin([1, 2, 3]), by + ["admitted_at"]]
            .rename(columns={"admitted_at": "next_admitted_at"})
            .sort_values("next_admitted_at", kind="stable"))
    idx = pd.merge_asof(idx.sort_values("discharged_at", kind="stable"), cand,
                        left_on="discharged_at", right_on="next_admitted_at", by=by,
                        direction="forward", allow_exact_matches=False)
    hit = idx["next_admitted_at"].notna() & (idx["next_admitted_at"] <= idx["discharged_at"] + window)
    nxt = idx["next_admitted_at"].where(hit)

    died = (idx["doddato"].notna() & (idx["doddato"] > idx["discharge_date"])
            & (idx["doddato"] <= idx["discharge_date"] + window))
    complete = (end - idx["discharge_date"]).dt.days >= window_days
    out = pd.DataFrame({
        "lopenr": idx["lopenr"],
        "admitted_at": idx["admitted_at"],
        "discharged_at": idx["discharged_at"],
        "institusjonID": idx["institusjonID"],
        "sector": idx["sector"],
        "age": idx["age"].astype("Int64"),
        "los_days": (idx["discharge_date"] - idx["admitted_at"].dt.normalize()).dt.days.astype("Int64"),
        "ukp_days": (idx["discharge_date"] - idx["utskrklardato"]).dt.days.astype("Int64"),
        "readmitted": hit.astype("int64"),
        "hours_to_readmission": (nxt - idx["discharged_at"]) / pd.Timedelta(hours=1),
        "days_to_readmission": (nxt.dt.normalize() - idx["discharge_date"]).dt.days.astype("Int64"),
        "died_in_window": died.astype("int64"),
        "eligible": (complete & (hit | ~died | keep_deaths)).astype("int64"),
    })
    return out.sort_values(["lopenr", "admitted_at"], ignore_index=True, kind="stable")


if __name__ == "__main__":  # pragma: no cover
    import sys

    frame = index_stays(*read_extract(sys.argv[1]))
    print(frame.head(20).to_string())
    print(len(frame), "index stays;", int(frame["readmitted"].sum()), "readmitted")
