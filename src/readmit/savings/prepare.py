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
from pathlib import Path

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
                       *, extract=None, year: int | None = None,
                       trust: str | None = None, sector: str | None = None,
                       statutory_ukp_rate: bool = False) -> Prepared:
    """Load scenarios (files or shipped names) and apply values and baselines.

    Parameters
    ----------
    scenarios : sequence of str
        Scenario files or shipped names; empty means the plain formula.
    values : mapping, optional
        Parameter values (numbers or distribution specs) for every scenario.
    extract : str, pathlib.Path or readmit.Extract, optional
        Take ``bed_days`` and ``ukp_days`` from this extract folder (or opened
        extract), through :class:`readmit.Readmissions` with its default
        rule (not together with given ``bed_days``/``ukp_days``); and, when a
        scenario sets ``mortality_reduction``, ``target_persons`` and
        ``six_month_mortality`` (ready-for-discharge patients readmitted within
        30 days, with the Kaplan–Meier uncertainty:
        :func:`readmit.survival.mortality_baseline`) unless they are given.
    year, trust, sector : optional
        Which part of the extract's baseline (default: the last full calendar
        year of the extract, all trusts and sectors); ``trust`` by
        ``institusjonID`` or name. ``year`` is also the year of the
        statutory rate.
    statutory_ukp_rate : bool
        Price the municipality's ready-for-discharge day at the statutory
        rate of the year (not together with a given ``ukp_cost_municipality``).

    Returns
    -------
    Prepared
        ``baseline`` says where the baseline came from: ``source`` is
        ``"given"``, ``"scenario"`` or ``"extract"``; with an extract also
        ``extract`` (the folder's name), ``year``, ``n_readmissions``,
        ``bed_days``, ``ukp_days``, ``trust``, ``sector``, ``period`` (the
        discharge years of its eligible index stays) and ``rejected`` (rows
        rejected per file).

    Examples
    --------
    >>> p = prepared_scenarios([], {"bed_days": 100968})
    >>> p.scenarios[0].base_values()
    {'reduction': 0.1, 'bed_days': 100968.0, 'ukp_days': 0.0}
    >>> prepared_scenarios(["psht_team"], {"bed_day_cost": 35000}).scenarios[0].parameters["bed_day_cost"].base
    35000.0
    >>> prepared_scenarios([], {"bed_days": 10}, trust="HFO")
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: trust and sector choose part of an extract's baseline: give extract too
    """
    values = dict(values or {})
    if extract is None and (trust is not None or sector is not None):
        raise ParameterError("trust and sector choose part of an extract's baseline: "
                             "give extract too")
    if extract is None and year is not None and not statutory_ukp_rate:
        raise ParameterError("year is the baseline year of an extract or the year of the "
                             "statutory rate: give extract or statutory_ukp_rate=True too")
    baseline: dict = {"source": "given" if _BASELINE & set(values) else "scenario"}
    table = None
    loaded = [load_scenario(s) for s in scenarios] or [formula_scenario()]
    if extract is not None:
        if _BASELINE & set(values):
            raise ParameterError("give either an extract or bed_days/ukp_days, not both")
        mortality = _reduces_mortality(loaded, values) and not _MORTALITY & set(values)
        table, baseline = extract_baseline(extract, year=year, trust=trust, sector=sector,
                                           mortality=mortality)
        year = baseline["year"]
        values.update(bed_days=baseline["bed_days"], ukp_days=baseline["ukp_days"])
        values.update(baseline.pop("mortality_values", {}))
    elif not scenarios:
        if not _BASELINE & set(values):
            raise ParameterError("no baseline: give bed_days (and ukp_days), an extract "
                                 "or a scenario that sets them")
        values.setdefault("bed_days", 0.0)
        values.setdefault("ukp_days", 0.0)
    if statutory_ukp_rate:
        if "ukp_cost_municipality" in values:
            raise ParameterError("give either the statutory rate or ukp_cost_municipality, not both")
        if year is None:
            raise ParameterError("the statutory ready-for-discharge rate needs a year (or an extract)")
        values["ukp_cost_municipality"] = baselines.statutory_ukp_rate(int(year))
        baseline["ukp_rate_year"] = int(year)
    return Prepared([s.with_values(**values) for s in loaded], baseline, table)


