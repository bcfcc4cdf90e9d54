"""Six-month survival after discharge (definitions.md, Six-month mortality).

The cohort (:mod:`~readmit.survival.cohort`), Kaplan–Meier curves, survival
at given days and the log-rank test (:mod:`~readmit.survival.kaplan_meier`),
the Cox model and its proportional-hazards test (:mod:`~readmit.survival.cox`),
deaths a team could avert (:mod:`~readmit.survival.averted`), and a figure
beside each table (:mod:`~readmit.survival.figures`). Every function takes
the rule object first; :class:`readmit.Readmissions` has a method for each.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> t = r.survival(by="sector", days=[182])
>>> t.columns.tolist()
['sector', 'day', 'n', 'n_at_risk', 'deaths', 'survival', 'ci_low', 'ci_high']
>>> fig = readmit.survival.survival_at_figure(t, lang="en")
>>> ex.close()
"""
from __future__ import annotations

from readmit.survival.averted import deaths_averted, mortality_baseline, target_mortality
from readmit.survival.cohort import (COHORT_COLUMNS, DEFAULT_HORIZON_DAYS, SURVIVAL_GROUPS,
                                     mortality_cohort)
from readmit.survival.cox import COX_COVARIATES, CoxResult, cox_model
from readmit.survival.figures import hazard_ratio_figure, survival_at_figure, survival_figure
from readmit.survival.kaplan_meier import logrank_test, survival_at, survival_curves

__all__ = [
    "mortality_cohort", "survival_curves", "survival_at", "logrank_test", "cox_model",
    "CoxResult", "deaths_averted", "target_mortality", "mortality_baseline",
    "survival_figure", "survival_at_figure", "hazard_ratio_figure",
    "COHORT_COLUMNS", "SURVIVAL_GROUPS", "COX_COVARIATES", "DEFAULT_HORIZON_DAYS",
]
