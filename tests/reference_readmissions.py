"""A small, deliberately plain reference implementation of the readmission rule.

Written from ``shared/spec/definitions.md`` and the team's agreed reading of it,
independently of the DuckDB SQL. Plain loops over sorted lists; no pandas.

Input: episode rows and person rows as plain dicts with the raw NPR column
names (``tests.extract_builder.Rows`` gives exactly that), dates as
``datetime.date`` and clock times as ``datetime.time`` or ``None``.
Output: a list of dicts, one per index stay, with the columns of
``readmit.readmissions.index_stays``, sorted by (lopenr, admitted_at).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

SECTOR_NAMES = {1: "somatic", 2: "vop", 3: "tsb"}
ACUTE = (1, 2, 3)
OUTPUT_COLUMNS = [
    "lopenr", "admitted_at", "discharged_at", "institusjonID", "sector", "age", "los_days",
    "ukp_days", "readmitted", "hours_to_readmission", "days_to_readmission", "died_in_window",
    "eligible",
]


def _stamp(day: dt.date, clock: dt.time | None) -> dt.datetime:
    """A missing clock time counts as 00:00."""
    return dt.datetime.combine(day, clock if clock is not None else dt.time(0, 0))


def build_stays(episodes: list[dict[str, Any]], transfer_hours: float = 8.0) -> list[dict[str, Any]]:
    """All stays of all persons (inpatient episodes only), in (lopenr, admitted_at) order."""
    gap = dt.timedelta(hours=transfer_hours)
    by_person: dict[str, list[tuple[dt.datetime, dt.datetime, int, dict[str, Any]]]] = {}
    for e in episodes:
        if e["omsorgsniva"] != 1:
            continue  # day and outpatient contacts never form or join stays
        admitted = _stamp(e["inndato"], e["inntid"])
        discharged = _stamp(e["utdato"], e["uttid"])
        by_person.setdefault(str(e["lopenr"]), []).append((admitted, discharged, e["episode_lnr"], e))

    stays: list[dict[str, Any]] = []
    for lopenr in sorted(by_person):
        rows = sorted(by_person[lopenr], key=lambda r: (r[0], r[1], r[2]))
        runs: list[list[tuple[dt.datetime, dt.datetime, int, dict[str, Any]]]] = []
        run_end: dt.datetime | None = None
        for row in rows:
            admitted, discharged = row[0], row[1]
            if run_end is not None and admitted < run_end + gap:
                runs[-1].append(row)
                run_end = max(run_end, discharged)
            else:
                runs.append([row])
                run_end = discharged
        for run in runs:
            first = run[0][3]
            last = run[0]
            for row in run:  # the episode that ends last; ties -> later in the sort order
                if row[1] >= last[1]:
                    last = row
            last_ep = last[3]
            admitted = min(r[0] for r in run)
            discharged = max(r[1] for r in run)
            ukp = last_ep["utskrklardato"]
            stays.append({
                "lopenr": lopenr,
                "admitted_at": admitted,
                "discharged_at": discharged,
                "urgency": first["innmateHast"],
                "fraSted": first["fraSted"],
                "age": first["alder"],
                "sector": SECTOR_NAMES[first["sektor"]],
                "main_condition": first["tilstand_1_1"],
                "institusjonID": last_ep["institusjonID"],
                "tilSted": last_ep["tilSted"],
                "uttilstand": last_ep["uttilstand"],
                "utskrklardato": ukp,
                "los_days": (discharged.date() - admitted.date()).days,
                "ukp_days": None if ukp is None else (discharged.date() - ukp).days,
                "episodes": [r[2] for r in run],
            })
    return stays


def index_stays(episodes: list[dict[str, Any]], persons: list[dict[str, Any]], *,
                window_days: int = 30, transfer_hours: float = 8.0, min_age: int | None = None,
                sector: str | None = None, keep_deaths: bool = False,
                end_date: dt.date | str | None = None) -> list[dict[str, Any]]:
    if sector not in (None, "somatic", "vop", "tsb", "all"):
        raise ValueError(f"unknown sector {sector!r}")
    if end_date is None:
        end_date = max(e["utdato"] for e in episodes)  # any episode, any care level
    elif isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    elif isinstance(end_date, dt.datetime):
        end_date = end_date.date()
    deaths = {str(p["lopenr"]): p["doddato"] for p in persons}
    window = dt.timedelta(days=window_days)

    stays = build_stays(episodes, transfer_hours)
    stays_of: dict[str, list[dict[str, Any]]] = {}
    for s in stays:
        stays_of.setdefault(s["lopenr"], []).append(s)

    out: list[dict[str, Any]] = []
    for s in stays:
        death = deaths.get(s["lopenr"])
        discharge_day = s["discharged_at"].date()
        # index stay: alive at discharge
        if s["uttilstand"] != 1:
            continue
        if death is not None and death <= discharge_day:
            continue
        if min_age is not None and (s["age"] is None or s["age"] < min_age):
            continue
        if sector in ("somatic", "vop", "tsb") and s["sector"] != sector:
            continue

        first = None
        for other in stays_of[s["lopenr"]]:  # candidates: any stay, any age, any outcome
            if other is s:
                continue
            if sector != "all" and other["sector"] != s["sector"]:
                continue
            if other["urgency"] not in ACUTE:
                continue
            if not (s["discharged_at"] < other["admitted_at"] <= s["discharged_at"] + window):
                continue
            if first is None or other["admitted_at"] < first["admitted_at"]:
                first = other

        readmitted = 1 if first is not None else 0
        if first is not None:
            hours = (first["admitted_at"] - s["discharged_at"]).total_seconds() / 3600.0
            days = (first["admitted_at"].date() - discharge_day).days
        else:
            hours = None
            days = None
        died = 1 if (death is not None and discharge_day < death <= discharge_day + window) else 0
        complete = (end_date - discharge_day).days >= window_days
        eligible = 1 if complete and (readmitted == 1 or died == 0 or keep_deaths) else 0
        out.append({
            "lopenr": s["lopenr"],
            "admitted_at": s["admitted_at"],
            "discharged_at": s["discharged_at"],
            "institusjonID": s["institusjonID"],
            "sector": s["sector"],
            "age": s["age"],
            "los_days": s["los_days"],
            "ukp_days": s["ukp_days"],
            "readmitted": readmitted,
            "hours_to_readmission": hours,
            "days_to_readmission": days,
            "died_in_window": died,
            "eligible": eligible,
        })
    out.sort(key=lambda r: (r["lopenr"], r["admitted_at"]))
    return out


def rows_from_extract(extract) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Episode and person rows from a loaded ``readmit.Extract`` (its typed tables)."""
    con = extract.con
    ecols = ["lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva", "innmateHast",
             "fraSted", "tilSted", "inndato", "inntid", "utdato", "uttid", "tilstand_1_1",
             "uttilstand", "utskrklardato", "alder"]
    sel = ", ".join(f'"{c}"' for c in ecols)
    episodes = [dict(zip(ecols, r)) for r in con.execute(f"SELECT {sel} FROM episoder").fetchall()]
    persons = [dict(zip(["lopenr", "doddato"], r))
               for r in con.execute("SELECT lopenr, doddato FROM pasienter").fetchall()]
    return episodes, persons


