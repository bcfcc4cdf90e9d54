"""Concentration and frequent users: how much of the hospital use the heaviest
users account for, heavy users in hospital, frequent users of AMK and
legevakt, and what care plans change, beside a comparison group."""
from __future__ import annotations

import pandas as pd

from readmit.errors import ReadmitError
from readmit.figures import number, percent
from readmit.frequent import (care_plan_figure, care_plan_monthly, care_plan_rate_ratios,
                              concentration_figure, heavy_user_share_figure, lorenz_figure)
from readmit.frequent.care_plans import CARE_PLAN_MONTHLY_SUPPRESSION, CARE_PLAN_SUPPRESSION
from readmit.frequent.concentration import CONCENTRATION_SUPPRESSION, LORENZ_SUPPRESSION
from readmit.frequent.emergency import CALLER_COUNTS, CALLER_DERIVED
from readmit.frequent.heavy_users import HEAVY_USER_COUNTS, HEAVY_USER_DERIVED
from readmit.privacy import displayed, masked
from readmit.report.html import (figure_html, formats, note_html, paragraphs, table_html,
                                 with_interval)
from readmit.report.sections import Section

#: Months before and after a care plan's start, and contacts that make a frequent user.
CARE_PLAN_MONTHS = 12
CALLER_THRESHOLD = 10


def section(ctx) -> Section:
    t, lang, r = ctx.t, ctx.lang, ctx.rule
    title = t("Konsentrasjon og multibrukere", "Concentration and frequent users")
    body: list[str] = []
    concentration = r.resource_concentration(measure="bed_days")
    if concentration.empty:
        return Section("frequent", title, note_html(t(
            "Uttrekket har ingen døgnopphold i rapportens år.",
            "The extract has no inpatient stays in the report's years.")))
    body.append(figure_html(
        concentration_figure(masked(concentration, **CONCENTRATION_SUPPRESSION), lang=lang),
        div_id=ctx.chart_id("concentration")))
    curve = r.lorenz_curve(measure="bed_days")
    if len(curve):
        body.append(figure_html(lorenz_figure(masked(curve, **LORENZ_SUPPRESSION), lang=lang),
                                div_id=ctx.chart_id("lorenz")))
    heavy = r.heavy_user_shares()
    if len(heavy):
        body.append(figure_html(
            heavy_user_share_figure(masked(heavy, counts=HEAVY_USER_COUNTS,
                                           derived=HEAVY_USER_DERIVED), lang=lang),
            div_id=ctx.chart_id("heavy-users")))
    intro = [t(
        "Figurene viser hvor stor del av liggedøgnene de pasientene som bruker sykehuset mest, "
        "står for: de 1, 5 og 10 prosentene med flest liggedøgn, og lorenzkurven, som ligger "
        "lenger under diagonalen jo mer forbruket samles på få. Stormottakere er pasienter med "
        "fire eller flere akutte innleggelser innen ett år.",
        "The charts show how much of the bed days the patients who use the hospital most "
        "account for: the 1, 5 and 10 per cent with the most bed days, and the Lorenz curve, "
        "which lies further below the diagonal the more the use is gathered on a few. Heavy "
        "users are patients with four or more emergency admissions within a year.")]
    if ctx.has_contacts:
        body.append(_callers(ctx))
        intro.append(t(
            "Multibrukere av AMK og legevakt er personer med ti eller flere henvendelser til én "
            "av tjenestene i løpet av et kalenderår.",
            "Frequent users of AMK and legevakt are persons with ten or more contacts with one "
            "of the services in a calendar year."))
    else:
        body.append(note_html(t("Uttrekket har ingen henvendelser til AMK eller legevakt.",
                                "The extract has no contacts with AMK or legevakt.")))
    if ctx.has_care_plans:
        body += _care_plans(ctx)
    elif ctx.has_contacts:
        body.append(note_html(t("Uttrekket har ingen handlingsplaner.",
                                "The extract has no care plans.")))
    return Section("frequent", title, paragraphs(*intro), body)


def _callers(ctx) -> str:
    t, lang = ctx.t, ctx.lang
    table = ctx.rule.frequent_callers(threshold=CALLER_THRESHOLD)
    shown = displayed(table, counts=CALLER_COUNTS, derived=CALLER_DERIVED,
                      formats=formats(lang, integers=CALLER_COUNTS, percents=["contact_share"]))
    names = {"AMK": "AMK", "LV": t("Legevakt", "Legevakt"),
             "both": t("Begge (felles)", "Both (shared)")}
    shown["service"] = shown["service"].map(lambda s: names.get(s, s))
    return table_html(
        shown, numeric=[*CALLER_COUNTS, "contact_share"],
        headers={"year": t("År", "Year"), "service": t("Tjeneste", "Service"),
                 "n_persons": t("Personer", "Persons"),
                 "n_frequent": t("Multibrukere", "Frequent users"),
                 "n_contacts": t("Henvendelser", "Contacts"),
                 "n_contacts_frequent": t("Fra multibrukere", "From frequent users"),
                 "contact_share": t("Andel fra multibrukere", "Share from frequent users")},
        caption=t("Multibrukere av AMK og legevakt (ti eller flere henvendelser i året)",
                  "Frequent users of AMK and legevakt (ten or more contacts in a year)"))


