"""Build the tiny example extract shipped in ``readmit/datasets/example/``.

Sixty invented persons, 2017-2019, written as CSV files shaped as
``shared/spec/extract.md`` describes: ``episoder``, ``pasienter``,
``akuttkontakter`` and ``handlingsplaner``. It is small enough to read by
eye and every code and table of the extract occurs in it, so every docstring
example of readmit runs on it for real:

- every trust of Helse Vest (HST, HFO, HBE, HFD, HDS) and every sector
  (``sektor`` 1 somatic, 2 VOP, 3 TSB);
- ``omsorgsniva`` 1 (inpatient), 2 (day), 3 (outpatient) and 8 (an
  outpatient contact during an inpatient stay, which never forms or splits a
  stay; ``care_level_8=False`` leaves these rows out);
- ``innmateHast`` 1-5, every ``fraSted``/``tilSted`` code, ``uttilstand``
  1-3, ``kjonn`` 1, 2 and 9, every age band;
- transfers between trusts (episodes less than 8 hours apart), planned
  stays, returns (``innmateHast`` 5), readmissions within 30 days and later,
  stays with a ready-for-discharge date (``utskrklardato``), heavy users (4
  acute stays within 365 days);
- deaths in hospital (``uttilstand`` 2 and 3), deaths within 30 days of a
  discharge without a readmission, deaths within six months of a
  readmission;
- AMK and legevakt contacts with every ``hastegrad`` and ``utfall`` (and a
  missing one), eight frequent users (10 or more contacts with a service in
  a calendar year), four of them with a care plan (``handlingsplaner``,
  ``tjeneste`` AMK, LV and begge).

Its numbers mean nothing. The data come from :class:`random.Random` with a
fixed seed, so the script writes the same bytes every time; the test suite
checks that the shipped files are exactly what it writes. To change the
example, change this script and run::

    python -m readmit.datasets.build_example          # rewrites readmit/datasets/example/
    python -m readmit.datasets.build_example --care-level-8   # with omsorgsniva 8

Examples
--------
>>> import tempfile, readmit
>>> with tempfile.TemporaryDirectory() as folder:
...     path = write_example_extract(folder)
...     with readmit.open(path) as ex:
...         sorted(ex.counts), ex.counts["pasienter"]["kept"]
(['akuttkontakter', 'episoder', 'handlingsplaner', 'pasienter'], 60)
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

__all__ = ["example_tables", "write_example_extract", "SEED", "N_PERSONS"]

#: The seed of :class:`random.Random` the example is drawn with.
SEED = 2017
#: Persons in the example.
N_PERSONS = 60

TRUSTS = ("HST", "HFO", "HBE", "HFD", "HDS")
#: A municipality in each trust's catchment area (reference/kommuner.csv).
KOMNR = {"HST": "1103", "HFO": "1106", "HBE": "4601", "HFD": "4602", "HDS": "4630"}
PLACES = (1, 2, 3, 7, 8, 10, 11, 21, 88, 98)       # fraSted / tilSted codes
URGENCY = ("akutt", "haster", "vanlig")
OUTCOME = ("ambulanse", "legevakt", "fastlege", "raad", "innlagt")
#: Main conditions by sector: somatic ones from the elderly indicator's groups and others.
CONDITIONS = {
    1: ("J44.1", "N30.0", "S72.0", "E86", "K59.0", "A09", "M17.1", "I50.0", "D50.9", "J18.9",
        "I63.9", "R07.4", "K35.8", "C34.9", "Z09.8"),
    2: ("F20.0", "F32.2", "F31.1", "F43.1", "F60.3"),
    3: ("F10.2", "F11.2", "F19.2", "F15.2"),
}
#: Secondary conditions that count in the Charlson index (and none).
SECONDARY = ("I21.9", "E11.9", "N18.5", "C50.9", "F03", "J44.9", "I10", None, None, None)

EPISODE_COLUMNS = ["lopenr", "episode_lnr", "institusjonID", "sektor", "omsorgsniva",
                   "innmateHast", "fraSted", "tilSted", "inndato", "inntid", "utdato", "uttid",
                   "tilstand_1_1", "tilstand_2_1", "tilstand_2_2", "drg", "korrvekt",
                   "uttilstand", "utskrklardato", "komnr", "alder", "kjonn"]
PERSON_COLUMNS = ["lopenr", "fodselsar", "kjonn", "komnr", "doddato"]
CONTACT_COLUMNS = ["lopenr", "kontakt_id", "tjeneste", "tidspunkt", "hastegrad", "utfall"]
PLAN_COLUMNS = ["lopenr", "startdato", "tjeneste"]

_LAST_DAY = dt.datetime(2019, 12, 20)
#: Frequent users of AMK or legevakt: person -> (service, care plan's start, plan's tjeneste).
FREQUENT = {51: ("LV", dt.date(2018, 3, 1), "LV"), 52: ("AMK", dt.date(2018, 5, 1), "AMK"),
            53: ("LV", dt.date(2018, 7, 1), "begge"), 54: ("AMK", dt.date(2018, 9, 1), "LV"),
            55: ("LV", None, None), 56: ("AMK", None, None), 57: ("LV", None, None),
            58: ("AMK", None, None)}
#: How some persons die: in hospital (uttilstand 2 or 3), within 30 days of their
#: last discharge without a readmission, or within six months of a readmission.
DEATHS = {3: "hospital", 14: "hospital", 33: "suicide", 9: "window", 20: "window",
          4: "after_readmission", 16: "after_readmission", 25: "after_readmission"}
HEAVY_USERS = (5, 12)


def example_tables(seed: int = SEED, *, care_level_8: bool = True) -> dict[str, list[dict]]:
    """The example's rows: ``{"episoder": [...], "pasienter": [...], ...}``.

    Parameters
    ----------
    seed : int
        The seed of :class:`random.Random`.
    care_level_8 : bool, default True
        Add an outpatient contact during every seventh inpatient stay of two
        days or more (``omsorgsniva`` 8, on the stay's second day, in the
        discharging trust). No random number is drawn for it, so the other
        rows stay as they are.

    Returns
    -------
    dict of str to list of dict
        One list of rows (column -> value, ``None`` for missing) per file.

    Examples
    --------
    >>> tables = example_tables()
    >>> len(tables["pasienter"]), sorted({e["omsorgsniva"] for e in tables["episoder"]})
    (60, [1, 2, 3, 8])
    """
    rng = random.Random(seed)
    episodes: list[dict] = []
    persons: list[dict] = []
    place = (_cycle(PLACES), _cycle(PLACES[5:] + PLACES[:5]))     # fraSted, tilSted
    for pid in range(1, N_PERSONS + 1):
        trust = TRUSTS[(pid - 1) % len(TRUSTS)]
        sex = 9 if pid == N_PERSONS else 1 + pid % 2
        born = {7: 2006, 8: 2000, 31: 1996}.get(pid, rng.randint(1922, 1990))
        sector = 1 if pid <= 30 or pid > 50 else (2 if pid <= 42 else 3)
        stays = _stays(rng, pid, sector)
        death = None
        for j, stay in enumerate(stays):
            last = j == len(stays) - 1
            alive = 1
            if last and DEATHS.get(pid) in ("hospital", "suicide"):
                alive = 2 if DEATHS[pid] == "hospital" else 3
                death = stay["out"].date()
            episodes += _episodes(rng, pid, trust, sector, sex, born, stay, alive, place)
        last_out = stays[-1]["out"].date()
        if DEATHS.get(pid) == "window":
            death = last_out + dt.timedelta(days=rng.randint(5, 25))
        elif DEATHS.get(pid) == "after_readmission":
            death = last_out + dt.timedelta(days=rng.randint(40, 150))
        persons.append({"lopenr": pid, "fodselsar": born, "kjonn": sex, "komnr": KOMNR[trust],
                        "doddato": death})
        if pid == 1:
            # the end of the data: an outpatient visit on 30 December 2019
            episodes.append(_outpatient(pid, trust, sector, sex, born,
                                        dt.datetime(2019, 12, 30, 9, 0), "Z09.8"))
    if care_level_8:
        episodes += _during_stays(episodes)
    episodes.sort(key=lambda e: (e["inndato"], e["inntid"] or "", e["lopenr"]))
    for n, e in enumerate(episodes, start=1):
        e["episode_lnr"] = n
    contacts, plans = _contacts(rng)
    return {"episoder": episodes, "pasienter": persons, "akuttkontakter": contacts,
            "handlingsplaner": plans}


def write_example_extract(folder: str | Path, *, seed: int = SEED,
                          care_level_8: bool = True) -> Path:
    """Write the example extract's four CSV files into ``folder`` (created); return it.

    Parameters
    ----------
    folder : str or pathlib.Path
    seed : int
        The seed of :class:`random.Random` (the shipped files use :data:`SEED`).
    care_level_8 : bool, default True
        As :func:`example_tables`.

    Returns
    -------
    pathlib.Path
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    tables = example_tables(seed, care_level_8=care_level_8)
    for name, columns in (("episoder", EPISODE_COLUMNS), ("pasienter", PERSON_COLUMNS),
                          ("akuttkontakter", CONTACT_COLUMNS),
                          ("handlingsplaner", PLAN_COLUMNS)):
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for row in tables[name]:
                writer.writerow(["" if row.get(c) is None else _text(row[c]) for c in columns])
    return out


