"""The readmission share year by year (interim table until the trend analysis lands)."""
from __future__ import annotations

from readmit.figures import integer, percent, sector_name
from readmit.privacy import displayed
from readmit.report.html import paragraphs, table_html
from readmit.report.sections import Section


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    rates = ctx.rule.rates(by=["year", "sector"])
    shown = displayed(
        rates[["year", "sector", "n_index", "n_readmitted", "rate", "ci_low", "ci_high"]],
        counts=["n_index", "n_readmitted"],
        derived={c: ["n_index", "n_readmitted"] for c in ("rate", "ci_low", "ci_high")},
        formats={"n_index": lambda v: integer(v, lang=lang),
                 "n_readmitted": lambda v: integer(v, lang=lang),
                 "rate": lambda v: percent(v, lang=lang),
                 "ci_low": lambda v: percent(v, lang=lang),
                 "ci_high": lambda v: percent(v, lang=lang)})
    shown["sector"] = shown["sector"].map(lambda s: sector_name(s, lang=lang))
    headers = {"year": t("År", "Year"), "sector": t("Sektor", "Sector"),
               "n_index": t("Indeksopphold", "Index stays"),
               "n_readmitted": t("Reinnlagt", "Readmitted"), "rate": t("Andel", "Share"),
               "ci_low": t("95 % KI, nedre", "95% CI, low"),
               "ci_high": t("95 % KI, øvre", "95% CI, high")}
    intro = paragraphs(t(
        "Tabellen viser hvor stor andel av pasientene som ble lagt inn igjen akutt innen 30 "
        "dager etter utskrivning, år for år og per sektor.",
        "The table shows the share of patients admitted again as an emergency within 30 days "
        "of discharge, year by year and per sector."))
    return Section("trend", t("Utviklingen år for år", "Year by year"), intro,
                   [table_html(shown, headers=headers,
                               numeric=["n_index", "n_readmitted", "rate", "ci_low", "ci_high"])])