def extract_baseline(extract, *, year: int | None = None, trust: str | None = None,
                     sector: str | None = None, mortality: bool = False
                     ) -> tuple[pd.DataFrame, dict]:
    """The baselines table of an extract (folder or opened extract) and the
    chosen year's baseline (see :func:`prepared_scenarios`); with ``mortality``
    also the target group's persons and six-month mortality
    (``baseline["mortality_values"]``, for the scenario's values)."""
    import readmit
    from readmit.loader import Extract

    if isinstance(extract, Extract):
        return _baseline_of(extract, year, trust, sector, mortality)
    with readmit.open(extract) as ex:
        return _baseline_of(ex, year, trust, sector, mortality)


def _baseline_of(ex, year, trust, sector, mortality=False) -> tuple[pd.DataFrame, dict]:
    import readmit

    rule = readmit.Readmissions(ex)
    table = baselines.readmission_baselines(rule)
    period = rule.period()
    if year is None:
        year = last_full_year(ex.end_date)
        if period is not None and year is not None:
            year = min(max(year, period[0]), period[1])
    code = None if trust is None else baselines.trust_code(trust)
    chosen = baselines.baseline_for_year(table, year, trust=code, sector=sector)
    baseline = {"source": "extract", "extract": Path(str(ex.path)).name, **chosen,
                "trust": code, "sector": sector,
                "period": None if period is None else list(period),
                "rejected": {name: int(c.get("rejected", 0)) for name, c in ex.counts.items()
                             if c.get("rejected")}}
    if mortality:
        from readmit.survival import mortality_baseline

        found = mortality_baseline(readmit.Readmissions(ex, sector=sector),
                                   year=baseline["year"], trust=code)
        row = found["table"].iloc[0]
        baseline.update(target=row["target"], target_persons=float(row["persons_per_year"]),
                        six_month_mortality=float(row["mortality"]),
                        six_month_mortality_ci=[float(row["mortality_ci_low"]),
                                                float(row["mortality_ci_high"])],
                        mortality_years=row["years"],
                        mortality_values={k: found[k] for k in _MORTALITY})
    return table, baseline


def baseline_text(b: dict) -> str:
    """Where the baseline bed days and ready-for-discharge days came from, and
    the period they cover.

    Examples
    --------
    >>> baseline_text({"source": "extract", "extract": "hv", "year": 2019, "trust": "HFO",
    ...                "sector": None, "period": [2014, 2019]})
    "readmissions discharged in 2019 in extract hv, Helse Fonna (HFO), all sectors (the extract's eligible index stays: 2014-2019)"
    """
    if b.get("source") == "given":
        text = "bed days and ready-for-discharge days per year as given"
    elif b.get("source") == "scenario":
        text = "each scenario's own bed days and ready-for-discharge days per year"
    else:
        period = b.get("period")
        span = "" if not period else (
            f" (the extract's eligible index stays: "
            f"{period[0] if period[0] == period[1] else f'{period[0]}-{period[1]}'})")
        text = f"readmissions discharged in {b['year']} in extract {b.get('extract')}, " \
               f"{scope_text(b)}{span}"
    if "ukp_rate_year" in b:
        text += f"; municipality's day at the statutory rate of {b['ukp_rate_year']}"
    return text


def scope_text(b: dict) -> str:
    """``Helse Fonna (HFO), all sectors``: the part of the extract a baseline covers."""
    from readmit.figures import sector_name

    trust = "all trusts" if not b.get("trust") else baselines.trust_label(b["trust"])
    sector = "all sectors" if not b.get("sector") else sector_name(b["sector"], lang="en")
    return f"{trust}, {sector}"


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


def _reduces_mortality(scenarios: Sequence[Scenario], values: Mapping[str, object]) -> bool:
    """Whether a scenario (or a given value) sets a reduction of six-month mortality."""
    return "mortality_reduction" in values or any(
        "mortality_reduction" in s.parameters for s in scenarios)
