"""Survival after discharge, six months on (issue 9): not in this version yet.

A stub the six-month survival analysis (``readmit mortality``: Kaplan–Meier
by group and a Cox model) replaces when it lands: the section keeps its
place in the report's order, says it is coming, and shows nothing else.
"""
from __future__ import annotations

from readmit.report.html import note_html
from readmit.report.sections import Section


def section(ctx) -> Section:
    t = ctx.t
    return Section("survival", t("Overlevelse etter utskrivning", "Survival after discharge"),
                   note_html(t(
                       "Overlevelse seks måneder etter utskrivning for reinnlagte og "
                       "utskrivningsklare pasienter kommer i en senere versjon av readmit.",
                       "Survival six months after discharge of the readmitted and of patients "
                       "ready for discharge is not in this version of readmit yet.")))
