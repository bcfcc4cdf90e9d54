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
# # Six-month survival after discharge
#
# The Helse Vest pre-project found most readmitted ready-for-discharge patients
# in their last half-year of life (12 of 20 were dead seven months on), and the
# Tromsø patient-centred team measured its success as 43 % lower six-month
# mortality. This notebook follows patients from discharge to death.
#
# **The definition** (definitions.md, Six-month mortality): one row per person,
# from the discharge of the person's first index stay in the period to
# `doddato` (the Cause of Death Registry's date), in whole days. A death on day
# 182 counts; follow-up ends at 182 days or at the end of the data, whichever
# comes first (then the person is *censored*). The first year of the data is
# kept as a look-back, so that every cohort stay has a full year of history for
# its prior admissions and frequent-user flag.
#
# **The methods**: Kaplan–Meier survival by group, with 95 % intervals
# (log(−log) Greenwood) and numbers at risk; the log-rank test between groups;
# a Cox proportional-hazards model with hazard ratios, its concordance, and the
# test of proportional hazards (scaled Schoenfeld residuals) for each covariate.

# %% tags=["parameters"]
extract_dir = "../data/synthetic/helse-vest"
years = None
window_days = 30
transfer_hours = 8.0
min_age = None
sector = "somatic"
# Follow-up in days (182: six months).
horizon_days = 182
# Compare survival between the groups of this column.
by = "readmitted"

# %%
import readmit

ex = readmit.open(extract_dir)
r = readmit.Readmissions(ex, window_days=window_days, transfer_hours=transfer_hours,
                         min_age=min_age, sector=sector, years=years)
r

# %% [markdown]
# ## The cohort
#
# One row per person (person-level: it stays inside the secure server). The
# covariates of the Cox model are its columns: age, sex, sector, trust, length
# of stay, ready-for-discharge days, acute stays in the 365 days before
# admission, readmitted within 30 days, frequent user (4+ acute stays in 12
# months) and the Charlson comorbidity index.

# %%
cohort = r.mortality_cohort(horizon_days=horizon_days)
cohort.describe(include="all").T.head(20)

# %% [markdown]
# ## Survival curves by group
#
# Each curve is the share still alive, day by day after discharge; the band is
# its 95 % interval. The numbers under the chart are the persons still
# followed (at risk) at that day. A readmitted patient lived at least until the
# readmission, so the readmitted group's curve is, if anything, flattered
# early on (immortal time); the gap that remains is the point.

# %%
curves = r.survival_curves(by=by, horizon_days=horizon_days)
readmit.survival.survival_figure(curves, lang="en")

# %% [markdown]
# Survival at 30, 90 and 182 days, with intervals, and the log-rank test of
# whether the curves differ more than chance would make them.

# %%
r.survival(by=by, days=(30, 90, horizon_days))

# %%
r.logrank_test(by=by, horizon_days=horizon_days)

# %% [markdown]
# ## The Cox model
#
# A hazard ratio above 1 means a higher risk of death at any time in the six
# months, the other covariates held equal. `ph_test_p` is the test of the
# model's assumption that the ratio is constant over the follow-up: a small
# value means it is not, and the notes say which covariate to stratify on
# instead (`r.cox(strata=[...])`). The concordance is the share of pairs of
# persons whose order of death the model gets right (0.5 is chance).

# %%
cox = r.cox(horizon_days=horizon_days)
print(f"concordance {cox.concordance:.3f}")
for note in cox.notes:
    print("-", note)
cox.table

# %%
readmit.survival.hazard_ratio_figure(cox.table, lang="en")

# %% [markdown]
# ## Deaths a team could avert
#
# If a team cut six-month mortality by 43 % among ready-for-discharge patients
# readmitted within 30 days (the Tromsø result), how many deaths a year would
# that avert here? The interval carries the Kaplan–Meier uncertainty of the
# group's mortality; the savings simulator uses the same figure.

# %%
r.deaths_averted(mortality_reduction=0.43)

# %%
ex.close()
