"""Cox proportional hazards of death within the horizon after discharge.

lifelines' ``CoxPHFitter`` on one row per person (or per index stay, with
robust standard errors clustered on the person, computed by
:mod:`~readmit.survival.residuals`). Ties of death days are
handled by Efron's method, the only one lifelines implements (its
"breslow" option names the baseline-hazard estimator, not the ties); the
test suite cross-checks the coefficients with statsmodels ``PHReg`` using
Efron's ties too. Beside each hazard ratio: the proportional-hazards test on
scaled Schoenfeld residuals (lifelines ``proportional_hazard_test``, the
Kaplan–Meier time transform of R's ``cox.zph``; the residuals computed by
:mod:`~readmit.survival.ph_test`, as lifelines' own take hours at this size). Where a covariate fails it,
the result says so and names the stratification that would relax it
(``strata=``).

Examples
--------
>>> import readmit
>>> from readmit.survival import cox_model
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> fit = cox_model(r, covariates=["age", "readmitted"])
>>> fit.table.columns.tolist()[:6]
['covariate', 'hazard_ratio', 'ci_low', 'ci_high', 'p', 'ph_test_p']
>>> 0.5 <= fit.concordance <= 1
True
>>> ex.close()
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from readmit.errors import ParameterError
from readmit.survival.cohort import DEFAULT_HORIZON_DAYS, mortality_cohort

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["cox_model", "CoxResult", "cox_design", "fit_cox", "COX_COVARIATES",
           "HAZARD_RATIO_COLUMNS"]

#: The covariates of the model by default (definitions.md, Six-month mortality).
#: Ready-for-discharge days enter as two terms: whether the stay had a
#: ready-for-discharge date (the step from none to some) and the days (the slope).
COX_COVARIATES = ("age", "sex", "sector", "institusjonID", "los_days", "ready_for_discharge",
                  "ukp_days", "prior_acute_stays", "readmitted", "frequent_user",
                  "comorbidity_score")
#: Covariates entered as they are (per year, per day, per stay, per point).
NUMERIC = ("age", "los_days", "ukp_days", "prior_acute_stays", "comorbidity_score")
#: 0/1 covariates.
FLAGS = ("readmitted", "frequent_user", "ready_for_discharge")
#: Categorical covariates: one 0/1 term per level but the most common (the reference).
CATEGORICAL = ("sex", "sector", "institusjonID", "age_band")
#: What the model may stratify on.
STRATA = CATEGORICAL + FLAGS
#: For a numeric covariate that fails the test: the categorical one to stratify on.
STRATIFY_INSTEAD = {"age": "age_band"}
#: The columns of the hazard-ratio table, in order.
HAZARD_RATIO_COLUMNS = ["covariate", "hazard_ratio", "ci_low", "ci_high", "p", "ph_test_p",
                        "ph_fails", "variable", "coef", "se", "n", "deaths"]
PH_ALPHA = 0.05
#: Said whenever the readmission within the window is a covariate.
IMMORTAL_TIME_NOTE = ("readmitted is known only at the readmission: the readmitted lived at "
                      "least until then (immortal time), which pulls its ratio towards 1 or below")


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox model of death after discharge.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term (:data:`HAZARD_RATIO_COLUMNS`): ``covariate`` (``age``,
        ``sector=vop``, ...), ``hazard_ratio`` with its 95% interval, ``p``
        (Wald), ``ph_test_p`` (proportional-hazards test), ``ph_fails``
        (``ph_test_p`` < 0.05), ``variable``, ``coef``, ``se``, and ``n`` /
        ``deaths``: persons (or stays) with the term's level (a 0/1 term
        equal to 1), or all of them for a numeric covariate. Draw it with
        :func:`~readmit.survival.hazard_ratio_figure`.
    concordance : float
        Harrell's C on the fitted rows.
    n, deaths : int
        Rows fitted and deaths among them.
    strata : tuple of str
        The covariates stratified on (a baseline hazard per level, no ratio).
    references : dict
        The reference level of each categorical covariate.
    failing : tuple of str
        Covariates with a term failing the proportional-hazards test.
    notes : tuple of str
        What a reader must know: references, left-out rows, clustering,
        stratification, failing covariates and what to stratify on instead.
    fitter : lifelines.CoxPHFitter
        The fitted model itself (fitted without clusters: with ``every_stay``
        the table's standard errors are the clustered ones of
        :func:`~readmit.survival.residuals.clustered_covariance`).
    """

    table: pd.DataFrame
    concordance: float
    n: int
    deaths: int
    strata: tuple[str, ...]
    references: dict[str, Any]
    failing: tuple[str, ...]
    notes: tuple[str, ...]
    fitter: Any = field(repr=False)


