"""Data quality: rows read, kept and rejected per file, and why rows were rejected."""
from __future__ import annotations

import pandas as pd

from readmit.figures import integer
from readmit.privacy import displayed
from readmit.report.html import paragraphs, table_html
from readmit.report.sections import Section


def reject_reasons(extract) -> pd.DataFrame:
    """Rejected rows per file and reason phrase (no raw values: they could identify)."""
    return extract.con.sql(
        """SELECT file, split_part(reason, ':', 1) AS reason, count(DISTINCT "row") AS n_rows
           FROM rejects GROUP BY ALL ORDER BY file, n_rows DESC, reason""").df()


def section(ctx) -> Section:
    t, lang = ctx.t, ctx.lang
    counts = pd.DataFrame([{"file": name, **c} for name, c in ctx.extract.counts.items()])
    fmt = {c: (lambda v: integer(v, lang=lang)) for c in ("read", "kept", "rejected")}
    shown = displayed(counts, counts=["read", "kept", "rejected"], formats=fmt)
    body = [table_html(shown, headers={"file": t("Fil", "File"), "read": t("Lest", "Read"),
                                       "kept": t("Beholdt", "Kept"),
                                       "rejected": t("Avvist", "Rejected")},
                       numeric=["read", "kept", "rejected"])]
    reasons = reject_reasons(ctx.extract)
    if len(reasons):
        shown = displayed(reasons, counts=["n_rows"],
                          formats={"n_rows": lambda v: integer(v, lang=lang)})
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
