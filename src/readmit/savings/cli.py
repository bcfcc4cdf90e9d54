"""``readmit simulate``: the savings formula, scenarios and Monte Carlo from
the command line.

Without ``--scenario`` it prices the formula of definitions.md (reduction
0.10 unless given); with one or more scenario files (or shipped scenario
names) it runs each. Flags override the scenario's values (a flag makes the
parameter fixed); ``--extract`` takes the baseline bed days and
ready-for-discharge days from data. ``--json`` prints one object: ``saving``
(the deterministic gross saving per year) and, with ``--draws``, ``mean``,
``p05``, ``p50``, ``p95`` of it, for the first scenario, with every
scenario's full result under ``scenarios``.
"""
from __future__ import annotations

import json
import math
from argparse import Namespace

import numpy as np

from readmit.errors import ParameterError
from readmit.savings.model import OUTCOMES, PARAMETERS, outcomes
from readmit.savings.montecarlo import monte_carlo_savings
from readmit.savings.prepare import prepared_scenarios
from readmit.savings.scenarios import Scenario

_FLAGS = ("bed_days", "ukp_days", "reduction", "bed_day_cost", "ukp_cost_municipality",
          "ukp_cost_hospital")


def simulate_command(args: Namespace) -> int:
    """Run ``readmit simulate``; returns the exit code (errors raise ParameterError)."""
    if args.draws is not None and args.draws < 0:
        raise ParameterError(f"--draws must be >= 0, not {args.draws}")
    values = {k: getattr(args, k) for k in _FLAGS if getattr(args, k, None) is not None}
    prepared = prepared_scenarios(
        args.scenario or [], values, extract=args.extract, year=getattr(args, "year", None),
        trust=getattr(args, "trust", None), sector=getattr(args, "sector", None),
        statutory_ukp_rate=getattr(args, "statutory_ukp_rate", False))
    results = [scenario_result(s, args.draws, args.seed, prepared.baseline)
               for s in prepared.scenarios]
    if args.json:
        first = {k: results[0][k] for k in ("saving", "mean", "p05", "p50", "p95") if k in results[0]}
        print(json.dumps({**first, "scenarios": results}, indent=2, ensure_ascii=False))
    else:
        for r in results:
            print(result_text(r))
    return 0


def scenario_result(scenario: Scenario, draws: int, seed: int | None, baseline: dict) -> dict:
    """Deterministic and (with draws) Monte Carlo results of one scenario, as plain data."""
    base = outcomes(scenario.base_values(), scenario.horizon_years, scenario.components)
    result = {
        "scenario": scenario.name, "title": scenario.title, "saving": base["gross_saving_per_year"],
        "horizon_years": scenario.horizon_years, "components": scenario.components,
        "baseline": baseline,
        "parameters": {k: d.describe() for k, d in scenario.parameters.items()},
        "outcomes": {k: {"base": _plain(v)} for k, v in base.items()},
    }
    if draws:
        sim = monte_carlo_savings(scenario, draws, seed)
        summary = sim.summary()
        gross = summary.loc["gross_saving_per_year"]
        result.update(draws=draws, seed=sim.seed,
                      **{k: float(gross[k]) for k in ("mean", "p05", "p50", "p95")})
        for name in OUTCOMES:
            row = summary.loc[name]
            result["outcomes"][name].update({k: _plain(row[k]) for k in ("mean", "p05", "p50", "p95")})
    if scenario.horizon_years > 1:
        result["per_year"] = [{k: _plain(v) for k, v in row.items()} for row in
                              _per_year_records(scenario)]
    return result


def result_text(r: dict) -> str:
    """A short plain-text report of one :func:`scenario_result`."""
    lines = [f"{r['title']} ({r['scenario']}), horizon {r['horizon_years']} year(s)",
             f"  baseline: {r['baseline'].get('source')}"
             + (f", year {r['baseline']['year']}" if "year" in r["baseline"] else "")]
    off = [k for k, on in r["components"].items() if not on]
    if off:
        lines.append(f"  cost components off: {', '.join(off)}")
    for name, text in r["parameters"].items():
        lines.append(f"  {PARAMETERS[name][1]:<50} {text}")
    lines.append(f"  saving (deterministic, per year): {_nok(r['saving'])}")
    if "draws" in r:
        lines.append(f"  Monte Carlo, {r['draws']:,} draws, seed {r['seed']}:")
        lines.append(f"    {'outcome':<56}{'base':>16}{'mean':>16}{'5%':>16}{'95%':>16}")
        for name, o in r["outcomes"].items():
            lines.append(f"    {OUTCOMES[name]:<56}" + "".join(
                f"{_num(o.get(k)):>16}" for k in ("base", "mean", "p05", "p95")))
    else:
        for name in ("net_saving", "roi", "break_even_cost", "deaths_averted"):
            lines.append(f"  {OUTCOMES[name]}: {_num(r['outcomes'][name]['base'])}")
    return "\n".join(lines) + "\n"


def _per_year_records(scenario: Scenario):
    from readmit.savings.model import per_year

    return per_year(scenario.base_values(), scenario.horizon_years,
                    scenario.components).to_dict("records")


def _plain(v):
    v = float(v)
    return None if math.isnan(v) else v


def _num(v) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    return f"{v:,.0f}".replace(",", " ") if abs(v) >= 100 else f"{v:.3g}"


def _nok(v: float) -> str:
    return f"{_num(v)} NOK"
