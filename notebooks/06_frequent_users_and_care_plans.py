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
# # Frequent users and care plans
#
# A small group of patients uses much of the hospital's beds, and a small
# group of callers makes many of the contacts with the emergency services.
# This notebook measures both (definitions.md, "Frequent users"):
#
# - **Concentration**: per discharge year and sector, the share of bed days
#   (`los_days` of the stays discharged that year) or of DRG weight
#   (`korrvekt`) used by the top 1, 5 and 10 % of persons, the Gini
#   coefficient and the Lorenz curve;
# - **Heavy users in hospital** (stormottakere): 4 or more acute stays whose
#   admissions fall within 365 days;
# - **Frequent users of AMK and legevakt** (multibrukere): `threshold` (10)
#   or more contacts with one service in a calendar year (`rolling=True`: in
#   any 365 days); shared frequent users are frequent with both the same year;
# - **Care plans** (handlingsplaner): contacts per month in the year before
#   and the year after a plan's start, beside a comparison group of frequent
#   users without a plan, each given a pseudo-start, so that the fall every
#   group selected at its peak shows anyway (regression to the mean) is not
#   credited to the plan.
#
# Some tables here are person-level (one row per person): they stay inside
# the secure server.

# %% tags=["parameters"]
# The extract folder (Parquet or CSV files).
extract_dir = "../data/synthetic/helse-vest"
# Discharge (and contact) years to analyse, e.g. "2014-2019"; None: every year.
years = None
# The stay rule: episodes less than this many hours apart form one stay.
transfer_hours = 8.0
# Contacts with a service in a calendar year that make a frequent user.
threshold = 10
# Months before and after a care plan's start.
months = 12
# The language of the charts: "nb" (bokmål) or "en".
lang = "en"

# %%
import readmit

ex = readmit.open(extract_dir)
r = readmit.Readmissions(ex, transfer_hours=transfer_hours, years=years)
r

# %% [markdown]
# ## How concentrated the use is
#
# `n_persons` used some of the measure that year in that sector; the top-k
# share is the use of the ⌈k·n/100⌉ persons with the most over everyone's
# (which of tied persons is taken does not change it). `n_top1`, `n_top5`,
# `n_top10` say how many persons each share rests on.

# %%
concentration = r.resource_concentration()
concentration

# %%
readmit.concentration_figure(concentration, measure="bed_days", lang=lang)

# %% [markdown]
# The Lorenz curve of the latest year: the share of the use of the least-using
# share of persons. The further below the diagonal, the more concentrated.

# %%
readmit.lorenz_figure(r.lorenz_curve(measure="bed_days"), lang=lang)

# %% [markdown]
# Are the heaviest users the same persons next year? `persistence` is the
# share of one year's top 5 % still among the next year's top 5 %.

# %%
r.top_user_persistence(top_percent=5, measure="bed_days")

# %% [markdown]
# ## Heavy users in hospital
#
# Their share of bed days, of ready-for-discharge days and of readmissions
# (the stays that are readmissions of an eligible index stay under the rule),
# by year; then a Table 1 of heavy users beside the other patients.

# %%
heavy = r.heavy_user_shares()
heavy

# %%
readmit.heavy_user_share_figure(heavy, lang=lang)

# %%
r.heavy_user_table_one(lang=lang)

# %% [markdown]
# ## Frequent users of AMK and legevakt
#
# Per year and service (`both`: persons in contact with both that year,
# frequent with both): persons, frequent users, contacts, the frequent users'
# contacts and their share.

# %%
callers = r.frequent_callers(threshold=threshold)
callers

# %% [markdown]
# The frequent users' contacts by urgency (`hastegrad`) and outcome
# (`utfall`) beside everyone else's, and their contacts month by month.

# %%
mix = r.frequent_caller_contacts(threshold=threshold)
readmit.frequent_caller_contacts_figure(mix, variable="hastegrad", lang=lang)

# %%
readmit.frequent_caller_contacts_figure(mix, variable="utfall", lang=lang)

# %%
readmit.frequent_caller_trend_figure(r.frequent_caller_trend(threshold=threshold), lang=lang)

# %% [markdown]
# ## What care plans change
#
# The panel (person-level: secure server only) has one row per person and
# month around the start: the planned group from their plan's start (their
# first plan), the comparison group from a pseudo-start, their own qualifying
# day plus one of the planned group's lags. Both keep only starts whose whole
# window lies inside the contact data, and persons alive at the start; a
# death ends the follow-up.

# %%
panel = r.care_plan_panel(months=months, threshold=threshold)
panel.head()

# %% [markdown]
# Contacts per person-month in each group, month by month, with 95 %
# intervals over persons. The comparison group shows what happens without a
# plan.

# %%
readmit.care_plan_figure(readmit.care_plan_monthly(panel), lang=lang)

# %% [markdown]
# The estimates, from a Poisson model of the person-month counts with
# person-clustered errors: the planned group's after/before rate ratio (the
# naive estimate), the comparison group's (regression to the mean and time
# trends), and their ratio, the difference in differences — the estimate of
# what the plans themselves change. A ratio below 1 is a fall. It is not a
# randomised comparison: who gets a plan is chosen, and the groups may differ
# in ways the model does not see.

# %%
readmit.care_plan_rate_ratios(panel)
