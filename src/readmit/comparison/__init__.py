"""A fair comparison of trusts and municipalities (issue 11).

A crude readmission share punishes the trust with the frailest patients, so
the comparison adjusts for case mix and shows which differences are more
than chance:

- :mod:`~readmit.comparison.risk_model`: a logistic regression of 30-day
  readmission per sector on age band, sex, Charlson index, urgency, acute
  stays in the previous 365 days, LOS band and ready for discharge, fitted on
  covariate patterns (:func:`risk_model`, :func:`odds_ratios`).
- :mod:`~readmit.comparison.performance`: its C-statistic beside LACE's
  (DeLong 95 % intervals) and its calibration by decile of predicted risk.
- :mod:`~readmit.comparison.lace`: a LACE-style index per index stay.
- :mod:`~readmit.comparison.observed_expected`: observed against expected
  readmissions per trust or municipality, and the indirectly standardised rate.
- :mod:`~readmit.comparison.funnel`: funnel plot limits (exact Poisson; or
  overdispersed as FunnelPlotR does it, additive or multiplicative).
- :mod:`~readmit.comparison.figures`: the funnel plot, the calibration plot,
  the odds ratios and the LACE curve, each drawn from its table.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex, sector="somatic")
>>> model = r.risk_model()
>>> table = r.funnel(model=model, overdispersion="none")
>>> fig = readmit.funnel_figure(table, lang="en")
>>> sorted(model.c_statistics().predictor)
['lace', 'risk_model']
>>> ex.close()
"""
from __future__ import annotations

from readmit.comparison.figures import (calibration_figure, funnel_figure, lace_figure,
                                        odds_ratio_figure)
from readmit.comparison.funnel import (FUNNEL_COLUMNS, FUNNEL_SUPPRESSION, OVERDISPERSION,
                                       SR_METHODS, Dispersion, dispersion, funnel,
                                       funnel_limits, outside_limits, poisson_limits)
from readmit.comparison.lace import LACE_SUPPRESSION, lace_index, lace_rates
from readmit.comparison.observed_expected import (OBSERVED_EXPECTED_SUPPRESSION, UNITS,
                                                  observed_expected, poisson_ratio_interval)
from readmit.comparison.performance import (CALIBRATION_SUPPRESSION, C_STATISTIC_SUPPRESSION,
                                            CStatistic, c_statistic, c_statistics,
                                            calibration_by_decile)
from readmit.comparison.risk_model import (COVARIATES, LEVELS, ODDS_RATIO_SUPPRESSION,
                                           RiskModel, odds_ratios, risk_model)

__all__ = [
    "risk_model", "RiskModel", "odds_ratios", "c_statistic", "CStatistic", "c_statistics",
    "calibration_by_decile", "lace_index", "lace_rates", "observed_expected",
    "poisson_ratio_interval", "funnel", "funnel_limits", "poisson_limits", "dispersion",
    "Dispersion", "outside_limits",
    "funnel_figure", "calibration_figure", "odds_ratio_figure", "lace_figure",
    "COVARIATES", "LEVELS", "UNITS", "OVERDISPERSION", "SR_METHODS", "FUNNEL_COLUMNS",
    "FUNNEL_SUPPRESSION", "OBSERVED_EXPECTED_SUPPRESSION", "CALIBRATION_SUPPRESSION",
    "C_STATISTIC_SUPPRESSION", "ODDS_RATIO_SUPPRESSION", "LACE_SUPPRESSION",
]
