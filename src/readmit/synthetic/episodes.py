"""From stays to NPR episodes: transfers split a stay into episodes less than
8 hours apart, and outpatient and day contacts are added beside them.

Diagnoses are carried as indices into :data:`CONDITIONS` and turned into
strings only in :func:`episode_table` (strings in NumPy are slow)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from readmit.synthetic.population import CHRONIC_CODES, TRUSTS, Population, kommuner
from readmit.synthetic.stays import YEAR

ACUTE_CODES = np.array(["J18.9", "N39.0", "S72.0", "I21.9", "I63.9", "A09.9", "E86",
                        "R07.4", "K80.2", "R55", "S06.0", "K56.6", "I26.9", "J20.9"])
ACUTE_WEIGHTS = np.array([12, 9, 5, 6, 5, 4, 3, 10, 4, 5, 3, 2, 2, 5], float)
PLANNED_CODES = np.array(["M17.1", "M16.1", "C50.9", "K40.9", "H25.9", "C61", "I25.1", "M51.1"])
VOP_CODES = np.array(["F20.0", "F31.2", "F32.2", "F25.0", "F60.3", "F43.1"])
TSB_CODES = np.array(["F10.2", "F11.2", "F12.2", "F15.2", "F19.2"])
FOLLOW_UP_CODE = "Z09.8"   # outpatient contact of a person without a chronic condition
DRG_BY_CHAPTER = {"I": "127O", "J": "088", "N": "320", "S": "211B", "A": "183",
                  "E": "296", "R": "143", "K": "183", "C": "082", "M": "209A",
                  "H": "039", "F": "430", "G": "012"}

#: Every ICD-10 code the generator writes; episodes carry indices into it.
CONDITIONS = np.unique(np.concatenate([ACUTE_CODES, PLANNED_CODES, VOP_CODES, TSB_CODES,
                                       CHRONIC_CODES, [FOLLOW_UP_CODE]]))
_ACUTE = np.searchsorted(CONDITIONS, ACUTE_CODES)
_PLANNED = np.searchsorted(CONDITIONS, PLANNED_CODES)
_VOP = np.searchsorted(CONDITIONS, VOP_CODES)
_TSB = np.searchsorted(CONDITIONS, TSB_CODES)
_CHRONIC = np.r_[np.searchsorted(CONDITIONS, CHRONIC_CODES), -1]   # [-1] (none) stays -1
_FOLLOW_UP = int(np.searchsorted(CONDITIONS, FOLLOW_UP_CODE))
_DRG = np.array([DRG_BY_CHAPTER.get(c[0], "468") for c in CONDITIONS])


def chronic_conditions(pop: Population, person: np.ndarray, j: int) -> np.ndarray:
    """The ``j``-th secondary condition of each person, as an index into
    :data:`CONDITIONS` (-1 where none)."""
    return _CHRONIC[pop.chronic[person, j]]


def strings(values: np.ndarray, idx: np.ndarray) -> pa.Array:
    """An Arrow string array ``values[idx]`` (null where ``idx`` < 0)."""
    idx = np.asarray(idx)
    return pa.array(values).take(pa.array(idx, mask=idx < 0, type=pa.int32()))


def _main_conditions(rng, pop: Population, s) -> np.ndarray:
    n = len(s["person"])
    acute = _ACUTE[rng.choice(len(_ACUTE), n, p=ACUTE_WEIGHTS / ACUTE_WEIGHTS.sum())]
    chronic_pick = chronic_conditions(pop, s["person"], 0)
    use_chronic = (chronic_pick >= 0) & (rng.random(n) < 0.5)
    somatic = np.where(use_chronic, chronic_pick, acute)
    somatic = np.where(s["urgency"] == 4, _PLANNED[rng.integers(0, len(_PLANNED), n)], somatic)
    return np.select([s["sector"] == 2, s["sector"] == 3],
                     [_VOP[rng.integers(0, len(_VOP), n)], _TSB[rng.integers(0, len(_TSB), n)]],
                     somatic)


def stay_episodes(rng, pop: Population, s, death: np.ndarray, start_year: int) -> dict:
    """One row per episode of every stay, as column arrays in NPR's terms."""
    n = len(s["person"])
    main = _main_conditions(rng, pop, s)
    died = s["dis"] >= death[s["person"]] - 1e-9
    psych = s["sector"] > 1
    status = np.where(died, np.where(psych & (rng.random(n) < 0.05), 3, 2), 1)

    # segments: (stay index, start, end, trust, urgency, fraSted, tilSted, last?)
    length = s["dis"] - s["admit"]
    t = s["transfer"]
    n_seg = np.select([t == 1, (t == 2) | (t == 4), t == 3], [2, 2, 3], 1)
    stay = np.repeat(np.arange(n), n_seg)
    k = np.arange(len(stay)) - np.repeat(np.cumsum(n_seg) - n_seg, n_seg)   # segment number
    last = k == n_seg[stay] - 1
    tt = t[stay]
    # cut points as fractions of the stay, and the gap before a segment (days)
    cut1 = 0.25 + 0.5 * rng.random(n)
    cut2 = cut1 + (1 - cut1) * (0.3 + 0.5 * rng.random(n))
    gap = np.where(tt[:, None] >= 2, rng.uniform(0.5, 6.5, (len(stay), 1)) / 24, 0.0)[:, 0]
    gap = np.where(k == 0, 0.0, gap)
    frac_start = np.select([k == 0, k == 1], [0.0, cut1[stay]], cut2[stay])
    frac_end = np.select([last, k == 0], [1.0, cut1[stay]], cut2[stay])
    start = s["admit"][stay] + frac_start * length[stay] + gap
    end = np.maximum(s["admit"][stay] + frac_end * length[stay], start + 1 / 24)
    end = np.where(last, np.maximum(s["dis"][stay], start), end)
    # a stay that ends in death ends with its last episode; a transfer gap can
    # push that episode past the stay's planned discharge (even past midnight),
    # so the death moves with it (updates ``death`` in place, as the later
    # tables read it)
    dies = last & died[stay]
    np.maximum.at(death, s["person"][stay][dies], end[dies])

    home = s["trust"][stay]
    trust = np.where(((tt == 2) | (tt == 4) | (tt == 3)) & (k == 1), 2, home)  # 2 = HBE
    urgency = np.where(k == 0, s["urgency"][stay], np.where((tt == 3) & (k == 2), 5, 1))
    urgency = np.where(tt == 1, s["urgency"][stay], urgency)
    fra = np.where(k == 0, np.where(s["urgency"][stay] == 5, 3, 1), np.where(tt == 1, 7, 3))
    til = np.where(last, np.where(status[stay] == 1, rng.choice([1, 1, 1, 11, 21], len(stay)), 98),
                   np.where(tt == 1, 7, 3))

    ready_date_days = np.where(last & (s["ukp_days"][stay] >= 0),
                               np.floor(s["dis"][stay]) - s["ukp_days"][stay], np.nan)
    age = np.floor(pop.age0[s["person"][stay]] + start / YEAR).astype(int)
    return {
        "person": s["person"][stay], "trust": trust, "sektor": s["sector"][stay],
        "omsorgsniva": np.ones(len(stay), int), "innmateHast": urgency,
        "fraSted": fra, "tilSted": til, "start": start, "end": end,
        "tilstand_1_1": main[stay], "uttilstand": np.where(last, status[stay], 1),
        "ready_days": ready_date_days, "alder": age,
    }


