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
# # A fair comparison of trusts and municipalities
#
# A crude readmission share punishes the trust with the frailest patients. This
# notebook adjusts for case mix and shows which differences are more than
# chance, the way the national indicators and NHS funnel plots do.
#
# 1. **Comorbidity**: the Charlson index from ICD-10 (Quan et al. 2005 coding,
#    original weights as SKDE uses them; `readmit.comorbidity`).
# 2. **A risk model**: a logistic regression of 30-day readmission over the
#    eligible index stays, one per sector, on age band, sex, Charlson index,
#    urgency of admission, acute stays in the previous 365 days, length-of-stay
#    band and ready for discharge. Its odds ratios, its C-statistic (how well it
#    ranks stays by risk; 0.5 is chance) and its calibration by decile of
#    predicted risk say whether to trust it. LACE, a simple bedside index, is
#    shown beside it for comparison.
# 3. **Observed against expected**: per unit, the readmissions observed (O), the
#    sum of the model's predicted risks (E), O/E with a 95 % interval, and the
#    indirectly standardised rate (O/E × the overall rate). Over the whole
#    population O equals E.
# 4. **A funnel plot**: O/E against the number of index stays, with 95 % and
#    99.8 % control limits. Large units get narrow limits; points outside are
#    named. Real data vary more than a Poisson model allows (overdispersion);
#    the limits are widened the NHS way (FunnelPlotR's additive random effects
#    by default), and the method and its φ/τ² are printed under the plot.

# %% tags=["parameters"]
extract_dir = "../data/synthetic/helse-vest"
years = None
window_days = 30
transfer_hours = 8.0
min_age = None
sector = None
# The units compared: "institusjonID" (trust) or "komnr" (municipality of residence).
unit = "institusjonID"
# "additive" (NHS practice), "multiplicative" (Spiegelhalter's phi) or "none".
overdispersion = "additive"

# %%
import readmit

ex = readmit.open(extract_dir)
r = readmit.Readmissions(ex, window_days=window_days, transfer_hours=transfer_hours,
                         min_age=min_age, sector=sector, years=years)

# %% [markdown]
# ## The risk model
#
# Odds ratios above 1 raise the risk of readmission, the other covariates held
# equal; each is against its covariate's most frequent level.

# %%
model = r.risk_model()
model.odds_ratios()

# %%
readmit.odds_ratio_figure(model.odds_ratios(), lang="en", sector="somatic")

# %% [markdown]
# The C-statistic with its 95 % interval (DeLong), the model beside LACE.

# %%
model.c_statistics()

# %% [markdown]
# Calibration: within each tenth of predicted risk, the observed share should
# lie close to the predicted one (the diagonal).

# %%
calibration = model.calibration_by_decile()
readmit.calibration_figure(calibration, lang="en")

# %% [markdown]
# ## Observed against expected, and the funnel plot

# %%
fair = r.funnel(model=model, unit=unit, sector="somatic", overdispersion=overdispersion)
fair

# %%
readmit.funnel_figure(fair, lang="en")

# %%
ex.close()
