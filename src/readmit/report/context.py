"""What every section of the report is given: the rule, the language, the
options, and the tables several sections read (computed once)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from readmit.figures import check_lang, pick
from readmit.rule import Readmissions

#: Monte Carlo draws and seed of the savings section (modest, fixed: the
#: report is the same every time it is made from the same extract).
DRAWS = 2000
SEED = 2020
#: The scenario of the savings section when none is given.
DEFAULT_SCENARIOS = ("fewer_readmissions_10",)


@dataclass
class ReportContext:
    """The options of one report and the rule its numbers come from.

    Parameters
    ----------
    rule : readmit.Readmissions
        The rule (and through it the extract) every section reads.
    lang : {"nb", "en"}
    highlight : str, optional
        A trust (``institusjonID``) marked in every chart that shows trusts.
    scenarios : list of str
        Savings scenario files or shipped names (default: 10% fewer readmissions).
    draws, seed : int
        Monte Carlo draws and seed of the savings scenarios.
    """

    rule: Readmissions
    lang: str = "nb"
    highlight: str | None = None
    scenarios: list[str] = field(default_factory=list)
    draws: int = DRAWS
    seed: int = SEED
    _ids: Any = field(default_factory=itertools.count, repr=False)

    def __post_init__(self) -> None:
        check_lang(self.lang)

    def t(self, nb: str, en: str) -> str:
        """The text in the report's language."""
        return pick(nb=nb, en=en, lang=self.lang)

    def chart_id(self, name: str) -> str:
        """A stable, unique id for a chart's ``<div>`` (the page is the same every time)."""
        return f"chart-{name}-{next(self._ids)}"

    @property
    def extract(self) -> Any:
        return self.rule.extract

    @property
    def scenario_names(self) -> list[str]:
        """The scenarios the savings section runs."""
        return list(self.scenarios) or list(DEFAULT_SCENARIOS)

    # -- tables several sections read ----------------------------------------------
    @cached_property
    def period(self) -> tuple[int, int] | None:
        """First and last discharge year with an eligible index stay."""
        return self.rule.period()

    @cached_property
    def trend_by_sector(self) -> pd.DataFrame:
        """:meth:`Readmissions.trend` by sector (raw counts)."""
        return self.rule.trend(by="sector")

    @cached_property
    def trend_by_trust(self) -> pd.DataFrame:
        """:meth:`Readmissions.trend` by sector and trust (raw counts)."""
        return self.rule.trend(by=["sector", "institusjonID"])

    @cached_property
    def burden_by_year(self) -> pd.DataFrame:
        """:meth:`Readmissions.burden` by year, inside the period (raw counts), as
        :func:`readmit.savings.baselines.readmission_baselines` gives it (without
        asking for the period again: each time reads the index stays anew)."""
        burden = self.rule.burden(by=["year"])
        if self.period is None:
            return burden.iloc[0:0]
        return burden[burden["year"].between(*self.period)].reset_index(drop=True)

    @cached_property
    def has_contacts(self) -> bool:
        """Whether the extract has AMK or legevakt contacts."""
        from readmit.frequent._common import has_rows

        return has_rows(self.rule, "akuttkontakter")

    @cached_property
    def has_care_plans(self) -> bool:
        """Whether the extract has care plans (and contacts to follow them with)."""
        from readmit.frequent._common import has_rows

        return self.has_contacts and has_rows(self.rule, "handlingsplaner")
