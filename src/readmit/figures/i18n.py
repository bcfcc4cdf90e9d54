"""Words of readmit's figures and reports in bokmål (``nb``) and English (``en``).

Shared terms live in :data:`TERMS`; an analysis with words of its own passes
both spellings to :func:`pick`.

Examples
--------
>>> t("readmission_share"), t("readmission_share", lang="en")
('Andel reinnleggelser', 'Readmission share')
>>> pick(nb="Liggetid", en="Length of stay", lang="en")
'Length of stay'
>>> trust_name("HFO"), trust_name("XYZ")
('Helse Fonna', 'XYZ')
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from readmit.errors import ParameterError

LANGS = ("nb", "en")

TERMS: dict[str, tuple[str, str]] = {
    # key: (bokmål, English)
    "year": ("År", "Year"),
    "discharge_year": ("Utskrivningsår", "Year of discharge"),
    "trust": ("Helseforetak", "Health trust"),
    "sector": ("Sektor", "Sector"),
    "sector.somatic": ("Somatikk", "Somatic care"),
    "sector.vop": ("Psykisk helsevern for voksne (VOP)", "Adult mental health (VOP)"),
    "sector.tsb": ("Rusbehandling (TSB)", "Substance-use treatment (TSB)"),
    "sector.all": ("Alle sektorer", "All sectors"),
    "sex": ("Kjønn", "Sex"),
    "sex.male": ("Menn", "Men"),
    "sex.female": ("Kvinner", "Women"),
    "sex.unknown": ("Ukjent", "Unknown"),
    "age_band": ("Aldersgruppe", "Age band"),
    "readmission_share": ("Andel reinnleggelser", "Readmission share"),
    "readmission_share_pct": ("Andel reinnlagt innen 30 dager (%)",
                              "Readmitted within 30 days (%)"),
    "readmissions": ("Reinnleggelser", "Readmissions"),
    "index_stays": ("Indeksopphold", "Index stays"),
    "ready_stays": ("Opphold med utskrivningsklar-dato", "Stays with a ready-for-discharge date"),
    "ukp_days": ("Utskrivningsklare døgn (overliggedøgn)", "Ready-for-discharge days"),
    "los": ("Liggetid", "Length of stay"),
    "los_days": ("Liggetid (døgn)", "Length of stay (days)"),
    "mean_los_days": ("Gjennomsnittlig liggetid (døgn)", "Mean length of stay (days)"),
    "days": ("Dager", "Days"),
    "days_since_discharge": ("Dager etter utskrivning", "Days after discharge"),
    "ci95": ("95 % konfidensintervall", "95% confidence interval"),
    "interval": ("intervall", "interval"),
    "persons": ("Personer", "Persons"),
    "catchment_population": ("Befolkning i opptaksområdet", "Catchment population"),
    "suppressed": ("<5: færre enn fem, skjult av personvernhensyn",
                   "<5: fewer than five, hidden to protect privacy"),
    "survival": ("Andel i live", "Survival"),
    "cumulative_incidence": ("Kumulativ insidens", "Cumulative incidence"),
    "all": ("Alle", "All"),
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"nb"`` or ``"en"``; else raise ParameterError."""
    if lang not in LANGS:
        raise ParameterError(f"lang must be 'nb' (bokmål) or 'en' (English), not {lang!r}")
    return lang


def t(key: str, *, lang: str = "nb") -> str:
    """The shared term ``key`` in ``lang``."""
    nb, en = TERMS[key]
    return nb if check_lang(lang) == "nb" else en


def pick(*, nb: str, en: str, lang: str = "nb") -> str:
    """The bokmål or the English of a text of one's own."""
    return nb if check_lang(lang) == "nb" else en


def sector_name(sector: str, *, lang: str = "nb") -> str:
    """``somatic`` -> ``Somatikk`` (nb) / ``Somatic care`` (en); unknown codes as given."""
    key = f"sector.{sector}"
    return t(key, lang=lang) if key in TERMS else str(sector)


@lru_cache(maxsize=1)
def _trusts() -> dict[str, str]:
    ref = resources.files("readmit").joinpath("reference", "institusjoner.csv")
    with ref.open(encoding="utf-8") as f:
        return {row["institusjonID"]: row["name"] for row in csv.DictReader(f)}


def trust_name(code: str) -> str:
    """A trust's name from the shipped reference data (``HFO`` -> ``Helse Fonna``).

    The ``HF`` suffix is dropped (both forms are how leaders speak of them);
    an unknown code is returned as given.
    """
    name = _trusts().get(str(code))
    if name is None:
        return str(code)
    return name.removesuffix(" HF").strip()
