"""AMK and legevakt contacts (akuttkontakter) and care plans (handlingsplaner).

Most persons call rarely; a small group of frequent users calls often, with
rates that drift around each person's base from half-year to half-year, so
that a person found when calling often calls less afterwards even without a
plan (regression to the mean). Some of those who qualify as frequent users
(10 contacts in a calendar year with one service) get a care plan some
months later, which lowers their rate by a set factor.
The group is drawn within each unit of persons (blocks.py), its size the
unit's share of ``frequent_group_per_million`` (:func:`frequent_group_size`).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
from scipy import stats
from scipy.special import ndtri

from readmit.synthetic.episodes import strings
from readmit.synthetic.population import Population
from readmit.synthetic.sampling import stratified_uniform
from readmit.synthetic.stays import YEAR

HALF = YEAR / 2
SERVICES = np.array(["LV", "AMK"])        # tjeneste: 0 legevakt, 1 AMK
URGENCIES = np.array(["akutt", "haster", "vanlig"])
OUTCOMES = np.array(["ambulanse", "raad", "innlagt", "legevakt", "fastlege"])
_AMK_OUTCOMES = [0, 1, 2, 3]              # ambulanse, raad, innlagt, legevakt
_LV_OUTCOMES = [3, 4, 1, 2]               # legevakt, fastlege, raad, innlagt
PLAN_SERVICES = np.array(["AMK", "LV", "begge"])


def _contact_rows(rng, service):
    n = len(service)
    urgency = rng.choice(3, n, p=[0.25, 0.35, 0.40])
    outcome = rng.choice(4, n, p=[0.55, 0.2, 0.15, 0.1])
    outcome = np.where(service == 1, np.take(_AMK_OUTCOMES, outcome), np.take(_LV_OUTCOMES, outcome))
    return urgency, outcome


def frequent_group_size(first: int, n: int, per_million: float) -> int:
    """How many frequent users persons ``first`` .. ``first + n - 1`` of the
    population hold: the group is ``per_million`` per million persons, and
    the fractions are carried from block to block (systematic rounding), so
    that blocks of any size add up to the whole population's group.

    >>> [frequent_group_size(k * 1000, 1000, 1500.0) for k in range(4)]
    [1, 2, 1, 2]
    """
    c = per_million / 1e6
    return int(np.floor(c * (first + n)) - np.floor(c * first))


def emergency_tables(rng, pop: Population, death: np.ndarray, n_years: int, start_year: int,
                     cfg, n_freq: int):
    """Return (akuttkontakter, handlingsplaner) as pyarrow tables, with
    ``n_freq`` frequent users among the persons of ``pop``."""
    ec = cfg["emergency"]
    span = n_years * YEAR
    parts = []
    for service, rate in ((0, ec["lv_rate"]), (1, ec["amk_rate"])):
        counts = rng.poisson(rate * np.sqrt(pop.frailty) * n_years)
        who = np.repeat(np.arange(len(pop)), counts)
        parts.append((who, rng.random(len(who)) * span, np.full(len(who), service, np.int8)))

    # frequent users: chosen among adults, favouring mental-health and frail persons
    weight = (pop.age0 >= 18) * (1 + 20 * (pop.vop | pop.tsb) + ec["frequent_frailty_weight"] * pop.frailty)
    n_freq = min(n_freq, int((weight > 0).sum()))
    freq = (rng.choice(len(pop), size=n_freq, replace=False, p=weight / weight.sum())
            if n_freq else np.zeros(0, int))
    shape = ec["frequent_rate_shape"]
    # the group's base rates, levels and counts are drawn by inverse CDF of
    # stratified uniforms (one cell: the group): each person's draw keeps its
    # distribution, but the group's spread is not left to chance, so the
    # count of frequent users in a year is steady
    one = np.zeros(len(freq), int)
    base = [stats.gamma.ppf(stratified_uniform(one, rng), shape,
                            scale=ec[f"frequent_{s.lower()}_rate"] / shape) for s in SERVICES]
    # a person's level drifts: log level is a stationary AR(1) per half-year,
    # persistence a, shocks N(0, sd); exp(x - var / 2) keeps its mean at 1,
    # so the group neither drifts up nor down, yet a person found at a high
    # point falls back towards their base (regression to the mean)
    a = 1 - ec["frequent_rate_decay"] / 2
    sd = ec["frequent_rate_shock_sd"]
    var = sd ** 2 / (1 - a ** 2)
    x = np.sqrt(var) * ndtri(stratified_uniform(one, rng))
    for h in range(int(np.ceil(span / HALF))):
        x = a * x + sd * ndtri(stratified_uniform(one, rng))
        # the group's spread of levels kept exactly stationary: each person
        # keeps their rank, the values are the stationary law's quantiles
        x = np.sqrt(var) * ndtri((np.argsort(np.argsort(x)) + rng.random(len(x))) / max(len(x), 1))
        level = np.exp(x - var / 2)
        for s in (0, 1):
            c = stats.poisson.ppf(stratified_uniform(one, rng), base[s] * level / 2).astype(int)
            who = np.repeat(freq, c)
            parts.append((who, h * HALF + rng.random(len(who)) * HALF, np.full(len(who), s, np.int8)))

    who = np.concatenate([p[0] for p in parts])
    t = np.concatenate([p[1] for p in parts])
    service = np.concatenate([p[2] for p in parts])
    keep = (t < death[who]) & (t < span) & (t >= pop.entry[who])
    who, t, service = who[keep], t[keep], service[keep]
    order = np.lexsort((t, who))
    who, t, service = who[order], t[order], service[order]
    plan_start = _plan_starts(rng, who, t, service, freq, ec, len(pop))
    # a plan lowers every later contact's rate by care_plan_effect (thinning)
    start_of = np.full(len(pop), np.inf)
    start_of[freq] = plan_start
    kept = (t < start_of[who]) | (rng.random(len(t)) < ec["care_plan_effect"])
    who, t, service = who[kept], t[kept], service[kept]
    urgency, outcome = _contact_rows(rng, service)
    epoch = np.datetime64(f"{start_year}-01-01T00:00:00", "s")
    contacts = pa.table({
        "lopenr": pa.array(who + 1, pa.int64()),
        "kontakt_id": pa.array(np.arange(1, len(who) + 1), pa.int64()),
        "tjeneste": strings(SERVICES, service),
        "tidspunkt": pa.array(epoch + np.round(t * 86400).astype("timedelta64[s]"), pa.timestamp("s")),
        "hastegrad": strings(URGENCIES, urgency),
        "utfall": strings(OUTCOMES, outcome),
    })
    planned = (np.isfinite(plan_start) & (plan_start < span) & (plan_start < death[freq])
               & (plan_start >= pop.entry[freq]))
    day0 = np.datetime64(f"{start_year}-01-01", "D")
    plans = pa.table({
        "lopenr": pa.array(freq[planned] + 1, pa.int64()),
        "startdato": pa.array(day0 + np.floor(plan_start[planned]).astype(int), pa.date32()),
        "tjeneste": strings(PLAN_SERVICES, rng.choice(3, int(planned.sum()), p=[0.2, 0.3, 0.5])),
    })
    return contacts, plans


def _plan_starts(rng, who, t, service, freq, ec, n_pop: int) -> np.ndarray:
    """Care plan start (days from the start of the data; inf: none) of each
    person of ``freq``: a ``care_plan_share`` of those who qualify as
    frequent users get one, ``care_plan_lag_months`` (uniform) after the day
    they first qualified, which is the day of the 10th contact of a calendar
    year with one service (``who``, ``t``, ``service`` sorted by person and time).
    """
    mine = np.zeros(n_pop, bool)
    mine[freq] = True
    rows = mine[who]
    w, tt, sv = who[rows], t[rows], service[rows]
    year = np.floor(tt / YEAR).astype(np.int64)
    order = np.lexsort((tt, year, sv, w))
    w, tt, sv, year = w[order], tt[order], sv[order], year[order]
    new = np.r_[True, (w[1:] != w[:-1]) | (sv[1:] != sv[:-1]) | (year[1:] != year[:-1])]
    idx = np.arange(len(w))
    nth = idx - np.maximum.accumulate(np.where(new, idx, 0)) + 1
    tenth = nth == 10
    qualified = np.full(n_pop, np.inf)
    np.minimum.at(qualified, w[tenth], tt[tenth])
    q = qualified[freq]
    lo, hi = ec["care_plan_lag_months"]
    lag = (lo + rng.random(len(freq)) * (hi - lo)) * YEAR / 12
    gets = np.isfinite(q) & (rng.random(len(freq)) < ec["care_plan_share"])
    return np.where(gets, np.floor(q + lag), np.inf)
