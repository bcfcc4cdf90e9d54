"""``readmit simulate``: the savings formula, scenarios and Monte Carlo from
the command line.

Without ``--scenario`` it prices the formula of definitions.md (reduction
0.10 and the pre-project's costs unless given); with one or more scenario
files (or shipped scenario names) it runs each and prints them side by side
in one table. Flags override the scenario's values (a flag makes the
parameter fixed); ``--extract`` takes the baseline bed days and
ready-for-discharge days from data. ``--json`` prints one object: ``saving``
(the deterministic gross saving per year) and, with ``--draws``, ``mean``,
``p05``, ``p50``, ``p95`` of it, for the first scenario, with every
scenario's full result under ``scenarios`` (numbers as numbers; an uncertain
parameter as its distribution's fields and ``base``).
"""
from __future__ import annotations

import json
import math
import sys
from argparse import Namespace

import numpy as np

from readmit.errors import ParameterError
from readmit.savings.baselines import small_baseline
from readmit.savings.model import OUTCOMES, PARAMETERS, outcomes
from readmit.savings.montecarlo import monte_carlo_savings, resolved_seed
from readmit.savings.prepare import baseline_text, prepared_scenarios, scope_text
from readmit.savings.scenarios import Scenario

_FLAGS = ("bed_days", "ukp_days", "reduction", "bed_day_cost", "ukp_cost_municipality",
          "ukp_cost_hospital")
#: The parameters of the formula of definitions.md: always shown, with their defaults.
FORMULA_PARAMETERS = ("reduction", "bed_days", "ukp_days", "bed_day_cost",
                      "ukp_cost_municipality", "ukp_cost_hospital")
#: What the plain formula reports (it has no horizon and no intervention cost).
FORMULA_OUTCOMES = ("gross_saving_per_year", "avoided_bed_days", "avoided_ukp_days")
FORMULA_TEXT = ("saving = reduction x (bed days x bed-day cost + ready-for-discharge days x "
                "(municipality's + hospital's cost of a ready-for-discharge day))")


def simulate_command(args: Namespace) -> int:
    """Run ``readmit simulate``; returns the exit code (errors raise ParameterError)."""
    _check_flags(args)
    values = {k: getattr(args, k) for k in _FLAGS if getattr(args, k, None) is not None}
    if not args.scenario and not args.extract and not {"bed_days", "ukp_days"} & set(values):
        raise ParameterError("no baseline: give --bed-days (and --ukp-days), --extract "
                             "EXTRACT_DIR or a --scenario that sets them")
    options = dict(year=args.year, trust=args.trust, sector=args.sector,
                   statutory_ukp_rate=args.statutory_ukp_rate)
    if args.extract:
        import readmit
        from readmit.cli.common import warn_rejects

        with readmit.open(args.extract) as ex:
            warn_rejects(ex, args.extract)
            prepared = prepared_scenarios(args.scenario or [], values, extract=ex, **options)
    else:
        prepared = prepared_scenarios(args.scenario or [], values, **options)
    suppress = not getattr(args, "no_suppress", False)
    if suppress:
        _refuse_small_baseline(prepared.baseline)
    seed = resolved_seed(args.seed) if args.draws else None
    results = [scenario_result(s, args.draws, seed, prepared.baseline)
               for s in prepared.scenarios]
    same = [r["scenario"] for r in results if args.draws and not r["uncertain"]]
    every = len(same) == len(results)
    if args.json:
        first = {k: results[0][k] for k in ("saving", "mean", "p05", "p50", "p95") if k in results[0]}
        print(json.dumps({**first, "scenarios": results}, indent=2, ensure_ascii=False))
        if same:
            print(f"readmit simulate: {_same_note(same, args.draws, every=every)}",
                  file=sys.stderr)
    else:
        print(comparison_text(results, formula_mode=not args.scenario))
        if same:
            print(f"note: {_same_note(same, args.draws, every=every)}")
    if not suppress and prepared.baseline.get("source") == "extract":
        print("not suppressed (--no-suppress): keep these results inside the secure server",
              file=sys.stderr)
    return 0