# ----------------------------------------------------------------------------- stays
def _stays(rng: random.Random, pid: int, sector: int) -> list[dict]:
    """A person's inpatient stays in order: admission, discharge, urgency, transfer."""
    heavy = pid in HEAVY_USERS
    n = 5 if heavy else rng.randint(1, 4)
    if DEATHS.get(pid) == "after_readmission":
        n = max(n, 2)
    start = dt.datetime(2017, 1, 3) + dt.timedelta(days=rng.randint(0, 400 if heavy else 820),
                                                    hours=rng.randint(0, 23),
                                                    minutes=rng.choice((0, 15, 30, 45)))
    stays: list[dict] = []
    at = start
    for j in range(n):
        readmission = j > 0 and (heavy or rng.random() < 0.45
                                 or (DEATHS.get(pid) == "after_readmission" and j == n - 1))
        if j > 0:
            gap = rng.randint(2, 27) if readmission else rng.randint(45, 300)
            at = stays[-1]["out"] + dt.timedelta(days=gap, hours=rng.randint(-6, 6))
        urgency = rng.choice((1, 2, 3)) if (readmission or heavy) else rng.choice((1, 2, 3, 4, 4))
        los = {1: rng.randint(0, 9), 2: rng.randint(2, 30), 3: rng.randint(3, 21)}[sector]
        out = at + dt.timedelta(days=los)
        out = out.replace(hour=rng.randint(8, 16), minute=rng.choice((0, 10, 20, 40)))
        if out <= at:
            out = at + dt.timedelta(hours=rng.randint(3, 9))
        if out > _LAST_DAY:
            break
        stays.append({"in": at, "out": out, "urgency": urgency,
                      "transfer": sector == 1 and rng.random() < 0.15,
                      "returned": sector == 1 and rng.random() < 0.08})
    return stays


