"""Scenarios ready to run: loaded, overridden and given their baseline.

Shared by ``readmit simulate`` and the savings notebook, so both apply the
same rules: given values override a scenario's (and become fixed); an
extract's baseline replaces the scenario's bed days and ready-for-discharge
days (and, for a scenario that reduces six-month mortality, its persons in
the target group and their mortality); the statutory ready-for-discharge rate of a year can replace the
municipality's cost.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from readmit.errors import ParameterError
from readmit.savings import baselines
from readmit.savings.formula import REDUCTION
from readmit.savings.scenarios import Scenario, load_scenario, scenario_from_mapping

_BASELINE = {"bed_days", "ukp_days"}
#: Taken from an extract when a scenario reduces six-month mortality (readmit.survival).
_MORTALITY = {"target_persons", "six_month_mortality"}


@dataclass(frozen=True)
class Prepared:
    """Scenarios ready to run, where their baseline came from, and (with an
    extract) the baselines table by year, trust and sector."""

    scenarios: list[Scenario]
    baseline: dict
    table: pd.DataFrame | None = field(default=None, repr=False)


def formula_scenario() -> Scenario:
    """The plain formula of definitions.md as a one-year scenario (reduction 0.10).

    Examples
    --------
    >>> formula_scenario().base_values()
    {'reduction': 0.1}
    """
    return scenario_from_mapping({"name": "formula", "title": "Savings formula (definitions.md)",
                                  "parameters": {"reduction": REDUCTION}})


def prepared_scenarios(scenarios: Sequence[str] = (), values: Mapping[str, object] | None = None,
                       *, extract: str | None = None, year: int | None = None,
                       trust: str | None = None, sector: str | None = None,
                       statutory_ukp_rate: bool = False) -> Prepared:
    """Load scenarios (files or shipped names) and apply values and baselines.

    Parameters
    ----------
    scenarios : sequence of str
        Scenario files or shipped names; empty means the plain formula.
    values : mapping, optional
        Parameter values (numbers or distribution specs) for every scenario.
    extract : str, optional
        Take ``bed_days`` and ``ukp_days`` from this extract (not together
        with given ``bed_days``/``ukp_days``); and, when a scenario sets
        ``mortality_reduction``, ``target_persons`` and ``six_month_mortality``
        (ready-for-discharge patients readmitted within 30 days, with the
        Kaplan–Meier uncertainty: :func:`readmit.survival.mortality_baseline`)
        unless they are given.
    year, trust, sector : optional
        Which part of the extract's baseline (default: the last full calendar
        year of the extract, all trusts and sectors); ``year`` is also the
        year of the statutory rate.
    statutory_ukp_rate : bool
        Price the municipality's ready-for-discharge day at the statutory
        rate of the year (not together with a given ``ukp_cost_municipality``).

    Returns
    -------
    Prepared

    Examples
    --------
    >>> p = prepared_scenarios([], {"bed_days": 100968})
    >>> p.scenarios[0].base_values()
    {'reduction': 0.1, 'bed_days': 100968.0, 'ukp_days': 0.0}
    >>> prepared_scenarios(["psht_team"], {"bed_day_cost": 35000}).scenarios[0].parameters["bed_day_cost"].base
    35000.0
    """
    values = dict(values or {})
    loaded = [load_scenario(s) for s in scenarios] or [formula_scenario()]
    baseline: dict = {"source": "given" if _BASELINE & set(values) else "scenario"}
    table = None
    if extract:
        if _BASELINE & set(values):
            raise ParameterError("give either an extract or bed_days/ukp_days, not both")
        import readmit

        mortality = None
        with readmit.open(extract) as ex:
            table = baselines.readmission_baselines(ex)
            if year is None:
                year = last_full_year(ex.end_date)
            if _reduces_mortality(loaded, values) and not _MORTALITY & set(values):
                from readmit.survival import mortality_baseline

                mortality = mortality_baseline(readmit.Readmissions(ex, sector=sector),
                                               year=year, trust=trust)
        chosen = baselines.baseline_for_year(table, year, trust=trust, sector=sector)
        values.update(bed_days=chosen["bed_days"], ukp_days=chosen["ukp_days"])
        baseline = {"source": f"extract {extract}", **chosen, "trust": trust, "sector": sector}
        if mortality is not None:
            values.update({k: mortality[k] for k in _MORTALITY})
            row = mortality["table"].iloc[0]
            baseline.update(target=row["target"], target_persons=float(row["persons_per_year"]),
                            six_month_mortality=float(row["mortality"]),
                            six_month_mortality_ci=[float(row["mortality_ci_low"]),
                                                    float(row["mortality_ci_high"])],
                            mortality_years=row["years"])
    elif not scenarios:
        if not _BASELINE & set(values):
            raise ParameterError("no baseline: give --bed-days (and --ukp-days), --extract DIR "
                                 "or a --scenario that sets them")
        values.setdefault("bed_days", 0.0)
        values.setdefault("ukp_days", 0.0)
    if statutory_ukp_rate:
        if "ukp_cost_municipality" in values:
            raise ParameterError("give either the statutory rate or ukp_cost_municipality, not both")
        rate_year = year if year is not None else baseline.get("year")
        if rate_year is None:
            raise ParameterError("the statutory ready-for-discharge rate needs a year (or an extract)")
        values["ukp_cost_municipality"] = baselines.statutory_ukp_rate(int(rate_year))
        baseline["ukp_rate_year"] = int(rate_year)
    return Prepared([s.with_values(**values) for s in loaded], baseline, table)


def _reduces_mortality(scenarios: Sequence[Scenario], values: Mapping[str, object]) -> bool:
    """Whether a scenario (or a given value) sets a reduction of six-month mortality."""
    return "mortality_reduction" in values or any(
        "mortality_reduction" in s.parameters for s in scenarios)


def last_full_year(end_date) -> int | None:
    """The last calendar year an extract covers in full (its end date's year
    if that is 31 December, else the year before); ``None`` if unknown.

    Examples
    --------
    >>> import datetime as dt
    >>> last_full_year(dt.date(2020, 1, 14)), last_full_year(dt.date(2019, 12, 31))
    (2019, 2019)
    """
    if end_date is None:
        return None
    return end_date.year if (end_date.month, end_date.day) == (12, 31) else end_date.year - 1