def _check_flags(args: Namespace) -> None:
    if args.draws < 0:
        raise ParameterError(f"--draws must be >= 0, not {args.draws}")
    if not args.extract and (args.trust is not None or args.sector is not None):
        raise ParameterError("--trust and --sector choose part of the baseline of --extract: "
                             "give --extract EXTRACT_DIR too")
    if not args.extract and args.year is not None and not args.statutory_ukp_rate:
        raise ParameterError("--year is the baseline year of --extract or the year of "
                             "--statutory-ukp-rate: give one of them too")


def _refuse_small_baseline(baseline: dict) -> None:
    if small_baseline(baseline):
        raise ParameterError(
            f"the baseline ({scope_text(baseline)}, {baseline['year']}) rests on fewer than 5 "
            "readmissions, which its results would reveal; choose a wider one, or "
            "--no-suppress for your own work inside the secure server")


def _same_note(names: list[str], draws: int, *, every: bool) -> str:
    n = f"{draws:,}".replace(",", " ")
    if every:
        return (f"no parameter is uncertain, so all {n} draws equal the base case; a scenario "
                "with distributions (e.g. --scenario fewer_readmissions_10) has an interval")
    return (f"no parameter of {', '.join(names)} is uncertain, so its {n} draws all equal "
            "its base case")


def scenario_result(scenario: Scenario, draws: int, seed: int | None, baseline: dict) -> dict:
    """Deterministic and (with draws) Monte Carlo results of one scenario, as plain data."""
    base = outcomes(scenario.base_values(), scenario.horizon_years, scenario.components)
    shown = [p for p in PARAMETERS if p in scenario.parameters or p in FORMULA_PARAMETERS]
    result = {
        "scenario": scenario.name, "title": scenario.title, "saving": base["gross_saving_per_year"],
        "horizon_years": scenario.horizon_years, "components": scenario.components,
        "baseline": baseline,
        "parameters": {p: parameter_value(scenario, p) for p in shown},
        "defaults": [p for p in shown if p not in scenario.parameters],
        "uncertain": sorted(p for p, d in scenario.parameters.items() if not d.is_fixed),
        "outcomes": {k: {"base": _plain(v)} for k, v in base.items()},
    }
    if draws:
        sim = monte_carlo_savings(scenario, draws, seed)
        summary = sim.summary()
        gross = summary.loc["gross_saving_per_year"]
        result.update(draws=draws, seed=sim.seed,
                      **{k: _plain(gross[k]) for k in ("mean", "p05", "p50", "p95")})
        for name in OUTCOMES:
            row = summary.loc[name]
            result["outcomes"][name].update({k: _plain(row[k]) for k in ("mean", "p05", "p50", "p95")})
    if scenario.horizon_years > 1:
        result["per_year"] = [{k: _plain(v) for k, v in row.items()} for row in
                              _per_year_records(scenario)]
    return result


def parameter_value(scenario: Scenario, name: str):
    """A parameter as JSON: a number, or its distribution's fields with
    ``base`` (the base case) and ``p05``, ``p95`` (its 5th and 95th percentiles).

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> s = load_scenario("fewer_readmissions_10")
    >>> parameter_value(s, "bed_days"), parameter_value(s, "ukp_cost_hospital")["mode"]
    (90000.0, 10000.0)
    >>> parameter_value(s, "target_share")
    1.0
    """
    dist = scenario.parameters.get(name)
    if dist is None:
        return _plain(PARAMETERS[name][0])
    if dist.is_fixed:
        return _plain(dist.base)
    fields = {k: _plain(v) for k, v in dist.spec.items() if k not in {"distribution", "value"}}
    return {"distribution": dist.kind, **fields, "base": _plain(dist.base),
            "p05": _plain(dist.quantile(0.05)), "p95": _plain(dist.quantile(0.95))}


