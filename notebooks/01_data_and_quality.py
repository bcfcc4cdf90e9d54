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
# # Data and quality: what the extract holds, and what was set aside
#
# Every analysis of readmit starts from one opened extract. `readmit.open`
# reads the files of an NPR-shaped delivery (`episoder`, `pasienter`, and the
# optional `akuttkontakter` and `handlingsplaner`), types every column in
# DuckDB and accounts for every row: **rows read = rows kept + rows rejected**,
# per file. A rejected row is set aside with its file, row number, column and
# reason (an unparseable date, a discharge before the admission, an unknown
# code, a duplicate id, a person missing from `pasienter`, ...); it takes no
# part in any figure. A structural fault (a missing file or required column,
# an empty file) stops before anything is computed.
#
# Read this notebook before any other: if many rows were rejected, the
# figures of the other notebooks describe only what was kept.

# %% tags=["parameters"]
# The extract folder (Parquet or CSV files).
extract_dir = "../data/synthetic/helse-vest"
# Discharge years to analyse, e.g. "2014-2019"; None: every year in the extract.
years = None
# The readmission rule (definitions.md); these are its defaults.
window_days = 30
transfer_hours = 8.0
min_age = None
sector = None

# %%
import readmit
from readmit.quality import extract_files, generator_info, reject_reasons, row_counts

ex = readmit.open(extract_dir)
ex

# %% [markdown]
# ## Which delivery this is
#
# The files of the folder, their size and date, and a fingerprint of their
# content (the first digits of its SHA-256): the same files give the same
# fingerprint wherever they are copied, so a result can be traced to the
# delivery it came from. A synthetic extract also says what generated it.

# %%
extract_files(extract_dir)

# %%
generator_info(extract_dir)

# %% [markdown]
# ## Rows read, kept and rejected
#
# One row per file. `read` counts the data rows of the file; each is either
# `kept` or `rejected`.

# %%
row_counts(ex)

# %% [markdown]
# ## Why rows were rejected
#
# The number of rejected rows per file and reason (an empty table: nothing
# was rejected). A row with two faults counts under each reason.
# `ex.rejects_frame()` lists every rejected row with its row number and
# column, for finding it in the source file.

# %%
reject_reasons(ex)

# %%
ex.rejects_frame().head(20)

# %% [markdown]
# ## The rule, and the period it covers
#
# The readmission rule is bound once, with its parameters; every later
# notebook does the same. The period is the span of discharge years that have
# index stays with complete follow-up (30 days of data after discharge): a
# stay discharged in the last weeks of the data cannot yet be called
# readmitted or not, so it is left out of rates.

# %%
r = readmit.Readmissions(ex, window_days=window_days, transfer_hours=transfer_hours,
                         min_age=min_age, sector=sector, years=years)
r.parameters, r.period()

# %% [markdown]
# ## Index stays per year and sector
#
# `n_index` counts the eligible index stays (discharged alive with complete
# follow-up); `n_died_excluded` the stays left out because the patient died
# within the window without a readmission (the national rule), and
# `n_incomplete` those left out for incomplete follow-up. A year with no
# eligible index stay has no row.

# %%
r.rates(by=["year", "sector"])
