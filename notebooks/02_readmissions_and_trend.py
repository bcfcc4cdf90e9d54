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
# # Readmissions and the trend: the share readmitted, year by year
#
# The 30-day readmission share is the national quality indicator's measure
# (definitions.md, "Readmission"): of the **index stays** (stays that end with
# the patient alive) with complete follow-up, the share followed by an
# **acute** admission in the same sector within 30 days (720 hours) of
# discharge. Planned admissions and returns from another hospital are never
# readmissions. A patient who dies within the window without a readmission is
# left out of the denominator, as the national indicator does
# (`keep_deaths=True` keeps them in, as not readmitted). Every share comes with
# its Wilson 95 % interval.
#
# This notebook follows the share over the years, per sector and per trust,
# beside the stays whose patients waited in hospital after being ready for
# discharge (utskrivningsklare pasienter), and ends with the national
# indicator for the elderly (67 and over, 11 diagnosis groups).
#
# The tables hold raw counts: you are inside the secure session. Before a
# table leaves it, suppress the small numbers (last section).

# %% tags=["parameters"]
# The extract folder (Parquet or CSV files).
extract_dir = "../data/synthetic/helse-vest"
# Discharge years to analyse, e.g. "2014-2019"; None: every year with complete follow-up.
years = None
# The readmission rule (definitions.md); these are its defaults.
window_days = 30
transfer_hours = 8.0
min_age = None
sector = None
keep_deaths = False
# A trust (institusjonID) to mark in the charts, e.g. "HFO"; None: every trust in colour.
highlight = None
# The language of the charts: "nb" (bokmål) or "en".
lang = "en"

# %%
import readmit
from readmit.analyses import TREND_SUPPRESSION
from readmit.indicator import elderly_indicator, elderly_indicator_figure, suppress_small_counts
from readmit.privacy import displayed

ex = readmit.open(extract_dir)
r = readmit.Readmissions(ex, window_days=window_days, transfer_hours=transfer_hours,
                         min_age=min_age, sector=sector, keep_deaths=keep_deaths, years=years)
r

# %% [markdown]
# ## The share readmitted, year by year and per sector
#
# `trend` counts, per discharge year (and group): `n_index` eligible index
# stays, `n_readmitted` of them readmitted within the window, the `rate` with
# its interval `ci_low`–`ci_high`; and `n_stays_ready`, the stays discharged
# that year with a ready-for-discharge date, with their `ukp_days` (days in
# hospital after that date). Somatic care, adult mental health (VOP) and
# substance-use treatment (TSB) are each followed within themselves: a VOP
# stay is readmitted by a VOP stay.

# %%
by_sector = r.trend(by="sector")
by_sector

# %% [markdown]
# In the chart, the band around each line is its 95 % interval: two years
# whose bands overlap much are hard to tell apart. The bars below count the
# stays with a ready-for-discharge date.

# %%
readmit.trend_figure(by_sector, lang=lang)

# %% [markdown]
# ## Per trust
#
# The same within each trust (the trust that discharged the patient: a
# readmission is the discharging trust's). With `highlight`, one trust is drawn
# in colour and the others in grey.

# %%
by_trust = r.trend(by="institusjonID")
readmit.trend_figure(by_trust, lang=lang, highlight=highlight)

# %% [markdown]
# ## Who is readmitted
#
# `rates` groups the same counts by any of `year`, `institusjonID`, `sector`,
# `age_band`, `sex`, `icd_chapter` (the main condition's ICD-10 chapter),
# `elderly_group` and `ready_for_discharge`. `n_died_excluded` counts the
# index stays left out for a death in the window, `n_incomplete` those left
# out for incomplete follow-up.

# %%
r.rates(by=["age_band", "sex"])

# %%
r.rates(by=["ready_for_discharge"])

# %% [markdown]
# ## Ready for discharge: days, payment, and readmission
#
# The municipality pays the hospital a statutory rate for each day a patient
# ready for discharge stays on (`statutory_rate_nok`, Helsedirektoratet's rate
# of the year; `payment_nok` = `ukp_days` × the rate). The table also compares
# the readmission share of index stays with and without a ready-for-discharge
# date (`*_ready`, `*_not_ready`).

# %%
ready = r.ready_for_discharge(by=["year", "sector"])
ready

# %%
readmit.ready_for_discharge_figure(ready, lang=lang)

# %% [markdown]
# ## The national indicator for the elderly
#
# The published indicator: somatic index stays of patients 67 and over whose
# main condition is in one of 11 diagnosis groups (asthma/COPD, urinary tract
# infection, fracture, dehydration, constipation, gastroenteritis,
# gout/arthritis, heart failure, deficiency anaemia, pneumonia, stroke),
# followed for an acute somatic readmission of any cause; by year, trust
# (`all`: the region) and group (`all`: the 11 together). `window="days",
# link="latest"` gives SKDE's variant of the rule instead
# (docs/skde-differences.md).

# %%
elderly = elderly_indicator(ex, window_days=window_days, transfer_hours=transfer_hours,
                            keep_deaths=keep_deaths)
elderly

# %% [markdown]
# One row per group, one marker per year, with its 95 % interval: a group
# whose markers move together over the years moves the indicator.

# %%
elderly_indicator_figure(elderly, lang=lang)

# %% [markdown]
# ## Before a table leaves the secure session
#
# Counts from 1 to 4, and every rate or interval computed from them, are
# shown as `<5` outside the secure session (definitions.md, "Small
# numbers"). `readmit.privacy.displayed` does it for any table given its
# count columns and what is computed from them; each analysis module names
# them (`TREND_SUPPRESSION` here). Figures for others are drawn from
# `readmit.privacy.masked(...)` tables, so that a small number never reaches
# the chart's data.

# %%
displayed(by_trust, **TREND_SUPPRESSION)

# %%
suppress_small_counts(elderly)
