"""One-way sensitivity: the tornado of a scenario's outcome.

Each parameter in turn moves from a low to a high value while the others
stay at their base case. A parameter with a distribution moves between its
5th and 95th percentiles; a fixed one by ``± spread`` (20% by default),
kept inside its valid range.
"""
from __future__ import annotations

import pandas as pd

from readmit.errors import ParameterError
from readmit.savings.formula import FRACTIONS
from readmit.savings.model import OUTCOMES, PARAMETERS, outcomes
from readmit.savings.scenarios import Scenario


def tornado(scenario: Scenario, outcome: str = "net_saving", spread: float = 0.2) -> pd.DataFrame:
    """Swing of ``outcome`` as each parameter moves over its range, largest first.

    Parameters
    ----------
    scenario : Scenario
    outcome : str
        A key of :data:`readmit.savings.model.OUTCOMES`.
    spread : float
        Relative move of parameters without a distribution.

    Returns
    -------
    pandas.DataFrame
        Columns ``parameter``, ``label``, ``kind`` ('5th-95th percentile' or
        '±20%'), ``low``, ``high`` (parameter values), ``outcome_low``,
        ``outcome_high``, ``base`` and ``swing`` (|outcome_high - outcome_low|),
        sorted by swing, largest first; parameters that move nothing are left out.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> t = tornado(load_scenario("fewer_readmissions_10"), "gross_saving_per_year")
    >>> t["parameter"].iloc[0]
    'reduction'
    """
    if outcome not in OUTCOMES:
        raise ParameterError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not 0 <= spread <= 1:
        raise ParameterError(f"spread must be a share between 0 and 1, not {spread!r}")
    base_values = scenario.base_values()

    def run(values):
        return outcomes(values, scenario.horizon_years, scenario.components)[outcome]

    base = run(base_values)
    rows = []
    for name, dist in scenario.parameters.items():
        if dist.is_fixed:
            lo, hi = dist.base * (1 - spread), dist.base * (1 + spread)
            if name in FRACTIONS:
                hi = min(hi, 1.0)
            kind = f"±{spread:.0%}"
        else:
            lo, hi = dist.quantile(0.05), dist.quantile(0.95)
            kind = "5th-95th percentile"
        out_lo, out_hi = run({**base_values, name: lo}), run({**base_values, name: hi})
        if out_lo == out_hi:
            continue
        rows.append({"parameter": name, "label": PARAMETERS[name][1], "kind": kind,
                     "low": lo, "high": hi, "outcome_low": out_lo, "outcome_high": out_hi,
                     "base": base, "swing": abs(out_hi - out_lo)})
    columns = ["parameter", "label", "kind", "low", "high", "outcome_low", "outcome_high",
               "base", "swing"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
