"""Length of stay against readmission: each trust's path over the years (the
bubble chart), and the readmission share by length-of-stay band."""
from __future__ import annotations

from readmit.analyses.length_of_stay import (LOS_SUPPRESSION, los_vs_readmission_figure,
                                             rates_by_los_band_figure)
from readmit.figures import trust_name
from readmit.privacy import displayed, masked
from readmit.report.html import (figure_html, formats, note_html, paragraphs, table_html,
                                 with_interval)
from readmit.report.sections import Section


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    title = t("Liggetid og reinnleggelser", "Length of stay and readmissions")
    table = ctx.rule.los_vs_readmission()
    if table.empty:
        return Section("length-of-stay", title, note_html(t(
            "Uttrekket har ingen indeksopphold med full oppfølging.",
            "The extract has no index stays with complete follow-up.")))
    hidden = masked(table, **LOS_SUPPRESSION)
    body = []
    sector = "somatic" if "somatic" in set(table["sector"]) else str(table["sector"].iloc[0])
    part = hidden[hidden["sector"] == sector]
    highlight = ctx.highlight if ctx.highlight in set(part["institusjonID"]) else None
    body.append(figure_html(los_vs_readmission_figure(hidden, sector=sector, lang=lang,
                                                      highlight=highlight),
                            div_id=ctx.chart_id("bubbles")))
    bands = ctx.rule.rates_by_los_band(by="sector")
    derived = {k: v for k, v in LOS_SUPPRESSION["derived"].items() if k in bands}
    body.append(figure_html(rates_by_los_band_figure(
                                masked(bands, counts=LOS_SUPPRESSION["counts"], derived=derived),
                                lang=lang),
                            div_id=ctx.chart_id("los-bands")))
    last = int(table["year"].max())
    latest = table[(table["year"] == last) & (table["sector"] == sector)]
    shown = displayed(latest[["institusjonID", "n_index", "mean_los_days", "n_readmitted",
                              "rate", "ci_low", "ci_high"]], **LOS_SUPPRESSION,
                      formats=formats(lang, integers=["n_index", "n_readmitted"],
                                      percents=["rate", "ci_low", "ci_high"],
                                      decimals={"mean_los_days": 1}))
    shown = with_interval(shown)
    shown["institusjonID"] = shown["institusjonID"].map(trust_name)
    body.append(table_html(
        shown, numeric=["n_index", "mean_los_days", "n_readmitted", "rate", "ci"],
        headers={"institusjonID": t("Helseforetak", "Health trust"),
                 "n_index": t("Indeksopphold", "Index stays"),
                 "mean_los_days": t("Gj.sn. liggetid (døgn)", "Mean length of stay (days)"),
                 "n_readmitted": t("Reinnlagt", "Readmitted"), "rate": t("Andel", "Share"),
                 "ci": t("95 % KI", "95% CI")},
        caption=t(f"Helseforetakene i {last}", f"The health trusts in {last}")))
    intro = paragraphs(
        t("Hver boble er ett helseforetak ett år: til høyre betyr lengre liggetid, høyere opp "
          "betyr flere reinnleggelser, og boblens størrelse er befolkningen i opptaksområdet. "
          "Linjen binder sammen årene, så du kan følge hvert helseforetak over tid.",
          "Each bubble is one health trust in one year: further right means longer stays, "
          "higher up means more readmissions, and the bubble's size is the population of the "
          "catchment area. The line joins the years, so each trust can be followed over time."),
        t("Den andre figuren viser andelen reinnlagte etter hvor lenge pasienten lå inne.",
          "The second chart shows the share readmitted by how long the patient stayed."))
    return Section("length-of-stay", title, intro, body)
