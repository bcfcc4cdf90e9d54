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
# # Length of stay and time to readmission
#
# Two questions of the pre-project: do trusts that discharge sooner see more
# readmissions, and how soon after discharge do readmissions come?
#
# **Length of stay** (`los_days`) is the discharge date minus the admission
# date in whole days (a same-day stay has 0), of the whole stay: episodes less
# than `transfer_hours` apart, transfers between hospitals included, are one
# stay (definitions.md, "Stays").
#
# **Time to readmission** counts whole days from the index discharge to the
# first acute readmission in the same sector, at any distance, up to a
# horizon. A patient who dies first can no longer be readmitted: death is a
# *competing* event, and the share readmitted by day *t* is the cumulative
# incidence of Aalen and Johansen. The naive 1 − Kaplan–Meier treats the dead
# as if they were still at risk and so overstates the readmissions wherever
# many die (the old, the very ill). Every index stay counts here, eligible
# for the 30-day share or not; ties on a day are handled exactly.

# %% tags=["parameters"]
# The extract folder (Parquet or CSV files).
extract_dir = "../data/synthetic/helse-vest"
# Discharge years to analyse, e.g. "2014-2019"; None: every year.
years = None
# The readmission rule (definitions.md); these are its defaults.
window_days = 30
transfer_hours = 8.0
min_age = None
sector = None
keep_deaths = False
# Days of follow-up for the time to readmission.
horizon_days = 365
# A trust (institusjonID) to mark in the charts, e.g. "HFO"; None: every trust in colour.
highlight = None
# The language of the charts: "nb" (bokmål) or "en".
lang = "en"

# %%
import readmit

ex = readmit.open(extract_dir)
r = readmit.Readmissions(ex, window_days=window_days, transfer_hours=transfer_hours,
                         min_age=min_age, sector=sector, keep_deaths=keep_deaths, years=years)
r

# %% [markdown]
# ## The readmission share by length of stay
#
# The eligible index stays in bands of length of stay (0, 1, 2, 3–4, 5–7,
# 8–14, 15–29, 30+ days), per sector, with the 30-day share and its Wilson
# interval. A band is a mix of patients: a short stay may be a mild case or a
# discharge too early, so read the bands beside the trusts' paths below.

# %%
bands = r.rates_by_los_band(by="sector")
bands

# %%
readmit.rates_by_los_band_figure(bands, lang=lang)

# %% [markdown]
# ## Each trust's mean length of stay against its readmission share
#
# One row per discharge year, trust and sector: `mean_los_days` of the
# eligible index stays and their share readmitted, with the trust's catchment
# population (shipped reference data). In the chart each bubble is a trust in
# one year, its area the population; a trust's years are joined in order, so
# a path to the upper left is a trust whose stays got shorter while its
# readmissions rose. `sector=` chooses the sector drawn.

# %%
paths = r.los_vs_readmission()
paths

# %%
readmit.los_vs_readmission_figure(paths, sector="somatic", lang=lang, highlight=highlight)

# %% [markdown]
# ## Time to readmission, death competing
#
# One row per group and day (0 … `horizon_days`): `n_at_risk` at the start of
# the day, the readmissions, deaths and censored of the day and so far,
# `cif_readmission` with its 95 % interval (`ci_low`, `ci_high`: Dinse and
# Larson's standard error, log(−log) transformed), `cif_death` (died before
# any readmission) and the naive `one_minus_km`. The solid curves are the
# cumulative incidence; the dotted ones 1 − Kaplan–Meier: the gap between
# them is what the naive method counts of the dead as readmitted.

# %%
by_sector = r.time_to_readmission(by="sector", horizon_days=horizon_days)
by_sector[by_sector["day"].isin([7, 30, 90, horizon_days])]

# %%
readmit.time_to_readmission_figure(by_sector, lang=lang)

# %% [markdown]
# Patients ready for discharge are older and frailer: more of them die, and
# the gap between the two curves is wider.

# %%
by_ready = r.time_to_readmission(by="ready_for_discharge", horizon_days=horizon_days)
readmit.time_to_readmission_figure(by_ready, lang=lang)

# %% [markdown]
# The trusts side by side (every sector together); with `highlight`, one
# trust in colour with its interval.

# %%
by_trust = r.time_to_readmission(by="institusjonID", horizon_days=horizon_days)
readmit.time_to_readmission_figure(by_trust, lang=lang, highlight=highlight, naive=False)

# %% [markdown]
# ## Days to readmission after VOP and TSB stays, by their length
#
# The pre-project's chart for adult mental health (VOP) and substance-use
# treatment (TSB): among index stays with a whole horizon of follow-up, the
# distribution of days to the first readmission (within the horizon) of
# those readmitted, by the length of the stay they left. Box: 25th–75th
# percentile, line: median, dashed: mean, whiskers: 10th–90th percentile.
# Shorter stays followed by earlier readmissions show as lower boxes on the
# left.

# %%
days = r.days_to_readmission_by_los(sectors=("vop", "tsb"), horizon_days=horizon_days)
days

# %%
readmit.days_to_readmission_by_los_figure(days, lang=lang)