def _episodes(rng, pid, trust, sector, sex, born, stay, alive, place) -> list[dict]:
    """The episodes of one stay, and the outpatient or day visits that follow it."""
    age = stay["in"].year - born
    condition = rng.choice(CONDITIONS[sector])
    ready = None
    los = (stay["out"].date() - stay["in"].date()).days
    if sector == 1 and age >= 67 and los >= 3 and rng.random() < 0.6:
        ready = stay["out"].date() - dt.timedelta(days=rng.randint(0, min(5, los)))
    base = {"lopenr": pid, "sektor": sector, "omsorgsniva": 1, "komnr": KOMNR[trust],
            "alder": age, "kjonn": sex, "tilstand_1_1": condition,
            "tilstand_2_1": rng.choice(SECONDARY), "tilstand_2_2": rng.choice(SECONDARY),
            "drg": f"{rng.randint(1, 470):03d}", "korrvekt": round(rng.uniform(0.3, 3.0), 3)}
    out: list[dict] = []
    if stay["transfer"]:
        # two trusts: the first discharges, the second admits 1-6 hours later
        middle = stay["in"] + (stay["out"] - stay["in"]) / 2
        other = TRUSTS[(TRUSTS.index(trust) + 1) % len(TRUSTS)]
        handover = middle + dt.timedelta(hours=rng.randint(1, 6))
        out.append({**base, "institusjonID": trust, "innmateHast": stay["urgency"],
                    "fraSted": next(place[0]), "tilSted": 3, **_stamps(stay["in"], middle),
                    "uttilstand": 1, "utskrklardato": None})
        out.append({**base, "institusjonID": other, "innmateHast": 1, "fraSted": 3,
                    "tilSted": next(place[1]), **_stamps(handover, max(stay["out"], handover)),
                    "uttilstand": alive, "utskrklardato": ready,
                    "korrvekt": round(rng.uniform(0.3, 2.0), 3)})
    else:
        out.append({**base, "institusjonID": trust, "innmateHast": stay["urgency"],
                    "fraSted": next(place[0]), "tilSted": next(place[1]),
                    **_stamps(stay["in"], stay["out"]), "uttilstand": alive,
                    "utskrklardato": ready})
    if alive == 1 and stay["returned"]:
        # returned from another hospital for the rest of the treatment (tilbakeføring)
        back = stay["out"] + dt.timedelta(hours=rng.randint(10, 30))
        out.append({**base, "institusjonID": trust, "innmateHast": 5, "fraSted": 3,
                    "tilSted": 1, **_stamps(back, back + dt.timedelta(days=rng.randint(1, 3))),
                    "uttilstand": 1, "utskrklardato": None})
    if pid not in DEATHS and rng.random() < 0.5:
        visit = stay["out"] + dt.timedelta(days=rng.randint(7, 21))
        visit = visit.replace(hour=rng.randint(8, 14), minute=0)
        if visit < _LAST_DAY:
            level = 2 if rng.random() < 0.3 else 3
            out.append(_outpatient(pid, trust, sector, sex, born, visit, condition, level))
    return out