def cox_model(rule: Readmissions, *, covariates: Sequence[str] = COX_COVARIATES,
              strata: Sequence[str] | str | None = None,
              horizon_days: int = DEFAULT_HORIZON_DAYS, every_stay: bool = False) -> CoxResult:
    """Hazard ratios of death within ``horizon_days`` of discharge.

    Parameters
    ----------
    rule : readmit.Readmissions
    covariates : sequence of str, default :data:`COX_COVARIATES`
        Any of ``age``, ``sex``, ``sector``, ``institusjonID``, ``los_days``,
        ``ready_for_discharge``, ``ukp_days``, ``prior_acute_stays``,
        ``readmitted``, ``frequent_user``, ``comorbidity_score``, ``age_band``.
    strata : str or sequence of str, optional
        Stratify on these (categorical or 0/1) covariates instead of
        estimating their ratio: what to do for a covariate that fails the
        proportional-hazards test. A stratified covariate is dropped from
        ``covariates``.
    horizon_days : int, default 182
    every_stay : bool, default False
        One row per index stay instead of per person; standard errors are
        then robust, clustered on the person.

    Returns
    -------
    CoxResult

    Examples
    --------
    >>> fit = cox_model(r, strata=["sector"])                            # doctest: +SKIP
    >>> fit.notes                                                         # doctest: +SKIP
    """
    strata_list = _names(strata, STRATA, "strata")
    covs = [c for c in _names(covariates, NUMERIC + FLAGS + CATEGORICAL, "covariates")
            if c not in strata_list]
    if not covs:
        raise ParameterError("covariates must leave at least one covariate besides the strata")
    cohort = mortality_cohort(rule, horizon_days=horizon_days, every_stay=every_stay)
    design, info = cox_design(cohort, covs, strata_list)
    notes = list(info["notes"])
    if "readmitted" in info["terms"].values():
        notes.append(IMMORTAL_TIME_NOTE)
    if every_stay:
        notes.append("every index stay: standard errors are robust, clustered on the person")
    return fit_cox(design, terms=info["terms"], strata=strata_list,
                   cluster="lopenr" if every_stay else None, references=info["references"],
                   notes=notes)


