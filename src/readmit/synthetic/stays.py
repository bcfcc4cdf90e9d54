"""Hospital stays of the synthetic population.

The process, in order: each person's baseline (Gompertz) time of death;
independent (primary) admissions from each person's rates, spread over the
time the person is followed (from a year before the period); readmissions
drawn generation by generation from each stay's own risk (frailty, year,
short stay, ready for discharge, sector), only from stays of living persons
that do not end in death; late returns after transfers; deaths caused by
stays (in hospital, and after the readmission of a ready-for-discharge
patient) drawn as each generation is made; then stays after death are
dropped and stays that would overlap an earlier one are removed, so that
every stay here is one "sammenhengende sykehusopphold". Binary draws use
systematic sampling within (month or year, trust, sector) cells and lengths
stratified uniforms (sampling.py): every stay keeps its own probability, but
a trust's yearly figures follow the model's trends instead of noise. The
population here is one unit of persons (blocks.py): cells are the unit's.

Times are float days since 1 January of the first year.
"""
from __future__ import annotations

import numpy as np

from scipy.special import ndtri

from readmit.synthetic.population import TRUSTS, Population, replacements
from readmit.synthetic.sampling import (
    logistic,
    stratified_uniform,
    stratified_uniform_by_score,
    systematic_bernoulli,
    truncated_exponential,
)

YEAR = 365.25
BURN_IN = YEAR   # stays simulated from a year before the period; only those discharged in it are kept
FIELDS = ("person", "sector", "admit", "dis", "urgency", "trust", "ukp_days",
          "transfer", "generation", "ready", "after_ready")


def _stays(**cols) -> dict[str, np.ndarray]:
    return {k: np.asarray(cols[k]) for k in FIELDS}


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in FIELDS}


def _take(s: dict[str, np.ndarray], idx) -> dict[str, np.ndarray]:
    return {k: v[idx] for k, v in s.items()}


def _year_index(t: np.ndarray) -> np.ndarray:
    return np.floor(t / YEAR).astype(int)


def _month_index(t: np.ndarray) -> np.ndarray:
    return np.floor(t / (YEAR / 12)).astype(int)


def _admission_hour(rng, planned: np.ndarray) -> np.ndarray:
    acute = np.clip(rng.normal(14.0, 5.0, planned.shape), 0, 23.98)
    elective = 7.5 + rng.random(planned.shape) * 3.0
    return np.where(planned, elective, acute) / 24.0


def _somatic_los(rng, pop, person, year_idx, cells, cfg) -> np.ndarray:
    sc = cfg["somatic"]
    age = pop.age0[person] + year_idx
    mu = (sc["los_log_mean"]
          + sc["los_age_effect"] * (age - 70) / 10
          + sc["los_frailty_effect"] * np.log(pop.frailty[person] + 1e-9)
          - sc["los_decline_per_year"] * year_idx)
    z = _person_correlated_normal(rng, pop.los_z[person], cells, sc["los_log_sd"], sc["los_person_sd"])
    los = np.minimum(np.exp(mu + np.hypot(sc["los_log_sd"], sc["los_person_sd"]) * z), sc["los_max_days"])
    same_day = rng.random(len(person)) < sc["same_day_share"]
    return np.where(same_day, rng.uniform(0.08, 0.3, len(person)), los)


def _person_correlated_normal(rng, person_z, cells, sd_stay, sd_person) -> np.ndarray:
    """Standard normal draws, stratified within cells, whose correlation with
    the person's own ``person_z`` is about sd_person / hypot(sd_stay, sd_person):
    the score person effect + stay noise decides which stratum a stay gets."""
    score = sd_person * person_z + sd_stay * rng.standard_normal(len(cells))
    return ndtri(stratified_uniform_by_score(cells, score, rng))


def _psych_los(rng, pop, person, cells, kind: str, cfg) -> np.ndarray:
    mc = cfg["mental_health"]
    sd, sd_p = mc[f"{kind}_los_log_sd"], mc[f"{kind}_los_person_sd"]
    z = _person_correlated_normal(rng, pop.psych_los_z[person], cells, sd, sd_p)
    return np.exp(mc[f"{kind}_los_log_mean"] + np.hypot(sd, sd_p) * z)


