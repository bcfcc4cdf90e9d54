"""Time to readmission: the cumulative incidence with death competing
(Aalen–Johansen) beside the naive 1 − Kaplan–Meier, per sector and per trust,
and the days to readmission after VOP and TSB stays by their length."""
from __future__ import annotations

import pandas as pd

from readmit.analyses.time_to_readmission import (DAYS_BY_LOS_SUPPRESSION,
                                                  TIME_TO_READMISSION_SUPPRESSION,
                                                  days_to_readmission_by_los_figure,
                                                  time_to_readmission_figure)
from readmit.figures import percent
from readmit.privacy import masked
from readmit.report.html import figure_html, note_html, paragraphs
from readmit.report.sections import Section

#: Days of follow-up drawn.
HORIZON_DAYS = 365


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    title = t("Tid til reinnleggelse", "Time to readmission")
    by_sector = ctx.rule.time_to_readmission(by="sector", horizon_days=HORIZON_DAYS)
    if by_sector.empty:
        return Section("time-to-readmission", title, note_html(t(
            "Uttrekket har ingen indeksopphold.", "The extract has no index stays.")))
    hidden = masked(by_sector, **TIME_TO_READMISSION_SUPPRESSION)
    body = [figure_html(time_to_readmission_figure(hidden, lang=lang),
                        div_id=ctx.chart_id("time-to-readmission"))]
    by_trust = masked(ctx.rule.time_to_readmission(by="institusjonID",
                                                   horizon_days=HORIZON_DAYS),
                      **TIME_TO_READMISSION_SUPPRESSION)
    highlight = ctx.highlight if ctx.highlight in set(by_trust["group"]) else None
    fig = time_to_readmission_figure(by_trust, lang=lang, highlight=highlight, naive=False)
    fig.update_layout(title_text=t(
        "Tid til reinnleggelse per helseforetak<br><sup>Kumulativ insidens (Aalen–Johansen), "
        "alle sektorer</sup>",
        "Time to readmission by health trust<br><sup>Cumulative incidence (Aalen–Johansen), "
        "all sectors</sup>"))
    body.append(figure_html(fig, div_id=ctx.chart_id("time-to-readmission-trusts")))
    days = ctx.rule.days_to_readmission_by_los(sectors=("vop", "tsb"),
                                               horizon_days=HORIZON_DAYS)
    if len(days):
        body.append(figure_html(
            days_to_readmission_by_los_figure(masked(days, **DAYS_BY_LOS_SUPPRESSION),
                                              lang=lang),
            div_id=ctx.chart_id("days-by-los")))
    else:
        body.append(note_html(t(
            "Ingen VOP- eller TSB-opphold har et helt år med oppfølging i uttrekket.",
            "No VOP or TSB stay has a whole year of follow-up in the extract.")))
    intro = paragraphs(
        t("Kurvene viser hvor stor andel av pasientene som er lagt inn igjen akutt, dag for dag "
          "etter utskrivning. Pasienter som dør kan ikke bli reinnlagt; den heltrukne kurven "
          "tar hensyn til det, den prikkede (1 − Kaplan–Meier) gjør det ikke og viser derfor "
          "for mange reinnleggelser der mange dør.",
          "The curves show the share of patients admitted again as an emergency, day by day "
          "after discharge. Patients who die cannot be readmitted; the solid curve takes that "
          "into account, the dotted one (1 − Kaplan–Meier) does not, and so shows too many "
          "readmissions where many die."),
        _at_day_30(hidden, lang),
        t("Den siste figuren viser, for psykisk helsevern (VOP) og rusbehandling (TSB), hvor "
          "mange dager det gikk før pasienten kom tilbake, etter hvor lenge forrige opphold "
          "varte.",
          "The last chart shows, for adult mental health (VOP) and substance-use treatment "
          "(TSB), how many days passed before the patient came back, by the length of the "
          "previous stay."))
    return Section("time-to-readmission", title, intro, body)


def _at_day_30(table: pd.DataFrame, lang: str) -> str:
    """One sentence with the somatic figures on day 30 and after a year, when they
    may be shown."""
    def at(day: int):
        row = table[(table["group"] == "somatic") & (table["day"] == day)]
        if row.empty or row[["cif_readmission", "one_minus_km"]].isna().any(axis=None):
            return None
        return float(row["cif_readmission"].iloc[0]), float(row["one_minus_km"].iloc[0])

    month, year = at(30), at(int(table["day"].max()))
    if month is None or year is None:
        return ""
    m, (y, km) = percent(month[0], lang=lang), (percent(v, lang=lang) for v in year)
    if lang == "nb":
        return (f"I somatikk var {m} av pasientene reinnlagt etter 30 dager og {y} etter ett "
                f"år; 1 − Kaplan–Meier ville sagt {km} etter ett år.")
    return (f"In somatic care, {m} of the patients were readmitted after 30 days and {y} after "
            f"a year; 1 − Kaplan–Meier would have said {km} after a year.")