def cox_design(cohort: pd.DataFrame, covariates: Sequence[str],
               strata: Sequence[str] = ()) -> tuple[pd.DataFrame, dict]:
    """The model's rows: 0/1 terms for categorical covariates, the strata,
    ``days``, ``died`` and ``lopenr``.

    Rows with no follow-up (``days`` = 0) or a missing covariate are left
    out (a note says how many). The reference level of a categorical
    covariate is its most common one. A term that cannot be estimated is
    left out with a note: one that does not vary, or a 0/1 term with no
    death (or only deaths) among the rows having it.

    Returns
    -------
    (pandas.DataFrame, dict)
        The rows, and ``terms`` (term -> covariate), ``references`` and ``notes``.

    Examples
    --------
    >>> c = pd.DataFrame({"lopenr": list("abcde"), "days": [5, 0, 9, 3, 7],
    ...                   "died": [True, False, False, True, False], "age": [70, 80, 90, 60, 75],
    ...                   "sector": ["vop", "somatic", "somatic", "somatic", "vop"]})
    >>> d, info = cox_design(c, ["age", "sector"])
    >>> d.columns.tolist(), info["references"]
    (['age', 'sector=vop', 'days', 'died', 'lopenr'], {'sector': 'somatic'})
    """
    used = list(dict.fromkeys([*covariates, *strata]))
    notes = []
    rows = cohort[cohort["days"] > 0]
    if len(rows) < len(cohort):
        notes.append(f"{len(cohort) - len(rows):,} rows without follow-up (discharged on the "
                     "last day of the data) left out")
    missing = rows[used].isna().any(axis=1)
    if missing.any():
        which = [c for c in used if rows.loc[missing, c].isna().any()]
        notes.append(f"{int(missing.sum()):,} rows with a missing {', '.join(which)} left out")
        rows = rows[~missing]
    out: dict[str, pd.Series] = {}
    terms: dict[str, str] = {}
    references: dict[str, Any] = {}
    for c in covariates:
        if c in CATEGORICAL:
            counts = rows[c].value_counts()
            ordered = sorted(counts.index, key=lambda v: (-counts[v], str(v)))
            if not ordered:
                continue
            references[c] = ordered[0]
            for level in sorted(ordered[1:], key=str):
                term = f"{c}={level}"
                out[term] = (rows[c] == level).astype(float)
                terms[term] = c
        else:
            out[c] = rows[c].astype(float)
            terms[c] = c
    died = rows["died"].to_numpy(dtype=bool)
    for term in list(out):
        why = _degenerate(out[term].to_numpy(), died, binary=term != terms[term] or term in FLAGS)
        if why:
            del out[term], terms[term]
            rest = " (they count with the reference)" if "=" in term else ""
            notes.append(f"{term} left out of the model: {why}{rest}")
    for s in strata:
        out[s] = rows[s].astype(str) if s in CATEGORICAL else rows[s].astype(int)
    design = pd.DataFrame(out, index=rows.index)
    design["days"] = rows["days"].astype(float)
    design["died"] = rows["died"].astype(bool)
    design["lopenr"] = rows["lopenr"]
    if references:
        notes.insert(0, "reference levels: " + ", ".join(f"{k}={v}" for k, v in references.items()))
    return design.reset_index(drop=True), {"terms": terms, "references": references, "notes": notes}


def _degenerate(x, died, *, binary: bool) -> str | None:
    """Why a term cannot be estimated (no variation; for a 0/1 term, no death or
    only deaths among the rows having it: its ratio would be 0 or infinite)."""
    if x.size == 0 or np.all(x == x[0]):
        return "it does not vary"
    if binary:
        has = x == 1
        if not died[has].any():
            return f"no deaths among its {int(has.sum()):,} rows"
        if died[has].all():
            return f"all of its {int(has.sum()):,} rows die"
    return None


