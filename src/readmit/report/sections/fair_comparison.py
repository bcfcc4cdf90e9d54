"""The fair comparison of trusts (issue 11): not in this version yet.

A stub the risk-adjusted comparison (observed against expected readmissions
from a risk model, and the funnel plot) replaces when it lands: the section
keeps its place in the report's order, says it is coming, and shows nothing
else.
"""
from __future__ import annotations

from readmit.report.html import note_html
from readmit.report.sections import Section


def section(ctx) -> Section:
    t = ctx.t
    return Section("fair-comparison",
                   t("Rettferdig sammenligning av helseforetakene",
                     "A fair comparison of the health trusts"),
                   note_html(t(
                       "Sammenligningen av helseforetakene justert for pasientenes risiko "
                       "(observert mot forventet, traktplott) kommer i en senere versjon av "
                       "readmit.",
                       "The comparison of the health trusts adjusted for their patients' risk "
                       "(observed against expected, funnel plot) is not in this version of "
                       "readmit yet.")))
