"""Frequent users: how concentrated hospital use is, heavy users in hospital,
multibrukere at AMK and legevakt, and what care plans change.

Every function takes a :class:`readmit.Readmissions` first and returns a
DataFrame; beside each table is a figure function drawn from the table (so
a masked table draws too). The same questions are methods of
``Readmissions`` (``r.resource_concentration()``, ...). Definitions:
definitions.md, Frequent users.

- :mod:`~readmit.frequent.concentration` - top 1/5/10 % shares, Gini,
  Lorenz curve, persistence of the top users;
- :mod:`~readmit.frequent.heavy_users` - stormottakere (4 acute stays in 365
  days): their shares by year and a Table 1;
- :mod:`~readmit.frequent.emergency` - frequent users of AMK and legevakt;
- :mod:`~readmit.frequent.care_plans` - care plans against a comparison
  group with pseudo-starts (difference in differences);
- :mod:`~readmit.frequent.persons` - one row per frequent user (person-level);
- :mod:`~readmit.frequent.figures` - the figures.

Years: every by-year table covers the rule's ``years`` or, without them, the
years of the readmission rates: from the first discharge year to the year of
the end of data less ``window_days`` - so that a year holding only stays or
contacts that spill over past the end of the data is not reported as a year
("the rule's years" below).

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> bool(r.resource_concentration(measure="bed_days").gini.between(0, 1).all())
True
>>> ex.close()
"""
from __future__ import annotations

from readmit.frequent.care_plans import (care_plan_effects, care_plan_monthly, care_plan_panel,
                                         care_plan_rate_ratios)
from readmit.frequent.concentration import (lorenz_curve, resource_concentration,
                                            top_user_persistence)
from readmit.frequent.emergency import (frequent_caller_contacts, frequent_caller_trend,
                                        frequent_callers)
from readmit.frequent.figures import (care_plan_figure, concentration_figure,
                                      frequent_caller_contacts_figure,
                                      frequent_caller_trend_figure, heavy_user_share_figure,
                                      lorenz_figure)
from readmit.frequent.heavy_users import (heavy_user_persons, heavy_user_shares,
                                          heavy_user_table_one)
from readmit.frequent.persons import frequent_users

__all__ = [
    "resource_concentration", "lorenz_curve", "top_user_persistence",
    "heavy_user_shares", "heavy_user_persons", "heavy_user_table_one",
    "frequent_callers", "frequent_caller_contacts", "frequent_caller_trend",
    "care_plan_panel", "care_plan_rate_ratios", "care_plan_monthly", "care_plan_effects",
    "frequent_users",
    "concentration_figure", "lorenz_figure", "heavy_user_share_figure",
    "frequent_caller_trend_figure", "frequent_caller_contacts_figure", "care_plan_figure",
]
