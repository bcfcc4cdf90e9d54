"""Definitions, and every parameter the report ran with."""
from __future__ import annotations

import html

import pandas as pd

from readmit.report.html import paragraphs, table_html
from readmit.report.sections import Section


def _value(v, lang: str) -> str:
    if v is None:
        return "–" if lang == "en" else "–"
    if isinstance(v, bool):
        return ("ja" if v else "nei") if lang == "nb" else ("yes" if v else "no")
    if isinstance(v, (tuple, list)):
        return "–".join(str(x) for x in v) if len(v) == 2 and all(
            isinstance(x, int) for x in v) else ", ".join(str(x) for x in v)
    return str(v)


def parameter_table(ctx) -> pd.DataFrame:
    """The rule's parameters and the report's options, with what each means."""
    t = ctx.t
    p = ctx.rule.parameters
    rows = [
        ("window_days", t("Vindu for reinnleggelse (dager)", "Readmission window (days)")),
        ("transfer_hours", t("Opphold under så mange timer fra hverandre slås sammen",
                             "Episodes less than this many hours apart form one stay")),
        ("min_age", t("Minste alder", "Minimum age")),
        ("sector", t("Sektor (tom: hver sektor for seg)",
                     "Sector (empty: each sector within itself)")),
        ("keep_deaths", t("Dødsfall i vinduet beholdt i nevneren",
                          "Deaths in the window kept in the denominator")),
        ("end_date", t("Slutt på dataene", "End of the data")),
        ("years", t("År", "Years")),
    ]
    out = [(name, what, _value(p.get(name), ctx.lang)) for name, what in rows]
    out += [("lang", t("Språk", "Language"), ctx.lang),
            ("highlight", t("Uthevet helseforetak", "Highlighted trust"),
             _value(ctx.highlight, ctx.lang)),
            ("scenarios", t("Scenarioer", "Scenarios"), _value(ctx.scenarios or None, ctx.lang))]
    return pd.DataFrame(out, columns=["parameter", "meaning", "value"])


def section(ctx) -> Section:
    t = ctx.t
    defs = [
        t("Et opphold er en sammenhengende periode med døgninnleggelser; episoder under 8 timer "
          "fra hverandre (også overføringer mellom sykehus) er ett opphold.",
          "A stay is a continuous run of inpatient episodes; episodes less than 8 hours apart "
          "(transfers between hospitals too) are one stay."),
        t("Et indeksopphold er et opphold der pasienten skrives ut i live.",
          "An index stay is a stay from which the patient is discharged alive."),
        t("En reinnleggelse er en ny akutt innleggelse i samme sektor innen 30 dager (720 timer) "
          "etter utskrivning. Planlagte innleggelser og tilbakeføringer teller ikke.",
          "A readmission is a new emergency admission in the same sector within 30 days "
          "(720 hours) of discharge. Planned admissions and returns do not count."),
        t("Et indeksopphold telles bare når hele vinduet på 30 dager er observert; pasienter som "
          "dør i vinduet uten å bli reinnlagt, regnes ikke med (som i den nasjonale indikatoren).",
          "An index stay counts only when the whole 30-day window is observed; patients who die "
          "in the window without a readmission are left out (as the national indicator does)."),
        t("Intervallene er 95 % konfidensintervall (Wilson).",
          "Intervals are 95% confidence intervals (Wilson)."),
        t("Tall fra 1 til 4, og det som er regnet ut av dem, vises som <5 for å verne "
          "personvernet. Rapporten inneholder bare sammenstilte tall.",
          "Counts from 1 to 4, and what is computed from them, are shown as <5 to protect "
          "privacy. The report holds aggregates only."),
    ]
    body = ["<ul>" + "".join(f"<li>{html.escape(d)}</li>" for d in defs) + "</ul>",
            table_html(parameter_table(ctx),
                       headers={"parameter": t("Parameter", "Parameter"),
                                "meaning": t("Betydning", "Meaning"),
                                "value": t("Verdi", "Value")},
                       caption=t("Parametere rapporten ble laget med",
                                 "Parameters the report ran with"))]
    intro = paragraphs(t("Slik er tallene regnet ut, og med hvilke valg.",
                         "How the figures are computed, and with which choices."))
    return Section("definitions", t("Definisjoner og parametere", "Definitions and parameters"),
                   intro, body)