def _during_stays(episodes: list[dict]) -> list[dict]:
    """An outpatient contact (``omsorgsniva`` 8) on the second day of every seventh
    inpatient episode of two days or more."""
    long = [e for e in episodes if e["omsorgsniva"] == 1
            and (e["utdato"] - e["inndato"]).days >= 2]
    out = []
    for e in long[::7]:
        at = dt.datetime.combine(e["inndato"] + dt.timedelta(days=1), dt.time(10, 0))
        out.append({**e, "omsorgsniva": 8, "innmateHast": 4, "fraSted": 1, "tilSted": 1,
                    **_stamps(at, at + dt.timedelta(hours=1)), "drg": "468", "korrvekt": 0.1,
                    "uttilstand": 1, "utskrklardato": None})
    return out


def _outpatient(pid, trust, sector, sex, born, at, condition, level=3) -> dict:
    """A planned day (``omsorgsniva`` 2) or outpatient (3) visit of about an hour."""
    return {"lopenr": pid, "institusjonID": trust, "sektor": sector, "omsorgsniva": level,
            "innmateHast": 4, "fraSted": 1, "tilSted": 1,
            **_stamps(at, at + dt.timedelta(hours=1 if level == 3 else 5)),
            "tilstand_1_1": condition, "tilstand_2_1": None, "tilstand_2_2": None,
            "drg": "468", "korrvekt": 0.1 if level == 3 else 0.4, "uttilstand": 1,
            "utskrklardato": None, "komnr": KOMNR[trust], "alder": at.year - born,
            "kjonn": sex}


def _stamps(admitted: dt.datetime, discharged: dt.datetime) -> dict:
    return {"inndato": admitted.date(), "inntid": admitted.time(),
            "utdato": discharged.date(), "uttid": discharged.time()}


# ----------------------------------------------------------------------------- contacts
def _contacts(rng: random.Random) -> tuple[list[dict], list[dict]]:
    """AMK and legevakt contacts of everyone, and the frequent users' care plans."""
    rows: list[dict] = []
    urgency, outcome = _cycle(URGENCY), _cycle(OUTCOME)
    for pid in range(1, N_PERSONS + 1):
        if pid in FREQUENT:
            service, start, _ = FREQUENT[pid]
            for month in range(36):
                first = dt.date(2017 + month // 12, month % 12 + 1, 1)
                if start is not None:
                    rate = 1.6 if first < start else 0.5       # fewer after the plan
                else:
                    rate = (1.6, 1.0, 0.8)[month // 12]       # regression to the mean
                for _ in range(_poisson_like(rng, rate)):
                    rows.append(_contact(rng, pid, service if rng.random() < 0.85
                                         else ("AMK" if service == "LV" else "LV"),
                                         first, urgency, outcome))
        else:
            for _ in range(rng.randint(0, 3)):
                first = dt.date(rng.randint(2017, 2019), rng.randint(1, 12), 1)
                rows.append(_contact(rng, pid, rng.choice(("AMK", "LV")), first, urgency,
                                     outcome))
    # a contact with no urgency or outcome recorded, and the first and last days
    rows.append({"lopenr": 10, "tjeneste": "LV", "tidspunkt": dt.datetime(2017, 1, 1, 0, 30),
                 "hastegrad": None, "utfall": None})
    rows.append({"lopenr": 11, "tjeneste": "AMK", "tidspunkt": dt.datetime(2019, 12, 31, 22, 5),
                 "hastegrad": "akutt", "utfall": "ambulanse"})
    rows.sort(key=lambda r: (r["tidspunkt"], r["lopenr"]))
    for n, r in enumerate(rows, start=1):
        r["kontakt_id"] = n
    plans = [{"lopenr": pid, "startdato": start, "tjeneste": service}
             for pid, (_, start, service) in FREQUENT.items() if start is not None]
    return rows, plans


def _contact(rng, pid, service, month_start: dt.date, urgency, outcome) -> dict:
    day = month_start + dt.timedelta(days=rng.randint(0, 27))
    at = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
    return {"lopenr": pid, "tjeneste": service, "tidspunkt": at, "hastegrad": next(urgency),
            "utfall": next(outcome)}


def _poisson_like(rng: random.Random, rate: float) -> int:
    """A count with mean ``rate``: the whole part, plus one with the fraction's chance."""
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def _cycle(values):
    while True:
        yield from values


def _text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """Rewrite the shipped example (or the folder given as the argument);
    ``--without-care-level-8`` leaves out the contacts during stays."""
    args = sys.argv[1:] if argv is None else argv
    care_level_8 = "--without-care-level-8" not in args
    args = [a for a in args if a != "--without-care-level-8"]
    folder = Path(args[0]) if args else Path(__file__).with_name("example")
    path = write_example_extract(folder, care_level_8=care_level_8)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