def fit_cox(design: pd.DataFrame, *, terms: dict[str, str], strata: Sequence[str] = (),
            cluster: str | None = None, references: dict | None = None,
            notes: Sequence[str] = ()) -> CoxResult:
    """Fit lifelines' Cox model to :func:`cox_design` rows and test its
    proportional hazards.

    ``terms`` maps each model term to its covariate; ``strata`` are columns
    of ``design`` to stratify on; ``cluster`` a column (``lopenr``) whose
    rows may depend on each other: the standard errors are then the robust
    sandwich clustered on it. ``references`` and ``notes`` (from
    :func:`cox_design`) are carried into the result.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.integers(0, 2, 400).astype(float)
    >>> d = pd.DataFrame({"x": x, "days": rng.exponential(50 / (1 + x)).round() + 1,
    ...                   "died": True, "lopenr": range(400)})
    >>> bool(1.5 < fit_cox(d, terms={"x": "x"}).table.loc[0, "hazard_ratio"] < 2.5)
    True
    """
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning
    from scipy import stats
    from scipy.linalg import LinAlgWarning

    from readmit.survival.residuals import clustered_covariance, proportional_hazards_test

    columns = [*terms, *strata, "days", "died"]
    data = design[columns]
    if not data["died"].any():
        raise ParameterError("no deaths within the horizon: the Cox model cannot be fitted")
    cph = CoxPHFitter()
    try:
        with warnings.catch_warnings():
            # lifelines warns of near-separation at length; what matters is in the notes
            # (left-out terms) or in the error below
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", LinAlgWarning)
            # Death days are whole days up to the horizon, so ties are many: batch mode is
            # lifelines' fast path for them. Newton steps of half length (lifelines: 0.95)
            # keep a skewed covariate such as ukp_days from overshooting into divergence.
            cph.fit(data, duration_col="days", event_col="died", strata=list(strata) or None,
                    batch_mode=True, fit_options={"step_size": 0.5})
    except ConvergenceError as exc:
        raise ParameterError(f"the Cox model did not converge ({str(exc).splitlines()[0]}); "
                             "drop a covariate (covariates=) or stratify on it (strata=)") from None
    # the test uses the model's (naive) variance, as R's cox.zph does for a clustered fit
    ph = proportional_hazards_test(cph, data)["p"]
    coef = cph.params_.to_numpy()
    if cluster:
        se = np.sqrt(np.diag(clustered_covariance(cph, data, design[cluster]).to_numpy()))
    else:
        se = cph.standard_errors_.to_numpy()
    z = stats.norm.ppf(0.975)
    table = pd.DataFrame({
        "covariate": list(terms),
        "hazard_ratio": np.exp(coef),
        "ci_low": np.exp(coef - z * se),
        "ci_high": np.exp(coef + z * se),
        "p": stats.chi2.sf((coef / se) ** 2, 1),
        "ph_test_p": ph.reindex(list(terms)).to_numpy(),
    })
    table["ph_fails"] = table["ph_test_p"] < PH_ALPHA
    table["variable"] = [terms[t] for t in terms]
    table["coef"] = coef
    table["se"] = se
    died = design["died"].to_numpy()
    n_rows, n_deaths = len(design), int(died.sum())
    level = [design[t].to_numpy() == 1 if (terms[t] != t or t in FLAGS) else None for t in terms]
    table["n"] = [n_rows if m is None else int(m.sum()) for m in level]
    table["deaths"] = [n_deaths if m is None else int((m & died).sum()) for m in level]
    failing = tuple(dict.fromkeys(table.loc[table["ph_fails"], "variable"]))
    all_notes = list(notes)
    if strata:
        all_notes.append("stratified on " + ", ".join(strata)
                         + ": a baseline hazard of its own per level, so no hazard ratio")
    all_notes.extend(_failing_note(v, table) for v in failing)
    if failing and n_deaths > 2000:
        all_notes.append(f"with {n_deaths:,} deaths the test detects even small departures: "
                         "compare the ratios with and without the stratification")
    return CoxResult(table=table[HAZARD_RATIO_COLUMNS], concordance=float(cph.concordance_index_),
                     n=n_rows, deaths=n_deaths, strata=tuple(strata),
                     references=dict(references or {}), failing=failing, notes=tuple(all_notes),
                     fitter=cph)


def _failing_note(variable: str, table: pd.DataFrame) -> str:
    p = float(table.loc[table["variable"] == variable, "ph_test_p"].min())
    if variable in STRATA:
        offer = f"strata=['{variable}'] fits a baseline hazard per level instead"
    elif variable in STRATIFY_INSTEAD:
        offer = f"strata=['{STRATIFY_INSTEAD[variable]}'] lets the baseline hazard differ by band"
    else:
        offer = "its effect changes over follow-up; read its ratio as an average over the horizon"
    return f"{variable} fails the proportional-hazards test (p = {p:.2g}): {offer}"


def _names(values: Sequence[str] | str | None, allowed: Sequence[str], name: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v.strip() for v in values.split(",") if v.strip()]
    lookup = {a.lower(): a for a in allowed}
    lookup["trust"] = "institusjonID"
    out, bad = [], []
    for v in values:
        canonical = lookup.get(str(v).lower())
        (out if canonical in allowed else bad).append(canonical or v)
    if bad:
        raise ParameterError(f"{name}: unknown {', '.join(map(repr, bad))}; "
                             f"choose from {', '.join(allowed)}")
    return list(dict.fromkeys(out))
