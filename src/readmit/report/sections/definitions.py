"""Definitions, and every parameter the report ran with."""
from __future__ import annotations

import html

import pandas as pd

from readmit.figures import number
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
        ("years", t("År (tom: alle)", "Years (empty: all)")),
        ("window", t("Vindu: timer (readmit) eller dager (SKDE)",
                     "Window: hours (readmit) or days (SKDE)")),
        ("link", t("Kobling: første (readmit) eller siste indeksopphold (SKDE)",
                   "Link: first (readmit) or latest index stay (SKDE)")),
        ("exclude_planned_conditions", t("Akutte opphold for planlagte tilstander unntatt",
                                         "Acute stays for planned conditions excluded")),
        ("elderly_group", t("Bare denne diagnosegruppen (eldreindikatoren)",
                            "Only this diagnosis group (elderly indicator)")),
    ]
    out = [(name, what, _value(p.get(name), ctx.lang)) for name, what in rows]
    out += [("lang", t("Språk", "Language"), ctx.lang),
            ("highlight", t("Uthevet helseforetak", "Highlighted trust"),
             _value(ctx.highlight, ctx.lang)),
            ("scenarios", t("Sparescenarioer", "Savings scenarios"),
             _value(ctx.scenario_names, ctx.lang)),
            ("draws", t("Trekk i simuleringen (Monte Carlo)",
                        "Draws of the simulation (Monte Carlo)"),
             str(ctx.draws)),
            ("seed", t("Frø for simuleringen", "Seed of the simulation"), str(ctx.seed))]
    return pd.DataFrame(out, columns=["parameter", "meaning", "value"])


def _scenario_values(ctx) -> list[str]:
    """The values the savings scenarios ran with (the extract's baseline included)."""
    from readmit.report.sections.savings import baseline, prepared
    from readmit.savings.baselines import small_baseline
    from readmit.savings.figures import parameter_table

    base = baseline(ctx)
    if base is None or small_baseline(base):
        return []
    table = parameter_table(prepared(ctx, base).scenarios, lang=ctx.lang)
    table = table.reset_index().rename(columns={"index": ctx.t("Verdi", "Value")})
    return [table_html(table, caption=ctx.t(
        "Verdiene sparescenarioene ble regnet med (faste tall eller fordelinger)",
        "The values the savings scenarios ran with (fixed numbers or distributions)"))]


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    p = ctx.rule.parameters
    hours = number(p["transfer_hours"], 0 if float(p["transfer_hours"]).is_integer() else 1,
                   lang=lang)
    days = p["window_days"]
    defs = [
        t(f"Et opphold er en sammenhengende periode med døgninnleggelser; episoder under {hours} "
          "timer fra hverandre (også overføringer mellom sykehus) er ett opphold. Liggetiden er "
          "antall døgn fra innleggelse til utskrivning.",
          f"A stay is a continuous run of inpatient episodes; episodes less than {hours} hours "
          "apart (transfers between hospitals too) are one stay. The length of stay is the "
          "number of days from admission to discharge."),
        t("Et indeksopphold er et opphold der pasienten skrives ut i live.",
          "An index stay is a stay from which the patient is discharged alive."),
        t("Sektorene er somatikk, psykisk helsevern for voksne (VOP) og tverrfaglig "
          "spesialisert rusbehandling (TSB).",
          "The sectors are somatic care, adult mental health care (VOP) and specialised "
          "substance-use treatment (TSB)."),
        t(f"En reinnleggelse er en ny akutt innleggelse i samme sektor innen {days} dager "
          f"({24 * days} timer) etter utskrivning. Planlagte innleggelser og tilbakeføringer "
          "teller ikke.",
          f"A readmission is a new emergency admission in the same sector within {days} days "
          f"({24 * days} hours) of discharge. Planned admissions and returns do not count."),
        t(f"Et indeksopphold telles bare når hele vinduet på {days} dager er observert; "
          + ("pasienter som dør i vinduet uten å bli reinnlagt, telles som ikke reinnlagt."
             if p["keep_deaths"] else
             "pasienter som dør i vinduet uten å bli reinnlagt, regnes ikke med (som i den "
             "nasjonale indikatoren)."),
          f"An index stay counts only when the whole {days}-day window is observed; "
          + ("patients who die in the window without a readmission count as not readmitted."
             if p["keep_deaths"] else
             "patients who die in the window without a readmission are left out (as the "
             "national indicator does).")),
        t("Utskrivningsklare døgn er døgnene fra sykehuset meldte pasienten utskrivningsklar "
          "til pasienten ble skrevet ut.",
          "Ready-for-discharge days are the days from the hospital reported the patient ready "
          "for discharge until the patient left."),
        t("Tid til reinnleggelse regnes med død som konkurrerende hendelse (Aalen–Johansen): "
          "en pasient som dør, kan ikke lenger bli reinnlagt.",
          "Time to readmission is computed with death as a competing event (Aalen–Johansen): "
          "a patient who has died can no longer be readmitted."),
        t("En stormottaker har fire eller flere akutte innleggelser innen 365 dager. En "
          "multibruker har ti eller flere henvendelser til AMK eller til legevakt i et "
          "kalenderår.",
          "A heavy user has four or more emergency admissions within 365 days. A frequent user "
          "has ten or more contacts with AMK or with legevakt in a calendar year."),
        t("Gevinst = reduksjon × (liggedøgn i reinnleggelser × kostnad per liggedøgn + "
          "utskrivningsklare døgn i reinnleggelser × (kommunens + sykehusets kostnad per døgn)).",
          "Saving = reduction × (readmission bed days × cost per bed day + readmission "
          "ready-for-discharge days × (the municipality's + the hospital's cost per day))."),
        t("Intervallene er 95 % konfidensintervall (Wilson for andeler).",
          "Intervals are 95% confidence intervals (Wilson for shares)."),
        t("Tall fra 1 til 4, og det som er regnet ut av dem, vises som <5 for å verne "
          "personvernet. Rapporten inneholder bare sammenstilte tall.",
          "Counts from 1 to 4, and what is computed from them, are shown as <5 to protect "
          "privacy. The report holds aggregates only."),
    ]
    body = ["<ul>" + "".join(f"<li>{html.escape(d)}</li>" for d in defs) + "</ul>",
            table_html(parameter_table(ctx), wrap=["meaning"],
                       headers={"parameter": t("Parameter", "Parameter"),
                                "meaning": t("Betydning", "Meaning"),
                                "value": t("Verdi", "Value")},
                       caption=t("Parametere rapporten ble laget med",
                                 "Parameters the report ran with"))]
    body += _scenario_values(ctx)
    intro = paragraphs(t("Slik er tallene regnet ut, og med hvilke valg.",
                         "How the figures are computed, and with which choices."))
    return Section("definitions", t("Definisjoner og parametere", "Definitions and parameters"),
                   intro, body)
