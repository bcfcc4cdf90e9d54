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

# SKDE's code lists, transcribed here from the SAS source independently of
# readmit's reference CSV files: each tuple is the list of a SAS
# ``substr(code, 1, n) in (...)`` test. A code is in a list when it starts with
# one of its entries.
# SKDE-Analyse/eldre-sas-utvalg, Definisjoner_reinnleggelse_11gr.sas @ 1e9f4e3, lines 17-28:
ELDERLY_GROUP_PREFIXES: dict[str, tuple[str, ...]] = {
    "asthma_copd": ("J40", "J41", "J42", "J43", "J44", "J45", "J46", "J47"),
    "urinary_tract_infection": ("N300", "N301", "N302", "N303", "N308", "N309"),
    "fracture": ("S22", "S32", "S42", "S52", "S62", "S72", "S82", "S92", "T08", "T10", "T12"),
    "dehydration": ("E86",),
    "constipation": ("K590",),
    "gastroenteritis": ("A00", "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09"),
    "gout_arthritis": ("M05", "M06", "M07", "M10", "M11", "M12", "M13", "M15", "M16", "M17",
                       "M18", "M19"),
    "heart_failure": ("I43", "I50", "J81", "I099", "I119", "I130", "I132", "I255", "I420",
                      "I425", "I426", "I427", "I428", "I429", "I971"),
    "deficiency_anaemia": ("D50", "D51", "D52", "D53"),
    "pneumonia": ("J12", "J13", "J14", "J15", "J16", "J17", "J18"),
    "stroke": ("I61", "I63", "I64"),
}
# SKDE-Analyse/sas_codes, makroer/reinnleggelser.sas @ 4289da1, lines 66-76 (eks_diag):
EXCLUDED_PREFIXES: tuple[str, ...] = (
    "C", "D0", "D37", "D38", "D39", "D40", "D41", "D42", "D43", "D44", "D45", "D46", "D47", "D48",
    "V", "W", "X", "Y",
    "T1", "T2", "T3", "T6", "T7", "T9",
    "T51", "T52", "T53", "T54", "T55", "T56", "T57", "T58", "T59",
    "Z1", "Z2", "Z3", "Z6", "Z8", "Z9",
    "Z00", "Z01", "Z02", "Z04", "Z05", "Z06", "Z07", "Z08", "Z09",
    "Z40", "Z41", "Z43", "Z44", "Z45", "Z46", "Z49",
    "Z50", "Z51", "Z52", "Z53", "Z55", "Z56", "Z57", "Z58", "Z59",
    "Z70", "Z71", "Z72", "Z73", "Z76", "Z77", "Z78", "Z79",
)


def normalise_code(code: str | None) -> str | None:
    """Upper case, no dot, no surrounding blanks: ``' j44.1'`` -> ``'J441'``."""
    return None if code is None else code.strip().replace(".", "").upper()


def elderly_group_of(code: str | None) -> str | None:
    code = normalise_code(code)
    if not code:
        return None
    for group, prefixes in ELDERLY_GROUP_PREFIXES.items():
        if code.startswith(prefixes):
            return group
    return None


