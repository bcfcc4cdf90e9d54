"""Persons of the synthetic population: age, sex, municipality, trust, frailty,
chronic conditions, and who has mental-health or substance-use stays.

Categorical attributes are kept as small integer codes (an index into
:data:`TRUSTS`, :func:`kommuner`, :data:`CHRONIC_CODES`); the tables turn
them into NPR's strings only when they are written.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from readmit.synthetic.config import reference_csv

TRUSTS = np.array(["HST", "HFO", "HBE", "HFD", "HDS"])
CHRONIC_CODES = np.array(["I50.9", "J44.9", "E11.9", "I48.9", "N18.3", "F03", "I25.1",
                          "C18.9", "G20", "I10", "M80.0", "F32.1"])
CHRONIC_WEIGHTS = np.array([10, 9, 10, 9, 6, 5, 8, 3, 2, 14, 4, 4], float)


@lru_cache(maxsize=1)
def kommuner() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The municipalities of Helse Vest: (komnr strings, population weights,
    cumulative probability of each trust given the municipality, shape (k, 5))."""
    kom = reference_csv("kommuner.csv")
    split = reference_csv("catchment_split.csv")
    trust_of = {t: i for i, t in enumerate(TRUSTS)}
    komnr = kom["komnr"].to_numpy().astype(str)
    share = np.zeros((len(kom), len(TRUSTS)))
    share[np.arange(len(kom)), [trust_of[t] for t in kom["institusjonID"]]] = 1.0
    for nr, group in split.groupby("komnr"):
        row = np.flatnonzero(komnr == nr)[0]
        share[row] = 0.0
        share[row, [trust_of[t] for t in group["institusjonID"]]] = group["share"] / group["share"].sum()
    weight = kom["population"].to_numpy(float)
    return komnr, weight, np.cumsum(share, axis=1)


def helse_vest_population() -> int:
    """Inhabitants of Helse Vest in the reference data (scale 1.0)."""
    return int(kommuner()[1].sum())


@dataclass
class Population:
    """Column arrays, one element per person (index = person number)."""

    birth_year: np.ndarray
    age0: np.ndarray          # age (years, float) at the start of the period
    sex: np.ndarray           # 1 male, 2 female
    kom: np.ndarray           # municipality: index into kommuner()[0]
    trust: np.ndarray         # index into TRUSTS
    frailty: np.ndarray       # gamma, mean ~1, heavy tail
    chronic: np.ndarray       # (n, 3) secondary conditions, index into CHRONIC_CODES, -1 where none
    vop: np.ndarray           # bool: has adult mental-health stays
    tsb: np.ndarray           # bool: has substance-use treatment stays
    psych_frailty: np.ndarray
    los_z: np.ndarray         # standard normal: the person's own tendency to long somatic stays
    psych_los_z: np.ndarray   # ... and to long VOP/TSB stays
    entry: np.ndarray         # day the person enters (0, or the death of the one replaced)

    def __len__(self) -> int:
        return len(self.age0)

    def take(self, idx) -> "Population":
        return Population(**{f: getattr(self, f)[idx] for f in self.__dataclass_fields__})

    @staticmethod
    def concat(parts: list["Population"]) -> "Population":
        return Population(**{f: np.concatenate([getattr(p, f) for p in parts])
                             for f in Population.__dataclass_fields__})


def population(rng: np.random.Generator, n: int, start_year: int, cfg: dict) -> Population:
    """Draw ``n`` persons of Helse Vest (scale 1.0 is about 1.12 million).

    Examples
    --------
    >>> from readmit.synthetic.config import load_config
    >>> pop = population(np.random.default_rng(1), 1000, 2014, load_config())
    >>> len(pop), sorted(set(pop.sex.tolist()))
    (1000, [1, 2])
    """
    pc = cfg["population"]
    _, weight, trust_cdf = kommuner()
    kom = rng.choice(len(weight), size=n, p=weight / weight.sum())
    # the trust: the municipality's own, or one of those it is split between
    trust = (rng.random(n)[:, None] >= trust_cdf[kom, :-1]).sum(axis=1)

    w = np.asarray(pc["age_band_weights"], float)
    band = rng.choice(len(w), size=n, p=w / w.sum())
    age0 = band * 5 + rng.random(n) * 5
    sex = np.where(rng.random(n) < pc["male_share"], 1, 2)
    birth_year = (start_year - age0).astype(int)

    return Population(birth_year, age0, sex, kom, trust, *_health(rng, age0, cfg), np.zeros(n))


def _health(rng: np.random.Generator, age0: np.ndarray, cfg: dict):
    """Frailty, chronic conditions, and mental-health and substance-use status."""
    pc, mc = cfg["population"], cfg["mental_health"]
    n = len(age0)
    k = pc["frailty_shape"]
    frailty = rng.gamma(k, 1 / k, size=n) * np.exp(pc["frailty_age_slope"] * np.clip(age0 - 50, 0, None))
    n_chronic = np.minimum(rng.poisson(pc["chronic_conditions_per_frailty"] * frailty * (age0 > 40)), 3)
    codes = rng.choice(len(CHRONIC_CODES), size=(n, 3), p=CHRONIC_WEIGHTS / CHRONIC_WEIGHTS.sum())
    chronic = np.where(np.arange(3)[None, :] < n_chronic[:, None], codes, -1).astype(np.int8)
    adult = (age0 >= 18) & (age0 < 80)
    vop = adult & (rng.random(n) < mc["vop_prevalence"])
    tsb = adult & (rng.random(n) < mc["tsb_prevalence"])
    kp = mc["psych_frailty_shape"]
    psych_frailty = rng.gamma(kp, 1 / kp, size=n)
    los_z = rng.standard_normal(n)
    psych_los_z = rng.standard_normal(n)
    return frailty, chronic, vop, tsb, psych_frailty, los_z, psych_los_z


def replacements(rng: np.random.Generator, pop: Population, who: np.ndarray,
                 at: np.ndarray, cfg: dict) -> Population:
    """New persons who take the place of those who died, entering on the day
    of the death: same age, sex, municipality and health burden (someone else
    falls as ill), so the population's size, age structure and frailty mix
    stay steady over the period instead of thinning out as the frail die."""
    new = pop.take(who)
    new.entry = np.asarray(at, float)
    return new
