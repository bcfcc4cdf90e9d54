"""The analyses leaders asked for, each a table and a figure built from it.

Every table function takes a :class:`readmit.Readmissions` first and returns
a DataFrame; beside it a ``*_figure(table, *, lang="nb", ...)`` function
draws a plotly figure from that table alone, so a table masked with
:func:`readmit.privacy.masked` can be drawn (its NaN cells are gaps, and
``<5`` in the hover text). :class:`readmit.Readmissions` has a method for
each table (``r.trend()``, ``r.los_vs_readmission()``, ...). Each module's
``*_SUPPRESSION`` says which columns are counts and what is computed from
them, for :func:`readmit.privacy.masked` and ``displayed``.

- :mod:`~readmit.analyses.trend`: readmission rate and ready-for-discharge
  stays year by year.
- :mod:`~readmit.analyses.length_of_stay`: readmission share by
  length-of-stay band; each trust's mean length of stay against its
  readmission share (the bubble chart).
- :mod:`~readmit.analyses.time_to_readmission`: cumulative incidence of
  readmission with death as a competing event (Aalen–Johansen) beside the
  naive 1 − Kaplan–Meier; days to readmission by the length of the previous
  stay (VOP, TSB).
- :mod:`~readmit.analyses.ready_for_discharge`: ready-for-discharge days,
  the statutory municipal payment, and the readmission rate of the ready.
- :mod:`~readmit.analyses.cumulative_incidence`: the exact Aalen–Johansen
  estimator over counts per day.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> fig = readmit.trend_figure(r.trend(by="sector"), lang="en")
>>> bool(fig.layout.title.text)
True
>>> ex.close()
"""
from __future__ import annotations

from readmit.analyses._common import LOS_BANDS
from readmit.analyses.cumulative_incidence import cumulative_incidence
from readmit.analyses.length_of_stay import (LOS_SUPPRESSION, LOS_VS_READMISSION_COLUMNS,
                                             los_vs_readmission, los_vs_readmission_figure,
                                             rates_by_los_band, rates_by_los_band_figure)
from readmit.analyses.ready_for_discharge import (READY_FOR_DISCHARGE_SUPPRESSION,
                                                  ready_for_discharge,
                                                  ready_for_discharge_figure)
from readmit.analyses.time_to_readmission import (DAYS_BY_LOS_SUPPRESSION,
                                                  TIME_TO_READMISSION_COLUMNS,
                                                  TIME_TO_READMISSION_SUPPRESSION,
                                                  days_to_readmission_by_los,
                                                  days_to_readmission_by_los_figure,
                                                  time_to_readmission,
                                                  time_to_readmission_figure)
from readmit.analyses.trend import TREND_SUPPRESSION, trend, trend_figure

__all__ = [
    "trend", "trend_figure",
    "rates_by_los_band", "rates_by_los_band_figure",
    "los_vs_readmission", "los_vs_readmission_figure",
    "time_to_readmission", "time_to_readmission_figure",
    "days_to_readmission_by_los", "days_to_readmission_by_los_figure",
    "ready_for_discharge", "ready_for_discharge_figure",
    "cumulative_incidence", "LOS_BANDS",
    "TREND_SUPPRESSION", "LOS_SUPPRESSION", "LOS_VS_READMISSION_COLUMNS",
    "TIME_TO_READMISSION_COLUMNS", "TIME_TO_READMISSION_SUPPRESSION", "DAYS_BY_LOS_SUPPRESSION",
    "READY_FOR_DISCHARGE_SUPPRESSION",
]
