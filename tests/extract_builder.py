"""Write small, complete, valid NPR-shaped extracts from a few hand-written rows.

Used by the readmission golden cases and property tests. Written from
``shared/spec/extract.md`` only (not from the loader), so that a test states
its data in a few lines::

    episodes = [
        ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00"),
        ep("p1", 2, "2019-03-20 08:00", "2019-03-22", innmateHast=4),  # no uttid
    ]
    rows = write_extract(tmp_path, episodes, persons=[person("p1", doddato="2019-04-01")])

A timestamp written as ``"YYYY-MM-DD HH:MM"`` gives the date and the clock
time; ``"YYYY-MM-DD"`` alone gives the date and a *missing* clock time.
:func:`write_extract` returns the filled-in rows (``Rows``), which the pure
Python reference implementation takes as its input.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EPISODE_COLUMNS = [
    "lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva", "innmateHast",
    "fraSted", "tilSted", "inndato", "inntid", "utdato", "uttid", "tilstand_1_1",
    "tilstand_2_1", "drg", "korrvekt", "uttilstand", "utskrklardato", "komnr", "alder",
    "kjonn",
]
PERSON_COLUMNS = ["lopenr", "fodselsar", "kjonn", "komnr", "doddato"]
CONTACT_COLUMNS = ["lopenr", "kontakt_id", "tjeneste", "tidspunkt", "hastegrad", "utfall"]

EPISODE_DEFAULTS: dict[str, Any] = {
    "institusjonID": "HBE",
    "sektor": 1,
    "omsorgsniva": 1,
    "innmateHast": 1,
    "fraSted": 1,
    "tilSted": 1,
    "tilstand_1_1": "I50.0",
    "tilstand_2_1": None,
    "drg": "127O",
    "korrvekt": 1.0,
    "uttilstand": 1,
    "utskrklardato": None,
    "komnr": "4601",
    "alder": 70,
    "kjonn": 2,
}

_INT_EPISODE = {"episode_lnr", "sektor", "omsorgsniva", "innmateHast", "fraSted", "tilSted",
                "uttilstand", "alder", "kjonn"}
_TEXT_EPISODE = {"lopenr", "institusjonID", "tilstand_1_1", "tilstand_2_1", "drg", "komnr"}
#: More secondary conditions (tilstand_2_2, tilstand_2_3, ...) may be given to ep();
#: the file then has as many tilstand_2_N columns as the rows use.
_MORE_CONDITIONS = re.compile(r"tilstand_2_([2-9]|[1-9][0-9]+)")


# --------------------------------------------------------------------------- parsing
def to_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def to_time(value: Any) -> dt.time | None:
    if value is None:
        return None
    if isinstance(value, dt.time):
        return value
    return dt.time.fromisoformat(str(value))


def split_stamp(text: str | dt.datetime | dt.date | None) -> tuple[dt.date | None, dt.time | None]:
    """``"2019-03-01 10:00"`` -> (date, time); ``"2019-03-01"`` -> (date, None)."""
    if text is None:
        return None, None
    if isinstance(text, dt.datetime):
        return text.date(), text.time()
    if isinstance(text, dt.date):
        return text, None
    text = str(text).strip()
    if " " in text or "T" in text:
        day, clock = text.replace("T", " ").split(" ", 1)
        return dt.date.fromisoformat(day), dt.time.fromisoformat(clock)
    return dt.date.fromisoformat(text), None


# --------------------------------------------------------------------------- row helpers
def ep(lopenr: str, episode_lnr: int, admitted: str | None, discharged: str | None,
       **overrides: Any) -> dict[str, Any]:
    """One episode row: ``ep("p1", 1, "2019-03-01 10:00", "2019-03-05 12:00", sektor=2)``.

    Columns not given take :data:`EPISODE_DEFAULTS`; ``inndato``/``inntid``/``utdato``/
    ``uttid`` may also be overridden directly.
    """
    inndato, inntid = split_stamp(admitted)
    utdato, uttid = split_stamp(discharged)
    row: dict[str, Any] = {"lopenr": str(lopenr), "episode_lnr": int(episode_lnr)}
    row.update(EPISODE_DEFAULTS)
    row.update(inndato=inndato, inntid=inntid, utdato=utdato, uttid=uttid)
    unknown = {k for k in overrides
               if k not in EPISODE_COLUMNS and not _MORE_CONDITIONS.fullmatch(k)}
    if unknown:
        raise KeyError(f"unknown episode columns: {sorted(unknown)}")
    row.update(overrides)
    for key in ("inndato", "utdato", "utskrklardato"):
        row[key] = to_date(row[key])
    for key in ("inntid", "uttid"):
        row[key] = to_time(row[key])
    return row


def person(lopenr: str, doddato: str | dt.date | None = None, **overrides: Any) -> dict[str, Any]:
    """One pasienter row; ``fodselsar`` is filled from the episodes if not given."""
    row = {"lopenr": str(lopenr), "fodselsar": None, "kjonn": 2, "komnr": "4601",
           "doddato": to_date(doddato)}
    unknown = set(overrides) - set(PERSON_COLUMNS)
    if unknown:
        raise KeyError(f"unknown pasienter columns: {sorted(unknown)}")
    row.update(overrides)
    row["doddato"] = to_date(row["doddato"])
    return row


def contact(lopenr: str, kontakt_id: int, when: str | dt.datetime, **overrides: Any) -> dict[str, Any]:
    day, clock = split_stamp(when)
    row = {"lopenr": str(lopenr), "kontakt_id": int(kontakt_id), "tjeneste": "AMK",
           "tidspunkt": dt.datetime.combine(day, clock or dt.time(0, 0)),
           "hastegrad": "haster", "utfall": "ambulanse"}
    row.update(overrides)
    return row


@dataclass
class Rows:
    """The rows actually written (defaults filled in)."""

    episodes: list[dict[str, Any]]
    persons: list[dict[str, Any]]
    contacts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def deaths(self) -> dict[str, dt.date | None]:
        return {p["lopenr"]: p["doddato"] for p in self.persons}


def fill_rows(episodes: list[dict[str, Any]], persons: list[dict[str, Any]] | None = None,
              contacts: list[dict[str, Any]] | None = None) -> Rows:
    if not episodes:
        raise ValueError("an extract needs at least one episode")
    full_eps = []
    for e in episodes:
        missing = [c for c in EPISODE_COLUMNS if c not in e]
        if missing:  # a plain dict not made by ep(): fill it the same way
            e = ep(e["lopenr"], e["episode_lnr"], None, None,
                   **{k: v for k, v in e.items() if k not in ("lopenr", "episode_lnr")})
        full_eps.append(dict(e))
    ids = [e["episode_lnr"] for e in full_eps]
    if len(set(ids)) != len(ids):
        raise ValueError("episode_lnr must be unique")

    first_ep: dict[str, dict[str, Any]] = {}
    for e in full_eps:
        first_ep.setdefault(e["lopenr"], e)
    if persons is None:
        persons = [person(pid) for pid in first_ep]
    full_persons = []
    for p in persons:
        p = dict(p)
        p.setdefault("kjonn", 2)
        p.setdefault("komnr", "4601")
        p.setdefault("doddato", None)
        p["doddato"] = to_date(p["doddato"])
        if p.get("fodselsar") is None:
            e = first_ep.get(p["lopenr"])
            p["fodselsar"] = (e["inndato"].year - e["alder"]) if e and e["alder"] is not None else 1950
        full_persons.append(p)
    known = {p["lopenr"] for p in full_persons}
    orphans = set(first_ep) - known
    if orphans:
        raise ValueError(f"episodes of persons missing from pasienter: {sorted(orphans)}")

    if not contacts:
        first = full_eps[0]
        when = dt.datetime.combine(first["inndato"], first["inntid"] or dt.time(0, 0))
        contacts = [contact(first["lopenr"], 1, when, hastegrad="akutt", utfall="ambulanse")]
    return Rows(full_eps, full_persons, [dict(c) for c in contacts])


# --------------------------------------------------------------------------- writing
def episode_columns(episodes: list[dict[str, Any]]) -> list[str]:
    """EPISODE_COLUMNS, with the extra tilstand_2_N any episode uses after tilstand_2_1."""
    extra = {k for e in episodes for k in e if _MORE_CONDITIONS.fullmatch(k)}
    extra_sorted = sorted(extra, key=lambda k: int(k.rsplit("_", 1)[1]))
    i = EPISODE_COLUMNS.index("tilstand_2_1") + 1
    return EPISODE_COLUMNS[:i] + extra_sorted + EPISODE_COLUMNS[i:]


def _arrow_tables(rows: Rows):
    import pyarrow as pa

    def col(values, typ):
        return pa.array(values, type=typ)

    ep_types = {}
    columns = episode_columns(rows.episodes)
    for c in columns:
        if c in _INT_EPISODE:
            ep_types[c] = pa.int64()
        elif c in _TEXT_EPISODE or _MORE_CONDITIONS.fullmatch(c):
            ep_types[c] = pa.string()
        elif c == "korrvekt":
            ep_types[c] = pa.float64()
        elif c in ("inndato", "utdato", "utskrklardato"):
            ep_types[c] = pa.date32()
        elif c in ("inntid", "uttid"):
            ep_types[c] = pa.time64("us")
    episoder = pa.table({c: col([e.get(c) for e in rows.episodes], ep_types[c]) for c in columns})
    pt = {"lopenr": pa.string(), "fodselsar": pa.int64(), "kjonn": pa.int64(),
          "komnr": pa.string(), "doddato": pa.date32()}
    pasienter = pa.table({c: col([p[c] for p in rows.persons], pt[c]) for c in PERSON_COLUMNS})
    ct = {"lopenr": pa.string(), "kontakt_id": pa.int64(), "tjeneste": pa.string(),
          "tidspunkt": pa.timestamp("us"), "hastegrad": pa.string(), "utfall": pa.string()}
    akutt = pa.table({c: col([k[c] for k in rows.contacts], ct[c]) for c in CONTACT_COLUMNS})
    return {"episoder": episoder, "pasienter": pasienter, "akuttkontakter": akutt}


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_csv(path: Path, columns: list[str], records: list[dict[str, Any]]) -> None:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(columns)
        for r in records:
            w.writerow([_csv_value(r[c]) for c in columns])


def write_extract(directory: str | Path, episodes: list[dict[str, Any]],
                  persons: list[dict[str, Any]] | None = None,
                  contacts: list[dict[str, Any]] | None = None,
                  fmt: str = "parquet") -> Rows:
    """Write ``episoder``, ``pasienter`` and ``akuttkontakter`` into ``directory``.

    ``persons`` defaults to one living person per ``lopenr`` in ``episodes``;
    ``contacts`` to one harmless AMK contact of the first person. Returns the
    rows as written (see :class:`Rows`).
    """
    if fmt not in ("parquet", "csv"):
        raise ValueError("fmt must be 'parquet' or 'csv'")
    rows = fill_rows(episodes, persons, contacts)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        for name, table in _arrow_tables(rows).items():
            pq.write_table(table, directory / f"{name}.parquet")
    else:
        _write_csv(directory / "episoder.csv", episode_columns(rows.episodes),
                   [{c: e.get(c) for c in episode_columns(rows.episodes)} for e in rows.episodes])
        _write_csv(directory / "pasienter.csv", PERSON_COLUMNS, rows.persons)
        _write_csv(directory / "akuttkontakter.csv", CONTACT_COLUMNS, rows.contacts)
    return rows
