"""readmit: hospital readmissions and frequent users in Norwegian health services.

Open an NPR-shaped extract with :func:`readmit.open`, bind the readmission
rule once with :class:`readmit.Readmissions`, and ask it questions; every
answer is a pandas DataFrame, with a plotly figure beside it.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> r.rates(by="sector")["sector"].tolist()
['somatic', 'tsb', 'vop']
>>> ex.close()
"""
from __future__ import annotations

__version__ = "0.1.0"

from readmit import datasets, quality  # noqa: E402
from readmit.errors import (MissingTableError, ParameterError, ReadmitError,  # noqa: E402
                            StructuralError)
from readmit.extract import Extract, open, require_table  # noqa: E402,A004
from readmit.frequent import (care_plan_effects, care_plan_figure,  # noqa: E402
                              care_plan_monthly, care_plan_panel, care_plan_rate_ratios,
                              concentration_figure, frequent_caller_contacts,
                              frequent_caller_contacts_figure, frequent_caller_trend,
                              frequent_caller_trend_figure, frequent_callers, frequent_users,
                              heavy_user_persons, heavy_user_share_figure, heavy_user_shares,
                              heavy_user_table_one, lorenz_curve, lorenz_figure,
                              resource_concentration, top_user_persistence)
from readmit.readmissions import (index_stays, readmission_burden,  # noqa: E402
                                  readmission_rates)
from readmit.rule import Readmissions  # noqa: E402
from readmit.comparison import (RiskModel, c_statistics,  # noqa: E402
                                calibration_by_decile, calibration_figure, funnel,
                                funnel_figure, lace_figure, lace_index, lace_rates,
                                observed_expected, odds_ratio_figure, odds_ratios, risk_model)
from readmit.analyses import (days_to_readmission_by_los,  # noqa: E402
                              days_to_readmission_by_los_figure, los_vs_readmission,
                              los_vs_readmission_figure, rates_by_los_band,
                              rates_by_los_band_figure, ready_for_discharge,
                              ready_for_discharge_figure, time_to_readmission,
                              time_to_readmission_figure, trend, trend_figure)
from readmit import survival  # noqa: E402  (six-month survival after discharge)

__all__ = [
    "open", "Extract", "Readmissions", "datasets", "quality", "survival", "require_table",
    "ReadmitError", "StructuralError", "ParameterError", "MissingTableError",
    # analyses (readmit.analyses): a table from the rule, a figure from the table
    "trend", "trend_figure", "rates_by_los_band", "rates_by_los_band_figure",
    "los_vs_readmission", "los_vs_readmission_figure", "time_to_readmission",
    "time_to_readmission_figure", "days_to_readmission_by_los",
    "days_to_readmission_by_los_figure", "ready_for_discharge", "ready_for_discharge_figure",
    # frequent users (readmit.frequent)
    "resource_concentration", "lorenz_curve", "top_user_persistence", "concentration_figure",
    "lorenz_figure", "heavy_user_shares", "heavy_user_persons", "heavy_user_table_one",
    "heavy_user_share_figure", "frequent_callers", "frequent_caller_contacts",
    "frequent_caller_trend", "frequent_caller_trend_figure", "frequent_caller_contacts_figure",
    "care_plan_panel", "care_plan_rate_ratios", "care_plan_monthly", "care_plan_effects",
    "care_plan_figure", "frequent_users",
    # comparison (readmit.comparison): case-mix model, observed against expected, funnel
    "risk_model", "RiskModel", "odds_ratios", "odds_ratio_figure", "c_statistics",
    "calibration_by_decile", "calibration_figure", "lace_index", "lace_rates", "lace_figure",
    "observed_expected", "funnel", "funnel_figure",
    # deprecated functions of 0.1: use Readmissions
    "index_stays", "readmission_rates", "readmission_burden",
    "__version__",
]


def __dir__() -> list[str]:
    return sorted(__all__)
