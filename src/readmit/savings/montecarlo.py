"""Seeded, vectorised Monte Carlo over a scenario's parameter distributions.

Each parameter draws from its own random stream, seeded by ``(seed, its
position in PARAMETERS)``: the same seed gives the same draws, a parameter's
draws do not change when another parameter gets a distribution, and two
scenarios run with one seed share their draws of common parameters (common
random numbers), so their difference is not blurred by sampling noise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from readmit.errors import ParameterError
from readmit.savings.model import OUTCOMES, PARAMETERS, full_values, outcomes, per_year
from readmit.savings.scenarios import Scenario

QUANTILES = {"p05": 0.05, "p50": 0.50, "p95": 0.95}
_POSITION = {name: i for i, name in enumerate(PARAMETERS)}


@dataclass(frozen=True)
class Simulation:
    """The result of :func:`monte_carlo_savings`."""

    scenario: Scenario
    seed: int
    parameters: dict[str, np.ndarray]
    outcomes: dict[str, np.ndarray]
    base: dict[str, float]

    @property
    def draws(self) -> int:
        return len(next(iter(self.outcomes.values())))

    def summary(self) -> pd.DataFrame:
        """One row per outcome: ``base`` (deterministic), ``mean``, ``p05``, ``p50``, ``p95``."""
        rows = []
        for name, label in OUTCOMES.items():
            x = self.outcomes[name]
            finite = x[np.isfinite(x)]
            stats = {"mean": np.nan, **dict.fromkeys(QUANTILES, np.nan)}
            if finite.size:
                stats = {"mean": finite.mean(),
                         **dict(zip(QUANTILES, np.quantile(finite, list(QUANTILES.values()))))}
            rows.append({"outcome": name, "label": label, "base": self.base[name], **stats})
        return pd.DataFrame(rows).set_index("outcome")

    def per_year(self) -> pd.DataFrame:
        """The base case year by year (see :func:`readmit.savings.model.per_year`)."""
        return per_year(self.scenario.base_values(), self.scenario.horizon_years,
                        self.scenario.components)

    def cumulative_net_saving(self) -> pd.DataFrame:
        """Cumulative discounted net saving at the end of each year, over the
        draws: columns ``year``, ``mean``, ``p05``, ``p50``, ``p95`` (NOK).

        Examples
        --------
        >>> from readmit.savings.scenarios import load_scenario
        >>> sim = monte_carlo_savings(load_scenario("psht_team"), 1000, seed=3)
        >>> sim.cumulative_net_saving()["year"].tolist()
        [1, 2, 3, 4, 5]
        """
        v = full_values(self.parameters)
        gross = self.outcomes["gross_saving_per_year"]
        rows, factor = [], np.zeros(self.draws)
        for year in range(1, self.scenario.horizon_years + 1):
            factor = factor + (1 + np.asarray(v["discount_rate"], float)) ** -(year - 1.0)
            cum = (gross * factor - v["intervention_start_cost"]
                   - np.asarray(v["intervention_cost_per_year"], float) * factor)
            rows.append({"year": year, "mean": float(np.mean(cum)),
                         **dict(zip(QUANTILES, np.quantile(cum, list(QUANTILES.values()))))})
        return pd.DataFrame(rows)


def parameter_draws(scenario: Scenario, draws: int, seed: int | None = None) -> dict[str, np.ndarray]:
    """``draws`` values of every parameter the scenario sets.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> d = parameter_draws(load_scenario("fewer_readmissions_10"), 1000, seed=1)
    >>> d["bed_days"][:2], bool(0.05 <= d["reduction"].min() <= d["reduction"].max() <= 0.15)
    (array([90000., 90000.]), True)
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ParameterError(f"draws must be a whole number >= 1, not {draws!r}")
    seed = resolved_seed(seed)
    return {name: dist.draws(draws, np.random.default_rng([int(seed), _POSITION[name]]))
            for name, dist in scenario.parameters.items()}


def monte_carlo_savings(scenario: Scenario, draws: int = 100_000,
                        seed: int | None = None) -> Simulation:
    """Simulate a scenario's outcomes ``draws`` times.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Number of draws (100 000 take well under a second).
    seed : int, optional
        Seed; the same seed gives the same draws. ``None`` picks one.

    Returns
    -------
    Simulation
        Draws of parameters and outcomes, the deterministic base case, and
        ``summary()``.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> sim = monte_carlo_savings(load_scenario("fewer_readmissions_10"), 10_000, seed=7)
    >>> sim.base["gross_saving_per_year"]
    302904000.0
    >>> s = sim.summary().loc["gross_saving_per_year"]
    >>> bool(s.p05 < s.p50 < s.p95)
    True
    """
    seed = resolved_seed(seed)
    values = parameter_draws(scenario, draws, seed)
    result = outcomes(values, scenario.horizon_years, scenario.components)
    result = {k: np.broadcast_to(np.asarray(v, float), (draws,)) for k, v in result.items()}
    base = outcomes(scenario.base_values(), scenario.horizon_years, scenario.components)
    return Simulation(scenario, seed, values, result, base)


def resolved_seed(seed: int | None) -> int:
    """``seed`` checked, or a fresh one when ``None`` (recorded in the result).

    Examples
    --------
    >>> resolved_seed(42)
    42
    """
    if seed is None:
        return int(np.random.SeedSequence().entropy % 2**32)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed must be a whole number >= 0, not {seed!r}")
    return int(seed)


def comparison(simulations: list[Simulation], outcome_names=None) -> pd.DataFrame:
    """Scenarios side by side: one row per scenario and outcome.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> sims = [monte_carlo_savings(load_scenario(n), 2000, seed=1)
    ...         for n in ("fewer_readmissions_10", "psht_team")]
    >>> comparison(sims, ["net_saving"]).index.tolist()
    [('10% fewer readmissions', 'net_saving'), ('Patient-centred health team (PSHT)', 'net_saving')]
    """
    names = list(outcome_names or OUTCOMES)
    frames = []
    for sim in simulations:
        s = sim.summary().loc[names].reset_index()
        s.insert(0, "scenario", sim.scenario.title)
        frames.append(s)
    return pd.concat(frames).set_index(["scenario", "outcome"])
