"""Key figures of the period, each with its change from the first year to the last."""
from __future__ import annotations

from readmit.figures import SMALL, integer, number, percent
from readmit.privacy import is_small
from readmit.report.html import KeyFigure, key_figures_html, paragraphs
from readmit.report.sections import Section


def _pp(a: float, b: float, lang: str) -> str:
    d = 100 * (b - a)
    sign = "+" if d >= 0 else "−"
    num = f"{abs(d):.1f}".replace(".", ",") if lang == "nb" else f"{abs(d):.1f}"
    return f"{sign}{num} " + ("prosentpoeng" if lang == "nb" else "percentage points")


def _rel(a: float, b: float, lang: str) -> str:
    if not a:
        return ""
    return ("+" if b >= a else "−") + percent(abs(b / a - 1), 0, lang=lang)


def _hidden(*counts: float) -> bool:
    """True when any count a figure is computed from is 1-4."""
    return bool(is_small(list(counts)).any())


def section(ctx) -> Section:
    from readmit.savings.formula import saving

    r, lang, t = ctx.rule, ctx.lang, ctx.t
    items: list[KeyFigure] = []
    period = ctx.period
    if period is None:
        return Section("keyfigures", t("Nøkkeltall", "Key figures"),
                       paragraphs(t("Uttrekket har ingen indeksopphold med full oppfølging.",
                                    "The extract has no index stays with complete follow-up.")))
    first, last = period
    since = t(f"fra {first}", f"since {first}")
    trend = ctx.trend_by_sector
    som = trend[trend.sector == "somatic"].set_index("year")
    if len(som) and last in som.index:
        a, b = float(som.rate.iloc[0]), float(som.loc[last, "rate"])
        first_counts = som.iloc[0][["n_index", "n_readmitted"]]
        last_counts = som.loc[last, ["n_index", "n_readmitted"]]
        hide_last = _hidden(*last_counts)
        items.append(KeyFigure(t(f"Andel reinnlagt innen 30 dager, somatikk {last}",
                                 f"Readmitted within 30 days, somatic care {last}"),
                               SMALL if hide_last else percent(b, lang=lang),
                               "" if hide_last or _hidden(*first_counts) or som.index[0] == last
                               else f"{_pp(a, b, lang)} {since}"))
    ready = trend.groupby("year")[["n_stays_ready", "ukp_days"]].sum()
    if last in ready.index:
        a, b = float(ready.ukp_days.iloc[0]), float(ready.loc[last, "ukp_days"])
        hide_last = _hidden(ready.loc[last, "n_stays_ready"])
        items.append(KeyFigure(t(f"Utskrivningsklare døgn {last}",
                                 f"Ready-for-discharge days {last}"),
                               SMALL if hide_last else integer(b, lang=lang),
                               "" if hide_last or _hidden(ready.n_stays_ready.iloc[0])
                               or ready.index[0] == last else f"{_rel(a, b, lang)} {since}"))
    # six-month mortality of the readmitted: Kaplan-Meier over the period's cohort
    # (readmit.survival: each person's first index stay, deaths to day 182)
    at = r.survival(by="readmitted", days=(182,))
    row = at[at["readmitted"].astype(bool)]
    if len(row):
        row = row.iloc[0]
        items.append(KeyFigure(t("Døde innen seks måneder, reinnlagte pasienter",
                                 "Dead within six months, readmitted patients"),
                               SMALL if _hidden(row["n"], row["deaths"])
                               else percent(1 - float(row["survival"]), lang=lang),
                               t("etter utskrivning, hele perioden (Kaplan–Meier)",
                                 "after discharge, the whole period (Kaplan–Meier)")))
    burden = ctx.burden_by_year.set_index("year")
    if last in burden.index:
        b = burden.loc[last]
        value = saving(0.10, bed_days=float(b.bed_days), ukp_days=float(b.ukp_days))
        hide = _hidden(b.n_readmissions)
        items.append(KeyFigure(t(f"Gevinst av 10 % færre reinnleggelser ({last})",
                                 f"Saving of 10% fewer readmissions ({last})"),
                               SMALL if hide else number(value / 1e6, 1, lang=lang),
                               t("per år, før kostnaden ved tiltaket",
                                 "per year, before the cost of any measure"),
                               unit="" if hide else t("mill. kr", "NOK million")))
    intro = paragraphs(t(
        f"De viktigste tallene for perioden {first}–{last}, med endringen fra første til "
        "siste år. Hvert tall forklares nærmere i delene under.",
        f"The main figures of {first}–{last}, with the change from the first year to the "
        "last. Each is explained further in the sections below."))
    return Section("keyfigures", t("Nøkkeltall", "Key figures"), intro, [key_figures_html(items)])
