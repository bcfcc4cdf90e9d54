"""Survival after discharge, six months on: Kaplan–Meier curves of the
readmitted and of patients ready for discharge, survival at 30, 90 and 182
days, and the deaths a patient-centred team could avert."""
from __future__ import annotations

import pandas as pd

from readmit.errors import ReadmitError
from readmit.figures import number, percent
from readmit.privacy import displayed, is_small, masked
from readmit.report.html import (figure_html, formats, note_html, paragraphs, table_html,
                                 with_interval)
from readmit.report.sections import Section
from readmit.survival import survival_figure
from readmit.survival.labels import group_label, grouping_title

#: The follow-up of the section (definitions.md, Six-month mortality).
HORIZON_DAYS = 182
#: The curves drawn, one chart each.
GROUPS = ("readmitted", "ready_for_discharge")
#: A curve's point is hidden while the persons followed or the deaths so far are 1-4.
CURVE_SUPPRESSION = {
    "counts": ["n_at_risk", "cumulative_deaths"],
    "derived": {c: ["n_at_risk", "cumulative_deaths"] for c in ("survival", "ci_low", "ci_high")},
}
#: Survival at a day: hidden when the group's persons or deaths so far are 1-4.
AT_SUPPRESSION = {"counts": ["n", "deaths"],
                  "derived": {c: ["n", "deaths"] for c in ("survival", "ci_low", "ci_high")}}
#: The Tromsø patient-centred team's effect on six-month mortality (domain.md).
PSHT_REDUCTION = 0.43


def section(ctx) -> Section:
    t, lang, r = ctx.t, ctx.lang, ctx.rule
    title = t("Overlevelse etter utskrivning", "Survival after discharge")
    body = []
    rows = []
    for by in GROUPS:
        curves = r.survival_curves(by=by, horizon_days=HORIZON_DAYS)
        if curves.empty:
            continue
        shown = masked(curves.drop(columns=["deaths", "censored"]), **CURVE_SUPPRESSION)
        fig = survival_figure(shown, lang=lang, title=t(
            f"Overlevelse etter utskrivning, etter {grouping_title(by, lang=lang).lower()}",
            f"Survival after discharge, by {grouping_title(by, lang=lang).lower()}"))
        body.append(figure_html(fig, div_id=ctx.chart_id(f"survival-{by}")))
        at = r.survival(by=by, days=(30, 90, HORIZON_DAYS))
        at.insert(0, "what", [f"{grouping_title(by, lang=lang)}: {group_label(by, v, lang=lang)}"
                              for v in at[by]])
        rows.append(at.drop(columns=[by, "n_at_risk"]))
    if not rows:
        return Section("survival", title, note_html(t(
            "Uttrekket har ingen indeksopphold med oppfølging etter utskrivning.",
            "The extract has no index stays followed after discharge.")))
    table = pd.concat(rows, ignore_index=True)
    shown = displayed(table, **AT_SUPPRESSION,
                      formats=formats(lang, integers=["n", "deaths"],
                                      percents=["survival", "ci_low", "ci_high"]))
    shown = with_interval(shown)
    body.append(table_html(
        shown, numeric=["day", "n", "deaths", "survival", "ci"],
        headers={"what": t("Gruppe", "Group"), "day": t("Dag", "Day"),
                 "n": t("Personer", "Persons"), "deaths": t("Døde så langt", "Dead so far"),
                 "survival": t("I live", "Alive"), "ci": t("95 % KI", "95% CI")},
        caption=t("Andel i live 30, 90 og 182 dager etter utskrivning",
                  "Share alive 30, 90 and 182 days after discharge")))
    intro = paragraphs(
        t("Kurvene viser hvor stor andel som fortsatt lever, dag for dag i seks måneder etter "
          "utskrivning (én rad per person: det første indeksoppholdet i perioden). Båndet er "
          "usikkerheten, og tallene under figuren er hvor mange som fortsatt følges.",
          "The curves show the share still alive, day by day for six months after discharge "
          "(one row per person: the first index stay in the period). The band is the "
          "uncertainty, and the numbers under the chart are how many are still followed."),
        t("En reinnlagt pasient levde minst til reinnleggelsen, så forskjellen de første "
          "ukene er om noe for liten.",
          "A readmitted patient lived at least until the readmission, so the difference in "
          "the first weeks is, if anything, too small."),
        _averted(ctx))
    return Section("survival", title, intro, body)


def _averted(ctx) -> str:
    """A sentence on the deaths a team like Tromsø's would avert, when it may be shown."""
    t, lang = ctx.t, ctx.lang
    try:
        row = ctx.rule.deaths_averted(mortality_reduction=PSHT_REDUCTION).iloc[0]
    except ReadmitError:   # no target group in this extract: say nothing
        return ""
    if bool(is_small([row["n"], row["deaths"]]).any()):
        return ""
    low, high = number(row["ci_low"], 0, lang=lang), number(row["ci_high"], 0, lang=lang)
    return t(
        f"Blant utskrivningsklare pasienter som ble reinnlagt innen 30 dager, døde "
        f"{percent(row['mortality'], lang=lang)} innen seks måneder. Et pasientsentrert team "
        f"som i Tromsø (43 % lavere dødelighet) ville med disse tallene ha spart om lag "
        f"{number(row['deaths_averted'], 0, lang=lang)} liv i året ({low}–{high}).",
        f"Among patients ready for discharge who were readmitted within 30 days, "
        f"{percent(row['mortality'], lang=lang)} died within six months. A patient-centred "
        f"team like Tromsø's (43% lower mortality) would by these figures avert about "
        f"{number(row['deaths_averted'], 0, lang=lang)} deaths a year ({low}–{high}).")
