"""The sections of the leaders' report, in the order they appear.

Each module has ``section(ctx) -> Section``: a title, one or two plain
sentences saying what the chart shows and how to read it, and its blocks
(figures and tables, already suppressed).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """One section of the report."""

    key: str
    title: str
    intro: str                       # HTML: plain sentences for a leader
    body: list[str] = field(default_factory=list)   # HTML blocks


#: Section modules, in report order.
ORDER = (
    "keyfigures",
    "trend",
    "length_of_stay",
    "time_to_readmission",
    "survival",
    "fair_comparison",
    "frequent",
    "savings",
    "quality",
    "definitions",
    "about",
)