def _new_stays(rng, pop, person, sector, admit, urgency, cfg, generation, after_ready):
    """Stays starting at ``admit``: length, ready-for-discharge days, transfers."""
    n = len(person)
    planned = urgency == 4
    # clock time of admission
    admit = np.floor(admit) + np.where(generation == 0, _admission_hour(rng, planned), admit % 1)
    year_idx = _year_index(admit)
    trust = pop.trust[person].copy()
    cells = (year_idx * 8 + trust) * 4 + sector
    los = np.empty(n)
    som = sector == 1
    los[som] = _somatic_los(rng, pop, person[som], year_idx[som], cells[som], cfg)
    for code, kind in ((2, "vop"), (3, "tsb")):
        m = sector == code
        los[m] = _psych_los(rng, pop, person[m], cells[m], kind, cfg)

    rc = cfg["ready_for_discharge"]
    age = pop.age0[person] + year_idx
    trust_lo = np.array([rc["trust_log_odds"][t] for t in TRUSTS])
    p_ready = logistic(rc["log_odds_at_80"] + rc["age_effect"] * (age - 80) / 10
                       + rc["frailty_effect"] * np.log(pop.frailty[person] + 1e-9)
                       + rc["trend_per_year"] * year_idx + trust_lo[trust])
    p_ready = np.where(som & (age >= rc["min_age"]) & (los >= 1), p_ready, 0.0)
    mean_days = rc["mean_days_2014"] * (1 + rc["mean_days_growth"]) ** year_idx
    # geometric on {0, 1, ...} with this mean, by inverse CDF of stratified uniforms
    q = mean_days / (1 + mean_days)
    days = np.floor(np.log1p(-stratified_uniform(cells, rng)) / np.log(q))
    # monthly cells (month of the discharge the stay would have if ready): a
    # trust's ready-for-discharge stays discharged in one month follow their
    # probabilities closely
    month_cells = (_month_index(admit + los + days) * 8 + trust) * 4 + sector
    ready = systematic_bernoulli(p_ready, month_cells, rng)
    ukp = np.where(ready, days, -1).astype(int)
    los = los + np.maximum(ukp, 0)

    sc = cfg["somatic"]
    u = rng.random(n)
    split = som & (los > 1) & (u < sc["split_share"])
    can_transfer = som & (urgency <= 3) & (trust != 2) & (los > 1) & ~ready
    v = rng.random(n)
    transfer = np.where(split, 1, 0)
    transfer = np.where(can_transfer & (v < sc["transfer_share"]), 2, transfer)
    w = rng.random(n)
    transfer = np.where((transfer == 2) & (w < sc["transfer_return_share"]), 3, transfer)
    late = (transfer == 2) & (w > 1 - sc["transfer_late_return_share"])
    transfer = np.where(late, 4, transfer)  # 4: transfer whose return comes later
    return _stays(person=person, sector=sector, admit=admit, dis=admit + los, urgency=urgency,
                  trust=trust, ukp_days=ukp, transfer=transfer,
                  generation=generation, ready=ready, after_ready=after_ready)


def primary_stays(rng, pop: Population, n_years: int, cfg, death=None) -> dict[str, np.ndarray]:
    """Admissions that do not follow a previous stay: acute and planned
    somatic ones, VOP and TSB ones (only those before ``death``, if given,
    so that the stays sampled for a cell are the ones that stay in the data)."""
    sc, mc = cfg["somatic"], cfg["mental_health"]
    span = n_years * YEAR
    # persons present from the start are followed from BURN_IN days before it,
    # so that the first year has its share of long stays admitted earlier
    begin = np.where(pop.entry == 0, -BURN_IN, pop.entry)
    mid_age = pop.age0 + n_years / 2
    acute = np.where(mid_age < 18, sc["acute_child_rate"],
                     np.exp(sc["acute_log_rate_at_70"] + sc["acute_age_slope"] * (mid_age - 70)))
    parts = []
    for rate, sector, kind in (
        (acute * pop.frailty, 1, "acute"),
        (sc["planned_rate"] * np.sqrt(pop.frailty) * (mid_age >= 18), 1, "planned"),
        (mc["vop_rate"] * pop.psych_frailty * pop.vop, 2, "acute"),
        (mc["tsb_rate"] * pop.psych_frailty * pop.tsb, 3, "acute"),
    ):
        exposure = np.clip(span - begin, 0, None)
        who = np.repeat(np.arange(len(pop)), rng.poisson(rate / YEAR * exposure))
        # a person's independent admissions are spread over the exposure, one
        # in each of n equal parts (stratified): each is uniform on its own,
        # but unrelated admissions do not cluster; stays that follow each
        # other closely are the readmissions, modelled explicitly below
        t = begin[who] + stratified_uniform(who, rng) * exposure[who]
        if death is not None:
            alive = t < death[who]
            who, t = who[alive], t[alive]
        if kind == "planned":
            urg = np.full(len(who), 4)
        elif sector == 1:
            urg = rng.choice([1, 2, 3], size=len(who), p=sc["urgency_shares"])
        else:
            urg = np.where(rng.random(len(who)) < 0.8, 1, 4)
        parts.append(_new_stays(rng, pop, who, np.full(len(who), sector), t, urg, cfg,
                                np.zeros(len(who), int), np.zeros(len(who), bool)))
    return _concat(parts)