def outpatient_episodes(rng, pop: Population, death: np.ndarray, n_years: int, cfg) -> dict:
    """Outpatient (omsorgsniva 3) and day (2) contacts: never stays."""
    oc = cfg["outpatient"]
    rate = oc["rate"] * pop.frailty ** 0.7 / YEAR
    counts = rng.poisson(rate * n_years * YEAR)
    person = np.repeat(np.arange(len(pop)), counts)
    start = np.floor(rng.random(len(person)) * n_years * YEAR) + (8 + 7 * rng.random(len(person))) / 24
    keep = (start < death[person]) & (start >= pop.entry[person])
    person, start = person[keep], start[keep]
    m = len(person)
    level = np.where(rng.random(m) < oc["day_share"], 2, 3)
    chronic = chronic_conditions(pop, person, 0)
    return {
        "person": person, "trust": pop.trust[person], "sektor": np.ones(m, int),
        "omsorgsniva": level, "innmateHast": np.full(m, 4), "fraSted": np.ones(m, int),
        "tilSted": np.ones(m, int), "start": start, "end": start + rng.uniform(0.02, 0.25, m),
        "tilstand_1_1": np.where(chronic >= 0, chronic, _FOLLOW_UP),
        "uttilstand": np.ones(m, int), "ready_days": np.full(m, np.nan),
        "alder": np.floor(pop.age0[person] + start / YEAR).astype(int),
    }


