"""Data quality: rows read, kept and rejected per file, and why rows were rejected."""
from __future__ import annotations

from readmit.privacy import displayed
from readmit.quality import reject_reasons, row_counts
from readmit.report.html import formats, paragraphs, table_html
from readmit.report.sections import Section


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    counts = row_counts(ctx.extract)
    shown = displayed(counts, counts=["read", "kept", "rejected"],
                      formats=formats(lang, integers=["read", "kept", "rejected"]))
    body = [table_html(shown, headers={"file": t("Fil", "File"), "read": t("Lest", "Read"),
                                       "kept": t("Beholdt", "Kept"),
                                       "rejected": t("Avvist", "Rejected")},
                       numeric=["read", "kept", "rejected"],
                       caption=t("Rader per fil", "Rows per file"))]
    reasons = reject_reasons(ctx.extract)
    if len(reasons):
        shown = displayed(reasons, counts=["n_rows"], formats=formats(lang, integers=["n_rows"]))
        body.append(table_html(shown, headers={"file": t("Fil", "File"),
                                               "reason": t("Årsak", "Reason"),
                                               "n_rows": t("Rader", "Rows")},
                               numeric=["n_rows"],
                               caption=t("Hvorfor rader ble avvist", "Why rows were rejected")))
    intro = paragraphs(t(
        "Hver rad i uttrekket er gjort rede for: lest = beholdt + avvist, per fil. Avviste "
        "rader (for eksempel en ugyldig dato eller en ukjent kode) er ikke med i tallene over.",
        "Every row of the extract is accounted for: read = kept + rejected, per file. Rejected "
        "rows (an invalid date or an unknown code, say) are not in the figures above."))
    return Section("quality", t("Datakvalitet", "Data quality"), intro, body)
