# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # What fewer readmissions would save: scenarios compared
#
# The savings formula of the Helse Vest pre-project report
# (`saving = r × (readmission bed days × bed-day cost + readmission
# ready-for-discharge days × (municipality cost + hospital cost))`), extended
# to named interventions with their own effects and costs. Every uncertain
# value is drawn from its distribution (Monte Carlo); the base case uses each
# distribution's most likely value. Money is in NOK million, discounted over
# each scenario's horizon where stated.
#
# Run it with other values from the command line, for instance
# `readmit run-notebook --scenario psht_team --scenario my_team.yaml --param bed_day_cost=35000 --out result.html`.

# %% tags=["parameters"]
# Scenario files, or names of the scenarios shipped with readmit.
scenarios = ["fewer_readmissions_10", "psht_team", "hospital_at_home", "faster_municipal_reception"]
# Values for every scenario, e.g. {"bed_day_cost": 35000} or
# {"reduction": {"distribution": "triangular", "low": 0.05, "mode": 0.1, "high": 0.2}}.
values = {}
draws = 100_000
seed = 2020
# Take the baseline bed days and ready-for-discharge days from this extract folder.
extract = None
year = None
trust = None
sector = None
statutory_ukp_rate = False
# The outcome the charts show: net_saving, gross_saving_per_year, roi, ...
outcome = "net_saving"

# %%
from readmit.savings import figures
from readmit.savings.montecarlo import monte_carlo_savings
from readmit.savings.prepare import prepared_scenarios
from readmit.savings.report import (baseline_note, parameter_section, per_year_table,
                                     sensitivity_section)

prepared = prepared_scenarios(scenarios, values, extract=extract, year=year, trust=trust,
                              sector=sector, statutory_ukp_rate=statutory_ukp_rate)
sims = [monte_carlo_savings(s, draws, seed) for s in prepared.scenarios]
baseline_note(prepared, draws, sims[0].seed)

# %% [markdown]
# ## The values each scenario ran with

# %%
parameter_section(prepared.scenarios)

# %% [markdown]
# ## Scenarios side by side
#
# Base case, mean and 90% interval of the draws. The break-even running cost
# is what the intervention could cost per year and still pay for itself.

# %%
figures.comparison_table(sims, lang="en")

# %%
figures.comparison_chart(sims, outcome, lang="en")

# %%
figures.comparison_chart(sims, "gross_saving_per_year", lang="en")

# %%
figures.cumulative_chart(sims, lang="en")

# %% [markdown]
# ## Year by year (base case)

# %%
per_year_table(sims)

# %% [markdown]
# ## Each scenario: uncertainty and one-way sensitivity
#
# The histogram shows the spread of the outcome over the draws, with the 90%
# interval shaded. The tornado moves one value at a time over its 5th-95th
# percentile (or ±20% for a fixed value), the others held at the base case,
# largest swing on top.

# %%
sensitivity_section(sims, outcome)
