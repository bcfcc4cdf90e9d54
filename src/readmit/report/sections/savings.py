"""What readmissions cost, and what the savings scenarios would save with the
extract's own readmission bed days and ready-for-discharge days."""
from __future__ import annotations

import pandas as pd

from readmit.figures import nok
from readmit.privacy import displayed
from readmit.report.html import figure_html, formats, note_html, paragraphs, table_html
from readmit.report.sections import Section
from readmit.savings import figures
from readmit.savings.baselines import baseline_for_year, small_baseline
from readmit.savings.formula import BED_DAY_COST, UKP_COST_HOSPITAL, UKP_COST_MUNICIPALITY, saving

#: The readmission counts of the cost table and what is computed from them.
COST_SUPPRESSION = {"counts": ["n_readmissions"],
                    "derived": {c: ["n_readmissions"] for c in ("bed_days", "ukp_days",
                                                                "cost_nok")}}


def cost_table(ctx) -> pd.DataFrame:
    """Readmissions by year with their bed days, ready-for-discharge days and what
    those days cost at the prices of definitions.md (raw counts)."""
    table = ctx.burden_by_year.copy()
    table["cost_nok"] = [saving(1.0, bed_days=float(b), ukp_days=float(u))
                         for b, u in zip(table["bed_days"], table["ukp_days"])]
    return table


def baseline(ctx) -> dict | None:
    """The savings baseline: the readmissions of the period's last year (None if none)."""
    if ctx.period is None or ctx.burden_by_year.empty:
        return None
    year = min(ctx.period[1], int(ctx.burden_by_year["year"].max()))
    return {"source": "extract", **baseline_for_year(ctx.burden_by_year, year)}


def prepared(ctx, base: dict):
    """The report's scenarios with the extract's baseline as fixed values."""
    from readmit.savings.prepare import prepared_scenarios

    return prepared_scenarios(ctx.scenario_names, {"bed_days": base["bed_days"],
                                                   "ukp_days": base["ukp_days"]})


def section(ctx) -> Section:
    from readmit.savings.montecarlo import monte_carlo_savings

    t, lang = ctx.t, ctx.lang
    title = t("Hva reinnleggelsene koster, og hva tiltak kan spare",
              "What readmissions cost, and what measures could save")
    table = cost_table(ctx)
    if table.empty:
        return Section("savings", title, note_html(t(
            "Uttrekket har ingen reinnleggelser av indeksopphold med full oppfølging.",
            "The extract has no readmissions of index stays with complete follow-up.")))
    shown = displayed(table, **COST_SUPPRESSION, formats={
        **formats(lang, integers=["n_readmissions", "bed_days", "ukp_days"]),
        "cost_nok": lambda v: nok(v, lang=lang)})
    body = [table_html(
        shown, numeric=["n_readmissions", "bed_days", "ukp_days", "cost_nok"],
        headers={"year": t("År", "Year"), "n_readmissions": t("Reinnleggelser", "Readmissions"),
                 "bed_days": t("Liggedøgn", "Bed days"),
                 "ukp_days": t("Utskrivningsklare døgn", "Ready-for-discharge days"),
                 "cost_nok": t("Kostnad", "Cost")},
        caption=t("Reinnleggelsene og hva døgnene deres koster",
                  "The readmissions and what their days cost"))]
    base = baseline(ctx)
    intro = [t(
        f"Tabellen viser reinnleggelsene hvert år, liggedøgnene og de utskrivningsklare døgnene "
        f"i dem, og hva de koster med prisene fra forprosjektet: {nok(BED_DAY_COST, lang=lang)} "
        f"per liggedøgn og {nok(UKP_COST_MUNICIPALITY + UKP_COST_HOSPITAL, lang=lang)} per "
        "utskrivningsklart døgn (kommune og sykehus).",
        f"The table shows each year's readmissions, their bed days and ready-for-discharge "
        f"days, and what they cost at the pre-project's prices: {nok(BED_DAY_COST, lang=lang)} "
        f"per bed day and {nok(UKP_COST_MUNICIPALITY + UKP_COST_HOSPITAL, lang=lang)} per "
        "ready-for-discharge day (municipality and hospital).")]
    if base is None or small_baseline(base):
        body.append(note_html(t(
            "Scenarioene vises ikke: grunnlaget hviler på færre enn fem reinnleggelser.",
            "The scenarios are not shown: their baseline rests on fewer than five "
            "readmissions.")))
        return Section("savings", title, paragraphs(*intro), body)
    scenarios = prepared(ctx, base).scenarios
    sims = [monte_carlo_savings(s, ctx.draws, ctx.seed) for s in scenarios]
    body.append(figure_html(figures.comparison_chart(sims, "gross_saving_per_year", lang=lang),
                            div_id=ctx.chart_id("scenarios")))
    comparison = figures.comparison_table(sims, lang=lang).reset_index()
    body.append(table_html(comparison, numeric=list(comparison.columns[2:]),
                           wrap=[comparison.columns[0]], caption=t(
        f"Scenarioene med reinnleggelsene i {base['year']} som grunnlag (mill. kr)",
        f"The scenarios with the readmissions of {base['year']} as baseline (NOK million)")))
    intro.append(t(
        f"Scenarioene bruker reinnleggelsene i {base['year']} som grunnlag. Figuren viser den "
        "årlige bruttogevinsten: punktet er medianen, ruten gjennomsnittet og streken spennet "
        f"som dekker 90 % av {ctx.draws} simuleringer der de usikre verdiene trekkes fra sine "
        "fordelinger. "
        "Gevinsten er før kostnaden ved tiltaket som skal gi den; «går i balanse» er det "
        "tiltaket kan koste per år og fortsatt lønne seg.",
        f"The scenarios take the readmissions of {base['year']} as their baseline. The chart "
        "shows the gross saving per year: the dot is the median, the diamond the mean and the "
        f"bar the range that covers 90% of {ctx.draws} simulations in which the uncertain "
        "values are drawn from their distributions. The saving is before the cost of the "
        "measure that brings it; “break-even” is what the measure could cost per year and "
        "still pay."))
    return Section("savings", title, paragraphs(*intro), body)
