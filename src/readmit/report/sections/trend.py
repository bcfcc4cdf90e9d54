"""The trend: the readmission share and ready-for-discharge stays year by year
(readmit.analyses.trend), per sector and, in somatic care, per trust."""
from __future__ import annotations

from readmit.analyses.trend import TREND_SUPPRESSION, trend_figure
from readmit.privacy import displayed, masked
from readmit.report.html import (figure_html, formats, note_html, paragraphs, sector_short,
                                 table_html, with_interval)
from readmit.report.sections import Section

COLUMNS = ["year", "sector", "n_index", "n_readmitted", "rate", "ci_low", "ci_high",
           "n_stays_ready", "ukp_days"]


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    title = t("Utviklingen år for år", "Year by year")
    table = ctx.trend_by_sector
    if table.empty:
        return Section("trend", title, note_html(t(
            "Uttrekket har ingen indeksopphold med full oppfølging.",
            "The extract has no index stays with complete follow-up.")))
    body = [figure_html(trend_figure(masked(table, **TREND_SUPPRESSION), lang=lang),
                        div_id=ctx.chart_id("trend"))]
    trusts = ctx.trend_by_trust
    somatic = trusts[trusts["sector"] == "somatic"].drop(columns="sector")
    if len(somatic):
        fig = trend_figure(masked(somatic, **TREND_SUPPRESSION), lang=lang,
                           highlight=_known(ctx.highlight, somatic))
        fig.update_layout(title_text=t(
            "Somatikk per helseforetak<br><sup>Andel reinnlagt (øverst) og opphold med "
            "utskrivningsklar-dato (nederst)</sup>",
            "Somatic care by health trust<br><sup>Share readmitted (top) and stays with a "
            "ready-for-discharge date (bottom)</sup>"))
        body.append(figure_html(fig, div_id=ctx.chart_id("trend-trusts")))
    shown = displayed(table[COLUMNS], **TREND_SUPPRESSION, formats=formats(
        lang, integers=["n_index", "n_readmitted", "n_stays_ready", "ukp_days"],
        percents=["rate", "ci_low", "ci_high"]))
    shown = with_interval(shown)
    shown["sector"] = shown["sector"].map(lambda s: sector_short(s, lang=lang))
    headers = {"year": t("År", "Year"), "sector": t("Sektor", "Sector"),
               "n_index": t("Indeksopphold", "Index stays"),
               "n_readmitted": t("Reinnlagt", "Readmitted"), "rate": t("Andel", "Share"),
               "ci": t("95 % KI", "95% CI"),
               "n_stays_ready": t("Utskrivningsklare opphold", "Stays ready for discharge"),
               "ukp_days": t("Utskrivningsklare døgn", "Ready-for-discharge days")}
    body.append(table_html(shown, headers=headers, numeric=list(shown.columns[2:]),
                           caption=t("Tallene bak figuren", "The numbers behind the chart")))
    intro = paragraphs(
        t("Den øverste delen av figuren viser hvor stor andel av pasientene som ble lagt inn "
          "igjen akutt innen 30 dager etter utskrivning, år for år og per sektor; det "
          "skraverte båndet er usikkerheten (95 % konfidensintervall). Den nederste delen viser "
          "hvor mange opphold som hadde en dato for når pasienten var utskrivningsklar.",
          "The top of the chart shows the share of patients admitted again as an emergency "
          "within 30 days of discharge, year by year and per sector; the shaded band is the "
          "uncertainty (95% confidence interval). The bottom shows how many stays had a date "
          "on which the patient was ready for discharge."),
        t("Et år regnes etter utskrivningsdatoen. Den andre figuren viser det samme for "
          "somatikk per helseforetak.",
          "A year is the year of discharge. The second chart shows the same for somatic care "
          "per health trust."))
    return Section("trend", title, intro, body)


def _known(highlight: str | None, table) -> str | None:
    """The highlighted trust if the table has it (a trust without somatic stays has no line)."""
    if highlight is None or highlight not in set(table["institusjonID"]):
        return None
    return highlight
