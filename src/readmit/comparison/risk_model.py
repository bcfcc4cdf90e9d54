"""The case-mix model: logistic regression of 30-day readmission, fitted per sector.

Every covariate is a category (``mart_comparison_design``), so the model is
fitted on covariate patterns, not on stays: DuckDB counts the eligible index
stays and their readmissions per sector and pattern, and statsmodels fits a
binomial GLM to (readmitted, not readmitted) per pattern. That is the same
likelihood as the fit over single stays (the same estimates and standard
errors; tests/test_comparison_model.py checks it), over a few thousand rows
instead of 1.3 million.

Comorbidity: the Charlson index over the index stay's own conditions and
those of the person's contacts of every kind in the 365 days before
admission (``include_index_stay=True``, the issue's definition). SKDE's
macro leaves the stay's own diagnoses out; for case-mix adjustment they are
the first thing to count: a patient whose cancer or heart failure is first
coded during the index stay would otherwise count as free of it, and the
coding of the stay that is being compared is what national indicators
adjust for (SHMI, CMS). ``include_index_stay=False`` gives SKDE's lookback.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex, sector="somatic")
>>> model = risk_model(r)
>>> model.sectors
['somatic']
>>> table = odds_ratios(model)
>>> table.columns.tolist()[:4]
['sector', 'covariate', 'level', 'reference']
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

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["RiskModel", "risk_model", "odds_ratios", "COVARIATES", "LEVELS",
           "ODDS_RATIO_SUPPRESSION"]

#: The covariates of the model, columns of ``mart_comparison_design``.
COVARIATES = ("age_band", "sex", "charlson_band", "urgency", "prior_acute_365_band",
              "los_band", "ready_for_discharge")

#: Each covariate's levels in reading order (levels not listed sort after them).
LEVELS: dict[str, list[str]] = {
    "age_band": ["0-17", "18-29", "30-44", "45-59", "60-69", "70-79", "80-89", "90+", "unknown"],
    "sex": ["female", "male", "unknown"],
    "charlson_band": ["0", "1", "2", "3", "4", "5+"],
    "urgency": ["1", "2", "3", "4", "5", "unknown"],
    "prior_acute_365_band": ["0", "1", "2", "3", "4+"],
    "los_band": ["0", "1", "2", "3-4", "5-7", "8-14", "15-29", "30+"],
    "ready_for_discharge": ["0", "1"],
}

_RATE = ["n_index", "n_readmitted"]
#: Counts of :func:`odds_ratios` and what is computed from them.
ODDS_RATIO_SUPPRESSION = {
    "counts": ["n_index", "n_readmitted"],
    "derived": {"odds_ratio": _RATE, "ci_low": _RATE, "ci_high": _RATE, "p_value": _RATE},
}


@dataclass(frozen=True, repr=False)
class RiskModel:
    """A fitted case-mix model: one logistic regression per sector.

    Attributes
    ----------
    rule : readmit.Readmissions
        The rule whose eligible index stays it was fitted on.
    covariates : tuple of str
    options : dict
        The comorbidity options of ``mart_comparison_design`` (model options
        of :meth:`readmit.Readmissions.sql`).
    fits : dict
        Sector -> the statsmodels ``GLMResults`` (binomial, logit link).
    references : dict
        Sector -> covariate -> its reference level (the most frequent one).
    patterns : pandas.DataFrame
        One row per sector and covariate pattern: ``sector``, the
        covariates, ``n_index``, ``n_readmitted`` and ``predicted`` (the
        model's risk of readmission for that pattern).
    """

    rule: Readmissions
    covariates: tuple[str, ...]
    options: dict[str, Any]
    fits: dict[str, Any]
    references: dict[str, dict[str, str]]
    patterns: pd.DataFrame = field(compare=False)

    @property
    def sectors(self) -> list[str]:
        """The sectors fitted, in order."""
        return list(self.fits)

    def odds_ratios(self) -> pd.DataFrame:
        """:func:`odds_ratios` of this model."""
        return odds_ratios(self)

    def c_statistics(self) -> pd.DataFrame:
        """:func:`readmit.comparison.c_statistics` of this model (and LACE)."""
        from readmit.comparison.performance import c_statistics
        return c_statistics(self)

    def calibration_by_decile(self, *, groups: int = 10) -> pd.DataFrame:
        """:func:`readmit.comparison.calibration_by_decile` of this model."""
        from readmit.comparison.performance import calibration_by_decile
        return calibration_by_decile(self, groups=groups)

    def __repr__(self) -> str:
        n = int(self.patterns["n_index"].sum())
        return (f"RiskModel(sectors={self.sectors}, n_index={n}, "
                f"covariates={list(self.covariates)}, options={self.options})")


def risk_model(
    rule: Readmissions,
    *,
    covariates: Sequence[str] = COVARIATES,
    charlson_weights: str = "charlson",
    comorbidity_hierarchy: bool = False,
    include_index_stay: bool = True,
) -> RiskModel:
    """Fit the case-mix model of 30-day readmission, one logistic regression per sector.

    Parameters
    ----------
    rule : readmit.Readmissions
        Its eligible index stays are the data (its ``sector`` and ``years``
        choose them).
    covariates : sequence of str
        Any of :data:`COVARIATES` (default all): age band, sex, Charlson
        index band, urgency of admission, acute stays in the previous 365
        days, LOS band, ready for discharge.
    charlson_weights : {"charlson", "quan2011"}
        The weights of the Charlson index (:func:`readmit.comorbidity.stay_comorbidity`).
    comorbidity_hierarchy : bool
        Quan's hierarchy (a mild form is not counted beside its severe form).
    include_index_stay : bool, default True
        Count the index stay's own main and secondary conditions beside those
        of the 365 days before it; False: SKDE's macro (the lookback only).

    Returns
    -------
    RiskModel
        Its ``patterns`` hold the predicted risk per covariate pattern; see
        :func:`odds_ratios`, :func:`readmit.comparison.c_statistics` and
        :func:`readmit.comparison.calibration_by_decile`.

    Raises
    ------
    ParameterError
        An unknown covariate or comorbidity option, or no eligible index stay.

    Examples
    --------
    >>> model = risk_model(r, include_index_stay=False)                 # doctest: +SKIP
    >>> model.fits["somatic"].params.head()                             # doctest: +SKIP
    """
    from readmit.comorbidity import comorbidity_parameters

    covariates = _checked_covariates(covariates)
    options = comorbidity_parameters(weights=charlson_weights, hierarchy=comorbidity_hierarchy,
                                     include_index_stay=include_index_stay)
    cols = ", ".join(covariates)
    patterns = rule.frame(f"""
        SELECT sector, {cols},
               CAST(count(*) AS BIGINT) AS n_index,
               CAST(sum(readmitted) AS BIGINT) AS n_readmitted
        FROM mart_comparison_design
        GROUP BY sector, {cols}
        ORDER BY sector, {cols}
        """, options=options)
    if patterns.empty:
        raise ParameterError("rule: no eligible index stays to fit the risk model on")
    fits, references, predicted = {}, {}, []
    for sector, part in patterns.groupby("sector", sort=True):
        fit, refs, p = fit_grouped_logit(part, covariates)
        fits[sector], references[sector] = fit, refs
        predicted.append(pd.Series(p, index=part.index))
    patterns["predicted"] = pd.concat(predicted).reindex(patterns.index)
    return RiskModel(rule=rule, covariates=covariates, options=options, fits=fits,
                     references=references, patterns=patterns)


def fit_grouped_logit(patterns: pd.DataFrame, covariates: Sequence[str]
                      ) -> tuple[Any, dict[str, str], np.ndarray]:
    """Fit a logistic regression to counts per covariate pattern.

    Parameters
    ----------
    patterns : pandas.DataFrame
        One row per pattern: the ``covariates`` (categories), ``n_index``
        (stays) and ``n_readmitted`` (of them readmitted).
    covariates : sequence of str

    Returns
    -------
    (GLMResults, dict, numpy.ndarray)
        The fit (binomial GLM, endog (readmitted, not readmitted); parameters
        named ``covariate[level]`` beside ``Intercept``), each covariate's
        reference level (its most frequent one), and the predicted risk of
        every row of ``patterns``.
    """
    import statsmodels.api as sm

    X, refs = design_matrix(patterns, covariates)
    k = patterns["n_readmitted"].to_numpy(dtype=float)
    n = patterns["n_index"].to_numpy(dtype=float)
    endog = np.column_stack([k, n - k])
    with warnings.catch_warnings():
        # a level without a readmission drives its coefficient towards -inf;
        # its predicted risk still converges (towards 0), which is what E needs
        warnings.simplefilter("ignore")
        fit = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
    return fit, refs, np.asarray(fit.predict(X))


def design_matrix(patterns: pd.DataFrame, covariates: Sequence[str]
                  ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Treatment-coded dummies of ``covariates`` with an intercept.

    The reference level of each covariate is its most frequent level among
    ``patterns`` (weighted by ``n_index``; ties: the first in :data:`LEVELS`
    order); levels absent from ``patterns`` get no column.

    Examples
    --------
    >>> p = pd.DataFrame({"sex": ["female", "male", "male"], "n_index": [3, 4, 5]})
    >>> X, refs = design_matrix(p, ["sex"])
    >>> refs, X.columns.tolist(), X["sex[female]"].tolist()
    ({'sex': 'male'}, ['Intercept', 'sex[female]'], [1.0, 0.0, 0.0])
    """
    columns = {"Intercept": np.ones(len(patterns))}
    refs = {}
    for c in covariates:
        values = patterns[c].astype(str)
        levels = ordered_levels(c, values.unique())
        weight = patterns["n_index"].groupby(values).sum()
        refs[c] = max(levels, key=lambda lv: (weight.get(lv, 0), -levels.index(lv)))
        for lv in levels:
            if lv != refs[c]:
                columns[f"{c}[{lv}]"] = (values == lv).to_numpy(dtype=float)
    return pd.DataFrame(columns, index=patterns.index), refs


def ordered_levels(covariate: str, values) -> list[str]:
    """``values`` in :data:`LEVELS` order, unlisted ones after them, sorted."""
    known = LEVELS.get(covariate, [])
    values = {str(v) for v in values}
    return [lv for lv in known if lv in values] + sorted(values - set(known))


def odds_ratios(model: RiskModel) -> pd.DataFrame:
    """Odds ratios of readmission with 95 % Wald intervals, per sector and level.

    Parameters
    ----------
    model : RiskModel
        From :func:`risk_model`.

    Returns
    -------
    pandas.DataFrame
        ``sector``, ``covariate``, ``level``, ``reference`` (True on the
        reference level, whose odds ratio is 1), ``n_index`` and
        ``n_readmitted`` (the level's eligible index stays and readmissions),
        ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``; in
        :data:`COVARIATES` and :data:`LEVELS` order. Counts 1-4 and what is
        computed from them: :data:`ODDS_RATIO_SUPPRESSION`.

    Examples
    --------
    >>> odds_ratios(model).query("reference").odds_ratio.unique()        # doctest: +SKIP
    array([1.])
    """
    rows = []
    for sector, fit in model.fits.items():
        part = model.patterns[model.patterns["sector"] == sector]
        with np.errstate(over="ignore"):   # a level without readmissions: OR -> 0, CI to inf
            ci = np.exp(fit.conf_int(alpha=0.05))
        for c in model.covariates:
            counts = part.groupby(part[c].astype(str))[["n_index", "n_readmitted"]].sum()
            for lv in ordered_levels(c, counts.index):
                ref = lv == model.references[sector][c]
                name = f"{c}[{lv}]"
                rows.append({
                    "sector": sector, "covariate": c, "level": lv, "reference": ref,
                    "n_index": int(counts.loc[lv, "n_index"]),
                    "n_readmitted": int(counts.loc[lv, "n_readmitted"]),
                    "odds_ratio": 1.0 if ref else float(np.exp(fit.params[name])),
                    "ci_low": np.nan if ref else float(ci.loc[name, 0]),
                    "ci_high": np.nan if ref else float(ci.loc[name, 1]),
                    "p_value": np.nan if ref else float(fit.pvalues[name]),
                })
    return pd.DataFrame(rows)


def _checked_covariates(covariates: Sequence[str]) -> tuple[str, ...]:
    if isinstance(covariates, str):
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    out = tuple(dict.fromkeys(covariates))
    bad = [c for c in out if c not in COVARIATES]
    if bad or not out:
        raise ParameterError(f"covariates must be some of {', '.join(COVARIATES)}, "
                             f"not {', '.join(map(repr, bad)) or 'none'}")
    return out
