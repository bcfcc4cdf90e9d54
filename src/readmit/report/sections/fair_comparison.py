"""A fair comparison of trusts and municipalities: readmissions observed
against those expected from each unit's case mix, in funnel plots whose
limits allow for overdispersion (readmit.comparison)."""
from __future__ import annotations

import numpy as np

from readmit.comparison import FUNNEL_SUPPRESSION, funnel_figure
from readmit.errors import ReadmitError
from readmit.figures import trust_name
from readmit.privacy import displayed, masked
from readmit.report.html import (figure_html, formats, note_html, paragraphs, table_html,
                                 with_interval)
from readmit.report.sections import Section

#: The sector compared (the national indicator's).
SECTOR = "somatic"


def section(ctx) -> Section:
    t, lang, r = ctx.t, ctx.lang, ctx.rule
    title = t("Rettferdig sammenligning av helseforetak og kommuner",
              "A fair comparison of trusts and municipalities")
    try:
        model = r.risk_model()
        trusts = r.funnel(model=model, unit="institusjonID", sector=SECTOR)
        municipalities = r.funnel(model=model, unit="komnr", sector=SECTOR)
    except (ReadmitError, ValueError, np.linalg.LinAlgError) as exc:   # too little data
        return Section("fair-comparison", title, note_html(t(
            f"Sammenligningen kunne ikke lages for dette uttrekket ({exc}).",
            f"The comparison could not be made for this extract ({exc}).")))
    body = []
    for table, unit, name in ((trusts, "institusjonID", "trusts"),
                              (municipalities, "komnr", "municipalities")):
        if table.empty:
            continue
        hidden = masked(table, **FUNNEL_SUPPRESSION)
        highlight = ctx.highlight if unit == "institusjonID" else None
        body.append(figure_html(funnel_figure(hidden, lang=lang, highlight=highlight),
                                div_id=ctx.chart_id(f"funnel-{name}")))
    if len(trusts):
        cols = ["unit", "n_index", "observed", "expected", "ratio", "ci_low", "ci_high",
                "standardised_rate", "outside"]
        shown = displayed(trusts[cols], **{
            "counts": FUNNEL_SUPPRESSION["counts"],
            "derived": {k: v for k, v in FUNNEL_SUPPRESSION["derived"].items() if k in cols}},
            formats={**formats(lang, integers=["n_index", "observed"],
                               percents=["standardised_rate"],
                               decimals={"expected": 0, "ratio": 2, "ci_low": 2, "ci_high": 2})})
        shown = with_interval(shown)
        shown["unit"] = shown["unit"].map(trust_name)
        shown["outside"] = shown["outside"].map(lambda v: _outside(v, ctx))
        body.append(table_html(
            shown, numeric=["n_index", "observed", "expected", "ratio", "ci",
                            "standardised_rate"],
            headers={"unit": t("Helseforetak", "Health trust"),
                     "n_index": t("Indeksopphold", "Index stays"),
                     "observed": t("Reinnlagt (O)", "Readmitted (O)"),
                     "expected": t("Forventet (E)", "Expected (E)"),
                     "ratio": "O/E", "ci": t("95 % KI", "95% CI"),
                     "standardised_rate": t("Standardisert andel", "Standardised share"),
                     "outside": t("Utenfor grensene", "Outside the limits")},
            caption=t("Helseforetakene, somatikk, hele perioden",
                      "The health trusts, somatic care, the whole period")))
    intro = paragraphs(
        t("Et helseforetak med skrøpeligere pasienter får flere reinnleggelser uten å gjøre "
          "noe galt. Her er hver enhet sammenlignet med hva dens egne pasienter ville ventes å "
          "gi (alder, kjønn, sykdomsbyrde, hastegrad, tidligere innleggelser, liggetid og om "
          "de var utskrivningsklare).",
          "A trust with frailer patients has more readmissions without doing anything wrong. "
          "Here each unit is compared with what its own patients would be expected to give "
          "(age, sex, comorbidity, urgency, earlier admissions, length of stay and whether "
          "they were ready for discharge)."),
        t("O/E over 1 betyr flere reinnleggelser enn ventet. Traktlinjene viser hvor langt "
          "fra 1 tilfeldigheter alene kan føre en enhet av den størrelsen; bare punkter "
          "utenfor dem er navngitt.",
          "O/E above 1 means more readmissions than expected. The funnel lines show how far "
          "from 1 chance alone can take a unit of that size; only points outside them are "
          "named."))
    return Section("fair-comparison", title, intro, body)


def _outside(value, ctx) -> str:
    words = {"above99.8": ctx.t("over 99,8 %", "above 99.8%"),
             "above95": ctx.t("over 95 %", "above 95%"),
             "below95": ctx.t("under 95 %", "below 95%"),
             "below99.8": ctx.t("under 99,8 %", "below 99.8%")}
    return words.get(str(value), "" if value in ("", None) or value != value else str(value))