def episode_table(rng, pop: Population, parts: list[dict], start_year: int, cfg) -> pa.Table:
    """The ``episoder`` table, sorted by person and admission, with NPR's column names."""
    e = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((e["start"], e["person"]))
    e = {k: v[order] for k, v in e.items()}
    m = len(e["person"])
    # whole seconds since the start of the period, split into date and time of day
    day0 = int(np.datetime64(f"{start_year}-01-01", "D").astype(np.int64))   # days since 1970
    start = np.round(e["start"] * 86400).astype(np.int64)
    end = np.round(e["end"] * 86400).astype(np.int64)
    in_day, in_sec = np.divmod(start, 86400)
    out_day, out_sec = np.divmod(end, 86400)
    missing = rng.random(m) < cfg["data_quality"]["missing_time_share"]
    in_time = pa.array(in_sec.astype(np.int32), mask=missing, type=pa.int32()).cast(pa.time32("s"))
    out_time = pa.array(out_sec.astype(np.int32), mask=missing, type=pa.int32()).cast(pa.time32("s"))
    in_date = pa.array((in_day + day0).astype(np.int32), pa.int32()).cast(pa.date32())
    out_date = pa.array((out_day + day0).astype(np.int32), pa.int32()).cast(pa.date32())
    ready = e["ready_days"]
    ready_date = pa.array((np.nan_to_num(ready).astype(np.int32) + day0),
                          mask=np.isnan(ready), type=pa.int32()).cast(pa.date32())
    length = np.maximum(e["end"] - e["start"], 0)
    korrvekt = np.round((0.2 + 0.18 * length ** 0.85) * rng.lognormal(0, 0.25, m), 3)
    person = e["person"]
    cols = {
        "lopenr": pa.array(person + 1, pa.int64()),
        "episode_lnr": pa.array(np.arange(1, m + 1), pa.int64()),
        "institusjonID": strings(TRUSTS, e["trust"]),
        "sektor": pa.array(e["sektor"], pa.int8()),
        "omsorgsniva": pa.array(e["omsorgsniva"], pa.int8()),
        "innmateHast": pa.array(e["innmateHast"], pa.int8()),
        "fraSted": pa.array(e["fraSted"], pa.int8()),
        "tilSted": pa.array(e["tilSted"], pa.int8()),
        "inndato": in_date,
        "inntid": in_time,
        "utdato": out_date,
        "uttid": out_time,
        "tilstand_1_1": strings(CONDITIONS, e["tilstand_1_1"]),
    }
    for j in range(3):
        cols[f"tilstand_2_{j + 1}"] = strings(CONDITIONS, chronic_conditions(pop, person, j))
    cols.update({
        "drg": strings(_DRG, e["tilstand_1_1"]),
        "korrvekt": pa.array(korrvekt),
        "uttilstand": pa.array(e["uttilstand"], pa.int8()),
        "utskrklardato": ready_date,
        "komnr": strings(kommuner()[0], pop.kom[person]),
        "alder": pa.array(e["alder"], pa.int16()),
        "kjonn": pa.array(pop.sex[person], pa.int8()),
    })
    return pa.table(cols)