def readmission_probability(pop: Population, s: dict[str, np.ndarray], cfg) -> np.ndarray:
    """Each stay's probability of being followed by an acute readmission of
    its own sector within 30 days (beyond independent admissions)."""
    rc = cfg["readmission"]
    year_idx = _year_index(s["dis"])
    los = s["dis"] - s["admit"]
    trust_lo = np.array([rc["trust_log_odds"][t] for t in TRUSTS])
    som = (rc["somatic_base"] + rc["somatic_trend"] * year_idx
           + rc["frailty_effect"] * np.log(pop.frailty[s["person"]] + 1e-9)
           + rc["short_stay_effect"] * (los < 2) + rc["ready_effect"] * s["ready"])
    short = rc["psych_short_stay_effect"] * (los < 7)
    vop = rc["vop_base"] + rc["vop_trend"] * year_idx + short
    tsb = rc["tsb_base"] + rc["vop_trend"] * year_idx + short
    lo = np.select([s["sector"] == 1, s["sector"] == 2], [som, vop], tsb) + trust_lo[s["trust"]]
    return logistic(lo)


def readmission_stays(rng, pop, parents: dict[str, np.ndarray], cfg, generation: int, death=None):
    """The readmissions (and late returns after transfers) that follow ``parents``."""
    rc = cfg["readmission"]
    p = readmission_probability(pop, parents, cfg)
    # cells: discharge month, trust, sector, ready for discharge or not
    cells = (((_month_index(parents["dis"]) * 8 + parents["trust"]) * 4 + parents["sector"]) * 2
             + parents["ready"])
    hit = systematic_bernoulli(p, cells, rng)
    los = parents["dis"] - parents["admit"]
    psych_mean = np.where(los < 7, rc["psych_short_delay_days"], rc["psych_long_delay_days"])
    mean = np.where(parents["sector"] == 1, rc["delay_mean_days"], psych_mean)
    delay = truncated_exponential(rng, mean, 1 / 3, 30.0)
    if death is not None:
        hit &= parents["dis"] + delay < death[parents["person"]]
    idx = np.flatnonzero(hit)
    sc = cfg["somatic"]
    urg = np.where(parents["sector"][idx] == 1,
                   rng.choice([1, 2, 3], size=len(idx), p=sc["urgency_shares"]), 1)
    children = _new_stays(rng, pop, parents["person"][idx], parents["sector"][idx],
                          parents["dis"][idx] + delay[idx], urg, cfg,
                          np.full(len(idx), generation), parents["ready"][idx])
    late = np.flatnonzero(parents["transfer"] == 4)
    back = parents["dis"][late] + rng.uniform(1.0, 3.0, len(late))
    returns = _new_stays(rng, pop, parents["person"][late], parents["sector"][late], back,
                         np.full(len(late), 5), cfg, np.full(len(late), generation),
                         np.zeros(len(late), bool))
    returns["transfer"][:] = 0
    return _concat([children, returns])


def baseline_death(rng, pop: Population, cfg) -> np.ndarray:
    """Each person's time of death from the Gompertz hazard (days; ``inf`` never)."""
    mc = cfg["mortality"]
    age_at_entry = pop.age0 + pop.entry / YEAR
    h0 = np.exp(mc["gompertz_a"] + mc["gompertz_b"] * age_at_entry) * pop.frailty ** mc["frailty_power"]
    b = mc["gompertz_b"]
    u = rng.random(len(pop))
    return pop.entry + np.log1p(-b * np.log(u) / h0) / b * YEAR   # Gompertz inverse CDF, days