def _care_plans(ctx) -> list[str]:
    t, lang = ctx.t, ctx.lang
    try:
        panel = ctx.rule.care_plan_panel(months=CARE_PLAN_MONTHS, threshold=CALLER_THRESHOLD)
        effects = care_plan_rate_ratios(panel)
    except ReadmitError:
        return [note_html(t(
            "For få personer med og uten handlingsplan har et helt år før og etter starten i "
            "dataene til å sammenligne.",
            "Too few persons with and without a care plan have a whole year before and after "
            "the start in the data to compare."))]
    monthly = masked(care_plan_monthly(panel), **CARE_PLAN_MONTHLY_SUPPRESSION)
    del panel                       # person-level: nothing of it goes further
    out = [figure_html(care_plan_figure(monthly, lang=lang), div_id=ctx.chart_id("care-plans"))]
    names = {"plan_before_after": t("Med plan: etter mot før", "With a plan: after against before"),
             "comparison_before_after": t("Sammenligning: etter mot før",
                                          "Comparison: after against before"),
             "difference_in_differences": t("Planens virkning (forskjell i forskjeller)",
                                            "The plan's effect (difference in differences)")}
    shown = displayed(effects, **CARE_PLAN_SUPPRESSION,
                      formats=formats(lang, integers=["n_persons"],
                                      decimals={c: 2 for c in ("rate_ratio", "ci_low",
                                                               "ci_high")}))
    shown["estimate"] = shown["estimate"].map(names)
    shown = with_interval(shown[["estimate", "n_persons", "rate_ratio", "ci_low", "ci_high"]])
    out.append(table_html(
        shown, numeric=["n_persons", "rate_ratio", "ci"],
        headers={"estimate": t("Anslag", "Estimate"), "n_persons": t("Personer", "Persons"),
                 "rate_ratio": t("Ratebrøk", "Rate ratio"), "ci": t("95 % KI", "95% CI")},
        caption=t("Henvendelser per måned året etter mot året før start (1 = ingen endring)",
                  "Contacts per month in the year after against the year before the start "
                  "(1 = no change)")))
    out.append(paragraphs(_care_plan_text(effects, lang)))
    return out


def _care_plan_text(effects: pd.DataFrame, lang: str) -> str:
    """What the comparison group shows, in plain words, when the ratios may be shown."""
    hide = displayed(effects, **CARE_PLAN_SUPPRESSION)["rate_ratio"].eq("<5")
    if hide.any():
        return ("Gruppene er for små til å vise anslagene (færre enn fem personer)."
                if lang == "nb" else
                "The groups are too small to show the estimates (fewer than five persons).")
    row = effects.set_index("estimate")
    plan, comparison = row.loc["plan_before_after"], row.loc["comparison_before_after"]
    did = row.loc["difference_in_differences"]

    def verb(ratio: float) -> str:
        return (("falt" if ratio < 1 else "økte") if lang == "nb"
                else ("fell" if ratio < 1 else "rose"))

    def size(ratio: float) -> str:
        return percent(abs(1 - ratio), 0, lang=lang)

    p_ratio, c_ratio = float(plan.rate_ratio), float(comparison.rate_ratio)
    covers_one = did.ci_low <= 1 <= did.ci_high
    ratio, low, high = (number(v, 2, lang=lang) for v in (did.rate_ratio, did.ci_low,
                                                          did.ci_high))
    if lang == "nb":
        text = (f"Hos personene med handlingsplan {verb(p_ratio)} henvendelsene med "
                f"{size(p_ratio)} fra året før til året etter at planen startet. ")
        if c_ratio < 1:
            text += ("Men i sammenligningsgruppen – multibrukere uten plan, fulgt fra et "
                     f"tilsvarende tidspunkt – falt de også, med {size(c_ratio)}: mye av en "
                     "nedgang kommer uansett, fordi personer velges ut når de har flest "
                     "henvendelser (tilbakegang mot gjennomsnittet). ")
        else:
            text += ("I sammenligningsgruppen – multibrukere uten plan, fulgt fra et "
                     f"tilsvarende tidspunkt – {verb(c_ratio)} de med {size(c_ratio)}. ")
        text += ("Det beste anslaget for hva planene selv utgjør, er forskjellen mellom "
                 f"gruppene: ratebrøk {ratio} (95 % KI {low}–{high}).")
        if covers_one:
            text += (" Intervallet omfatter 1, så dataene kan ikke skille virkningen fra ingen "
                     "virkning.")
        return text + (" Sammenligningen er ikke et loddtrukket forsøk; anslaget er usikkert "
                       "også utover intervallet.")
    text = (f"Among persons with a care plan, contacts {verb(p_ratio)} by {size(p_ratio)} from "
            "the year before to the year after the plan started. ")
    if c_ratio < 1:
        text += ("But in the comparison group – frequent users without a plan, followed from a "
                 f"similar point in time – they fell too, by {size(c_ratio)}: much of a fall "
                 "comes anyway, because persons are picked when their contacts peak "
                 "(regression to the mean). ")
    else:
        text += ("In the comparison group – frequent users without a plan, followed from a "
                 f"similar point in time – they {verb(c_ratio)} by {size(c_ratio)}. ")
    text += ("The best estimate of what the plans themselves do is the difference between the "
             f"groups: rate ratio {ratio} (95% CI {low}–{high}).")
    if covers_one:
        text += " The interval includes 1, so the data cannot tell the effect from no effect."
    return text + (" The comparison is not a randomised trial; the estimate is uncertain beyond "
                   "its interval too.")