def is_excluded_readmission(code: str | None) -> bool:
    code = normalise_code(code)
    return bool(code) and code.startswith(EXCLUDED_PREFIXES)
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
                end_date: dt.date | str | None = None, window: str = "hours",
                link: str = "first", exclude_planned_conditions: bool = False,
                elderly_group: str | None = None) -> list[dict[str, Any]]:
    """The index stays with their readmission.

    ``window="hours"``: a readmission is admitted after the discharge, at most
    ``window_days`` * 24 h later; ``"days"``: 0 < admission date - discharge
    date < ``window_days``. ``link="first"``: an index stay's readmission is the
    first acute stay in its window; ``"latest"`` (SKDE's reinnleggelser.sas):
    walking through a person's stays in (admission, discharge, first episode)
    order, each acute stay is compared with the latest index stay before it only.
    ``exclude_planned_conditions``: acute stays with a main condition on
    :data:`EXCLUDED_PREFIXES` are not readmissions. ``elderly_group``: only
    index stays with a main condition in that group ('all': any group).
    """
    if sector not in (None, "somatic", "vop", "tsb", "all"):
        raise ValueError(f"unknown sector {sector!r}")
    if window not in ("hours", "days") or link not in ("first", "latest"):
        raise ValueError(f"unknown window {window!r} or link {link!r}")
    if elderly_group not in (None, "all", *ELDERLY_GROUP_PREFIXES):
        raise ValueError(f"unknown elderly_group {elderly_group!r}")
    if end_date is None:
        end_date = max(e["utdato"] for e in episodes)  # any episode, any care level
    elif isinstance(end_date, str):
        end_date = dt.date.fromisoformat(end_date)
    elif isinstance(end_date, dt.datetime):
        end_date = end_date.date()
    deaths = {str(p["lopenr"]): p["doddato"] for p in persons}
    window_span = dt.timedelta(days=window_days)

    stays = build_stays(episodes, transfer_hours)
    stays_of: dict[str, list[dict[str, Any]]] = {}
    for s in stays:
        stays_of.setdefault(s["lopenr"], []).append(s)

    def is_index(s: dict[str, Any]) -> bool:
        death = deaths.get(s["lopenr"])
        if s["uttilstand"] != 1:  # alive at discharge
            return False
        if death is not None and death <= s["discharged_at"].date():
            return False
        if min_age is not None and (s["age"] is None or s["age"] < min_age):
            return False
        if sector in ("somatic", "vop", "tsb") and s["sector"] != sector:
            return False
        if elderly_group is not None:
            group = elderly_group_of(s["main_condition"])
            if group is None or elderly_group not in ("all", group):
                return False
        return True

    def is_candidate(index: dict[str, Any], other: dict[str, Any]) -> bool:
        """An acute stay (any age, any outcome) that may readmit ``index``."""
        if other is index:
            return False
        if sector != "all" and other["sector"] != index["sector"]:
            return False
        if other["urgency"] not in ACUTE:
            return False
        return not (exclude_planned_conditions and is_excluded_readmission(other["main_condition"]))

    def in_window(index: dict[str, Any], other: dict[str, Any]) -> bool:
        if window == "hours":
            return index["discharged_at"] < other["admitted_at"] <= index["discharged_at"] + window_span
        days = (other["admitted_at"].date() - index["discharged_at"].date()).days
        return 0 < days < window_days

    def order(s: dict[str, Any]) -> tuple:
        return (s["admitted_at"], s["discharged_at"], s["episodes"][0])

    # link == "latest": each acute stay goes to the latest index stay before it
    latest_readmission: dict[int, dict[str, Any]] = {}
    if link == "latest":
        for person_stays in stays_of.values():
            ordered = sorted(person_stays, key=order)
            for i, other in enumerate(ordered):
                before = [p for p in ordered[:i] if is_index(p)
                          and (sector == "all" or p["sector"] == other["sector"])]
                if not before or not is_candidate(before[-1], other):
                    continue
                p = before[-1]
                if in_window(p, other):
                    seen = latest_readmission.get(id(p))
                    if seen is None or order(other) < order(seen):
                        latest_readmission[id(p)] = other

    out: list[dict[str, Any]] = []
    for s in stays:
        if not is_index(s):
            continue
        death = deaths.get(s["lopenr"])
        discharge_day = s["discharged_at"].date()

        if link == "latest":
            first = latest_readmission.get(id(s))
        else:
            first = None
            for other in stays_of[s["lopenr"]]:
                if not (is_candidate(s, other) and in_window(s, other)):
                    continue
                if first is None or order(other) < order(first):
                    first = other

        readmitted = 1 if first is not None else 0
        if first is not None:
            hours = (first["admitted_at"] - s["discharged_at"]).total_seconds() / 3600.0
            days = (first["admitted_at"].date() - discharge_day).days
        else:
            hours = None
            days = None
        died = 1 if (death is not None and discharge_day < death <= discharge_day + window_span) else 0
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
