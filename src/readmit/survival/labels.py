"""Words of the survival tables and figures in bokmål and English.

Examples
--------
>>> group_label("readmitted", True, lang="en"), group_label("institusjonID", "HFO")
('Readmitted', 'Helse Fonna')
>>> covariate_label("sector=vop", lang="en"), covariate_label("age")
('Sector: Adult mental health (VOP)', 'Alder (per år)')
"""
from __future__ import annotations

import math

import pandas as pd

from readmit.figures import pick, sector_name, t, trust_name

__all__ = ["group_label", "grouping_title", "covariate_label"]

_FLAG_WORDS = {
    # flag: ((nb yes, en yes), (nb no, en no))
    "readmitted": (("Reinnlagt", "Readmitted"), ("Ikke reinnlagt", "Not readmitted")),
    "ready_for_discharge": (("Utskrivningsklar", "Ready for discharge"),
                            ("Ikke utskrivningsklar", "Not ready for discharge")),
    "frequent_user": (("Storbruker", "Frequent user"), ("Ikke storbruker", "Not a frequent user")),
}
_TITLES = {
    "readmitted": ("Reinnleggelse", "Readmission"),
    "ready_for_discharge": ("Utskrivningsklar", "Ready for discharge"),
    "frequent_user": ("Storbruker (4+ akutte opphold på 12 mnd.)",
                      "Frequent user (4+ acute stays in 12 months)"),
    "age_band": ("Aldersgruppe", "Age band"),
    "sector": ("Sektor", "Sector"),
    "institusjonID": ("Helseforetak", "Health trust"),
    "sex": ("Kjønn", "Sex"),
    "group": ("Alle", "All"),
}
_COVARIATES = {
    "age": ("Alder (per år)", "Age (per year)"),
    "los_days": ("Liggetid (per døgn)", "Length of stay (per day)"),
    "ukp_days": ("Utskrivningsklare døgn (per døgn)", "Ready-for-discharge days (per day)"),
    "prior_acute_stays": ("Akutte opphold siste 365 dager (per opphold)",
                          "Acute stays in the previous 365 days (per stay)"),
    "comorbidity_score": ("Komorbiditet (per poeng)", "Comorbidity score (per point)"),
    "readmitted": ("Reinnlagt", "Readmitted"),
    "frequent_user": ("Storbruker", "Frequent user"),
    "ready_for_discharge": ("Utskrivningsklar", "Ready for discharge"),
}


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def group_label(by: str, value, *, lang: str = "nb") -> str:
    """A group's name for a reader (``by`` is the grouping column's name)."""
    if _missing(value):
        return pick(nb="Ukjent", en="Unknown", lang=lang)
    if by in _FLAG_WORDS:
        yes, no = _FLAG_WORDS[by]
        nb, en = yes if bool(value) else no
        return pick(nb=nb, en=en, lang=lang)
    if by == "sector":
        return sector_name(str(value), lang=lang)
    if by == "institusjonID":
        return trust_name(str(value))
    if by == "age_band":
        return f"{value} år" if lang == "nb" else f"{value} years"
    if by == "sex":
        return t(f"sex.{value}", lang=lang) if value in ("male", "female") else str(value)
    if by == "group" and value == "all":
        return t("all", lang=lang)
    return str(value)


def grouping_title(by: str, *, lang: str = "nb") -> str:
    """What a grouping is called (a legend title)."""
    nb, en = _TITLES.get(by, (by, by))
    return pick(nb=nb, en=en, lang=lang)


def covariate_label(term: str, *, lang: str = "nb") -> str:
    """A Cox term's name: ``age`` -> ``Alder (per år)``, ``sector=vop`` -> ``Sektor: ...``."""
    variable, _, level = term.partition("=")
    if not level:
        nb, en = _COVARIATES.get(variable, (variable, variable))
        return pick(nb=nb, en=en, lang=lang)
    return f"{grouping_title(variable, lang=lang)}: {group_label(variable, level, lang=lang)}"
