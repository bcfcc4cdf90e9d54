"""Savings simulator: what fewer readmissions would save (definitions.md, Savings).

Modules, each small: :mod:`~readmit.savings.formula` (the formula),
:mod:`~readmit.savings.model` (intervention effects, net saving, ROI,
break-even), :mod:`~readmit.savings.distributions`,
:mod:`~readmit.savings.scenarios` (YAML files in ``readmit/scenarios``),
:mod:`~readmit.savings.montecarlo`, :mod:`~readmit.savings.sensitivity`,
:mod:`~readmit.savings.figures`, :mod:`~readmit.savings.baselines` (from an
extract), :mod:`~readmit.savings.prepare`, :mod:`~readmit.savings.report`,
:mod:`~readmit.savings.cli` and :mod:`~readmit.savings.notebook`.

    >>> from readmit.savings import saving
    >>> saving(0.10, bed_days=90_000, ukp_days=21_936)
    302904000.0
"""
from __future__ import annotations

from readmit.savings.formula import saving
from readmit.savings.montecarlo import monte_carlo_savings
from readmit.savings.scenarios import load_scenario, shipped_scenarios
from readmit.savings.sensitivity import tornado

__all__ = ["saving", "monte_carlo_savings", "load_scenario", "shipped_scenarios", "tornado"]