def stay_deaths(rng, pop: Population, s: dict[str, np.ndarray], death: np.ndarray, cfg) -> np.ndarray:
    """Deaths caused by the stays ``s`` (updates ``death`` in place): in
    hospital, and after the readmission of a ready-for-discharge patient.
    Returns which stays end in death. Both are drawn by systematic sampling
    within (year, trust, sector) cells, so a small trust's yearly deaths
    follow their probabilities closely."""
    mc = cfg["mortality"]
    cells = (_year_index(s["dis"]) * 8 + s["trust"]) * 4 + s["sector"]
    age = pop.age0[s["person"]] + s["admit"] / YEAR
    p_dih = cfg["somatic"]["in_hospital_death_at_85"] * np.exp(0.06 * (age - 85)) \
        * pop.frailty[s["person"]] ** 0.3
    dies_in = systematic_bernoulli(np.clip(p_dih, 0, 0.5), cells, rng)
    np.minimum.at(death, s["person"][dies_in], s["dis"][dies_in])

    p_after = np.where(s["after_ready"] & (s["generation"] > 0), mc["readmitted_ready_death_prob"], 0.0)
    dies_after = systematic_bernoulli(p_after, cells, rng)
    when = s["dis"] + rng.uniform(1.0, mc["readmitted_ready_death_days"], len(p_after))
    np.minimum.at(death, s["person"][dies_after], when[dies_after])
    return dies_in


def cohort_stays(rng, pop: Population, n_years: int, cfg):
    """The stays of one cohort of persons and each person's time of death.

    Deaths are known before a stay's readmission is drawn: only stays of a
    living person, not ending in death, can be followed by a readmission (so
    the readmissions drawn for a trust and year are the ones that end up in
    the data, not some of them lost to later deaths)."""
    death = baseline_death(rng, pop, cfg)
    parts = []
    new = primary_stays(rng, pop, n_years, cfg, death)
    generation = 1
    while True:
        new = _take(new, new["admit"] < death[new["person"]])
        dies_in = stay_deaths(rng, pop, new, death, cfg)
        parts.append(new)
        parents = _take(new, ~dies_in & (new["dis"] < death[new["person"]]))
        if not len(parents["person"]) or generation >= 8:
            break
        new = readmission_stays(rng, pop, parents, cfg, generation, death)
        generation += 1
    s = _concat(parts)
    s = _take(s, s["admit"] < death[s["person"]])
    s["dis"] = np.minimum(s["dis"], death[s["person"]])
    return s, death


def all_stays(rng, pop: Population, n_years: int, cfg):
    """Every stay of the period, sorted by person and admission, without
    overlaps, cut at death; each person's time of death; and the population
    including the persons who replaced the dead."""
    end = n_years * YEAR
    cohorts, stays, deaths, offset = [], [], [], 0
    cohort = pop
    for _ in range(40):
        s, death = cohort_stays(rng, cohort, n_years, cfg)
        s["person"] = s["person"] + offset
        cohorts.append(cohort)
        stays.append(s)
        deaths.append(death)
        offset += len(cohort)
        dead = np.flatnonzero(death < end)
        if not len(dead):
            break
        cohort = replacements(rng, cohort, dead, death[dead], cfg)
    pop = Population.concat(cohorts)
    s = _concat(stays)
    death = np.concatenate(deaths)
    s = _take(s, s["dis"] < end)

    order = np.lexsort((s["admit"], s["person"]))
    s = _take(s, order)
    # Remove stays that start less than 8 h after (or overlap) an earlier
    # stay of the same person: running maximum of discharge within person.
    shifted = s["dis"] + s["person"] * (end + 1000.0 + BURN_IN)
    runmax = np.maximum.accumulate(shifted)
    prev = np.concatenate(([-np.inf], runmax[:-1]))
    keep = (s["admit"] + s["person"] * (end + 1000.0 + BURN_IN)) >= prev + 8 / 24
    s = _take(s, keep)
    s = _take(s, s["dis"] >= 0)   # drop the burn-in year's stays discharged before the period
    # a stay admitted before the period is kept as one episode, so that no
    # episode of the extract is discharged before the period starts
    s["transfer"] = np.where(s["admit"] < 0, 0, s["transfer"])
    death = np.where(death < end, death, np.inf)
    return s, death, pop
