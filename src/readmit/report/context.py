"""What every section of the report is given: the rule, the language, the options."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from readmit.figures import check_lang, pick
from readmit.rule import Readmissions


@dataclass
class ReportContext:
    """The options of one report and the rule its numbers come from.

    Parameters
    ----------
    rule : readmit.Readmissions
        The rule (and through it the extract) every section reads.
    lang : {"nb", "en"}
    highlight : str, optional
        A trust (``institusjonID``) marked in every chart.
    scenarios : list of str
        Savings scenario files or shipped names.
    """

    rule: Readmissions
    lang: str = "nb"
    highlight: str | None = None
    scenarios: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_lang(self.lang)

    def t(self, nb: str, en: str) -> str:
        """The text in the report's language."""
        return pick(nb=nb, en=en, lang=self.lang)

    @cached_property
    def period(self) -> tuple[int, int] | None:
        """First and last discharge year with an eligible index stay."""
        return self.rule.period()

    @property
    def extract(self) -> Any:
        return self.rule.extract