def comparison_text(results: list[dict], *, formula_mode: bool = False) -> str:
    """The scenarios side by side in one plain-text table: what each ran with,
    then its results (base case; with draws their mean and 90% interval).

    Examples
    --------
    >>> from readmit.savings.prepare import prepared_scenarios
    >>> p = prepared_scenarios([], {"bed_days": 100968})
    >>> text = comparison_text([scenario_result(p.scenarios[0], 0, None, p.baseline)],
    ...                        formula_mode=True)
    >>> print(text.splitlines()[-5])
      Ready-for-discharge day, hospital (NOK)        10 000 (default)
    >>> print(text.splitlines()[-3])
      Gross saving per year (NOK)                         302 904 000
    """
    rows: list[tuple[str, list[str]]] = [("Parameters", [])]
    names = [p for p in PARAMETERS if any(p in r["parameters"] for r in results)]
    uncertain = False
    for p in names:
        cells = []
        for r in results:
            cell = _parameter_cell(r["parameters"].get(p, PARAMETERS[p][0]))
            uncertain |= isinstance(r["parameters"].get(p), dict)
            default = p in r["defaults"] or p not in r["parameters"]
            cells.append(cell + (" (default)" if default else ""))
        rows.append((f"  {PARAMETERS[p][1]}", cells))
    if not formula_mode:
        rows.append(("  Horizon (years)", [str(r["horizon_years"]) for r in results]))
        rows.append(("  Cost components left out", [
            ", ".join(k for k, on in r["components"].items() if not on) or "none"
            for r in results]))
    rows.append(("Results" + ("" if formula_mode else " (per year unless over the horizon)"), []))
    for name in _outcomes_shown(results, formula_mode):
        rows.append((f"  {OUTCOMES[name]}", [_num(r["outcomes"][name]["base"]) for r in results]))
        if any("draws" in r for r in results):
            rows.append(("    mean of the draws", [_num(r["outcomes"][name].get("mean"))
                                                  for r in results]))
            rows.append(("    90% interval", [_interval(r["outcomes"][name]) for r in results]))
    head = ["What fewer readmissions would save" + (", per year" if formula_mode else ""),
            f"formula: {FORMULA_TEXT}", f"baseline: {baseline_text(results[0]['baseline'])}"]
    if any("draws" in r for r in results):
        r = next(r for r in results if "draws" in r)
        n = f"{r['draws']:,}".replace(",", " ")
        head.append(f"Monte Carlo: {n} draws, seed {r['seed']} "
                    "(the same draws of a parameter in every scenario)")
    foot = []
    if uncertain:
        foot.append("a (b-c): base case a; b-c the 5th-95th percentile of the parameter's "
                    "distribution")
    return "\n".join(head + [""] + _table([r["scenario"] for r in results], rows) + foot)


def _outcomes_shown(results: list[dict], formula_mode: bool) -> list[str]:
    if formula_mode:
        return list(FORMULA_OUTCOMES)
    shown = []
    for name in OUTCOMES:
        numbers = [v for r in results for v in r["outcomes"][name].values() if v is not None]
        if any(v != 0 for v in numbers):
            shown.append(name)
    return shown


def _table(headers: list[str], rows: list[tuple[str, list[str]]]) -> list[str]:
    label_width = max(len(label) for label, _ in rows)
    widths = [max([len(h)] + [len(cells[i]) for _, cells in rows if cells])
              for i, h in enumerate(headers)]
    lines = [" " * label_width + "".join(f"  {h:>{w}}" for h, w in zip(headers, widths))]
    for label, cells in rows:
        lines.append((f"{label:<{label_width}}" + "".join(
            f"  {c:>{w}}" for c, w in zip(cells, widths))).rstrip())
    return lines


def _parameter_cell(value) -> str:
    if isinstance(value, dict):
        return f"{_num(value['base'])} ({_num(value['p05'])}-{_num(value['p95'])})"
    return _num(value)


def _interval(o: dict) -> str:
    if o.get("p05") is None or o.get("p95") is None:
        return "–"
    return f"{_num(o['p05'])} to {_num(o['p95'])}"


def _per_year_records(scenario: Scenario):
    from readmit.savings.model import per_year

    return per_year(scenario.base_values(), scenario.horizon_years,
                    scenario.components).to_dict("records")


def _plain(v):
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else v


def _num(v) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    if abs(v) >= 100:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.3g}"