# --------------------------------------------------------------------------- comparison
_INT_COLUMNS = ("age", "los_days", "ukp_days", "readmitted", "days_to_readmission",
                "died_in_window", "eligible")


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def normalize_row(row: dict[str, Any]) -> dict[str, Any]:
    """Plain Python values: str, datetime, int, float or None."""
    import pandas as pd

    out: dict[str, Any] = {}
    for c in OUTPUT_COLUMNS:
        v = row.get(c)
        if _is_missing(v):
            out[c] = None
        elif c in ("admitted_at", "discharged_at"):
            out[c] = pd.Timestamp(v).to_pydatetime().replace(tzinfo=None)
        elif c in _INT_COLUMNS:
            fv = float(v)
            out[c] = int(fv) if fv == int(fv) else fv
        elif c == "hours_to_readmission":
            out[c] = float(v)
        else:
            out[c] = str(v)
    return out


def frame_rows(df) -> list[dict[str, Any]]:
    """``index_stays`` output (a DataFrame) as a list of normalized dicts, in frame order."""
    return [normalize_row(r) for r in df.to_dict("records")]


def differences(expected: list[dict[str, Any]], got: list[dict[str, Any]],
                tol: float = 1e-9) -> list[str]:
    """Human-readable differences between two row lists (order matters)."""
    expected = [normalize_row(r) for r in expected]
    got = [normalize_row(r) for r in got]
    out: list[str] = []
    if len(expected) != len(got):
        out.append(f"{len(expected)} rows expected, {len(got)} got")
    key = lambda r: (r["lopenr"], r["admitted_at"])  # noqa: E731
    got_keys = [key(r) for r in got]
    if sorted(got_keys) != got_keys:
        out.append("rows not sorted by (lopenr, admitted_at)")
    # pair rows by their full content order (with transfer_hours=0 two stays of a
    # person can share an admission time, so (lopenr, admitted_at) is not a key)
    full = lambda r: tuple((v is None, v if v is not None else 0) for v in r.values())  # noqa: E731
    exp_sorted = sorted(expected, key=lambda r: (key(r), full(r)))
    got_sorted = sorted(got, key=lambda r: (key(r), full(r)))
    exp_keys = [key(r) for r in exp_sorted]
    got_keys = [key(r) for r in got_sorted]
    for k in exp_keys:
        if exp_keys.count(k) > got_keys.count(k):
            out.append(f"missing row {k[0]} admitted {k[1]}")
    for k in got_keys:
        if got_keys.count(k) > exp_keys.count(k):
            out.append(f"unexpected row {k[0]} admitted {k[1]}")
    if exp_keys != got_keys:
        return out
    for e, g in zip(exp_sorted, got_sorted):
        for c in OUTPUT_COLUMNS:
            ev, gv = e[c], g[c]
            if c == "hours_to_readmission" and ev is not None and gv is not None:
                same = abs(ev - gv) <= tol
            else:
                same = ev == gv
            if not same:
                out.append(f"{e['lopenr']} admitted {e['admitted_at']}: {c} expected {ev!r}, got {gv!r}")
    return out
