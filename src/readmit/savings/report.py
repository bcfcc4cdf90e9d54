"""Notebook building blocks: short sections of the savings notebook that
display several outputs or a formatted note, so the notebook itself holds
no logic beyond calling them.
"""
from __future__ import annotations

import html

import pandas as pd

from readmit.savings import figures
from readmit.errors import ParameterError
from readmit.savings.baselines import masked_baselines, small_baseline
from readmit.savings.montecarlo import Simulation
from readmit.savings.prepare import Prepared, baseline_text, scope_text
from readmit.savings.sensitivity import tornado


class HTML(str):
    """A string that Jupyter shows as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def baseline_note(prepared: Prepared, draws: int, seed: int) -> HTML:
    """Where the baseline came from and the period it covers, the draws and
    the seed, as an HTML note; with an extract, the baselines table too
    (counts 1-4 shown as ``<5``) and the rows it rejected.

    A baseline of an extract resting on 1-4 readmissions is refused
    (ParameterError): the page would reveal them.

    Examples
    --------
    >>> from readmit.savings.prepare import prepared_scenarios
    >>> "as given" in baseline_note(prepared_scenarios([], {"bed_days": 10}), 100, 1)
    True
    """
    b = prepared.baseline
    if small_baseline(b):
        raise ParameterError(f"the baseline ({scope_text(b)}, {b['year']}) rests on fewer than "
                             "5 readmissions, which the page would reveal; choose a wider one")
    parts = [f"Baseline: {html.escape(baseline_text(b))}",
             f"{draws:,} Monte Carlo draws".replace(",", " ") + f", seed {seed}"]
    out = "<p>" + "; ".join(parts) + ".</p>"
    rejected = b.get("rejected") or {}
    if rejected:
        out += ("<p>Rows the extract's files failed to type and that were left out "
                "(<code>readmit check</code> gives the reasons): "
                + ", ".join(f"{html.escape(k)} {v:,}".replace(",", " ") for k, v in rejected.items())
                + ".</p>")
    if prepared.table is not None:
        out += ("<p>Readmission bed days and ready-for-discharge days in the extract "
                "(readmissions of eligible index stays; counts of 1-4 shown as &lt;5):</p>"
                + masked_baselines(prepared.table).to_html(index=False, classes="baselines"))
    return HTML(out)


def parameter_section(scenarios, *, lang: str = "en") -> HTML:
    """The values every scenario runs with (:func:`figures.parameter_table`), untruncated.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> "12 000 000" in parameter_section([load_scenario("psht_team")])
    True
    """
    with pd.option_context("display.max_colwidth", None):
        return HTML(figures.parameter_table(scenarios, lang=lang).to_html(
            classes="dataframe parameters"))


def per_year_table(sims: list[Simulation]) -> pd.DataFrame:
    """The base case of each scenario year by year, NOK million, for reading.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> t = per_year_table([monte_carlo_savings(load_scenario("psht_team"), 10, seed=1)])
    >>> t.shape
    (5, 5)
    >>> t.iloc[0, 1]
    '14.0'
    """
    frames = []
    for sim in sims:
        t = sim.per_year()
        frames.append(pd.DataFrame({
            "Scenario": sim.scenario.title, "Year": t["year"],
            "Gross saving": t["gross_saving"], "Intervention cost": t["intervention_cost"],
            "Net saving": t["net_saving"],
            "Discounted net saving": t["discounted_net_saving"],
            "Cumulative (discounted)": t["cumulative_net_saving"]}))
    table = pd.concat(frames).set_index(["Scenario", "Year"])
    table = table.map(lambda v: figures.money(v / figures.MILLION, lang="en"))
    table.columns = [f"{c} (NOK million)" for c in table.columns]
    return table


def sensitivity_section(sims: list[Simulation], outcome: str = "net_saving", *,
                        lang: str = "en") -> None:
    """Display, for each scenario, its description, histogram and tornado chart."""
    from IPython.display import display

    for sim in sims:
        s = sim.scenario
        note = f"<h3>{html.escape(s.title)}</h3><p>{html.escape(s.description)}</p>"
        if s.source:
            note += f"<p class='source'>Source: {html.escape(s.source)}</p>"
        display(HTML(note))
        display(figures.histogram(sim, outcome, lang=lang))
        display(figures.tornado_chart(tornado(s, outcome), s.label(lang), outcome, lang=lang))
