"""A LACE-style index per index stay: the bedside comparator of the risk model.

LACE (van Walraven et al., CMAJ 2010;182:551-7) adds points for Length of
stay (0-7), Acuity of admission (3 if acute), Comorbidity (the Charlson
index, 4 or more scoring 5) and Emergency department visits in the previous
6 months (at most 4). NPR has no emergency-department visits, so the
person's acute stays in the previous 6 months stand in for them. The score
is computed in SQL (``mart_comparison_design``: ``lace_l``, ``lace_a``,
``lace_c``, ``lace_e``, ``lace_score``, 0-19).

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> table = lace_rates(r)
>>> table.columns.tolist()
['sector', 'lace_score', 'n_index', 'n_readmitted', 'rate', 'ci_low', 'ci_high']
>>> int(table.n_index.sum()) == int(r.rates(by=None).n_index.sum())
True
>>> ex.close()
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from readmit.comparison.risk_model import RiskModel
    from readmit.rule import Readmissions

__all__ = ["lace_index", "lace_rates", "LACE_SUPPRESSION"]

_RATE = ["n_index", "n_readmitted"]
#: Counts of :func:`lace_rates` and what is computed from them.
LACE_SUPPRESSION = {
    "counts": ["n_index", "n_readmitted"],
    "derived": {"rate": _RATE, "ci_low": _RATE, "ci_high": _RATE},
}


def lace_index(
    rule: Readmissions,
    *,
    charlson_weights: str = "charlson",
    comorbidity_hierarchy: bool = False,
    include_index_stay: bool = True,
) -> pd.DataFrame:
    """The LACE index of every eligible index stay (person-level: keep it inside
    the secure server).

    Parameters
    ----------
    rule : readmit.Readmissions
    charlson_weights, comorbidity_hierarchy, include_index_stay
        How the Charlson index is counted, as in
        :func:`readmit.comparison.risk_model` (default: the index stay's own
        conditions and those of the 365 days before it, Charlson's weights).

    Returns
    -------
    pandas.DataFrame
        ``stay_id``, ``year``, ``sector``, ``institusjonID``, ``los_days``,
        ``urgency``, ``charlson_index``, ``prior_acute_6m``, the points
        ``lace_l``, ``lace_a``, ``lace_c``, ``lace_e``, ``lace_score`` and
        ``readmitted`` (bool), ordered by ``stay_id``.

    Examples
    --------
    >>> int(lace_index(r).lace_score.max()) <= 19                       # doctest: +SKIP
    True
    """
    options = _options(charlson_weights, comorbidity_hierarchy, include_index_stay)
    out = rule.frame("""
        SELECT stay_id, year, sector, "institusjonID", los_days, urgency, charlson_index,
               prior_acute_6m, lace_l, lace_a, lace_c, lace_e, lace_score, readmitted
        FROM mart_comparison_design ORDER BY stay_id
        """, options=options)
    out["readmitted"] = out["readmitted"].astype(bool)
    return out


def lace_rates(
    source: Readmissions | RiskModel,
    *,
    charlson_weights: str = "charlson",
    comorbidity_hierarchy: bool = False,
    include_index_stay: bool = True,
) -> pd.DataFrame:
    """Readmission share of the eligible index stays by LACE score, per sector.

    Parameters
    ----------
    source : readmit.Readmissions or RiskModel
        A rule, or a fitted model (its rule and comorbidity options are used
        and the options here are ignored).
    charlson_weights, comorbidity_hierarchy, include_index_stay
        As in :func:`lace_index`.

    Returns
    -------
    pandas.DataFrame
        ``sector``, ``lace_score``, ``n_index``, ``n_readmitted``, ``rate``
        with its Wilson 95 % interval (``ci_low``, ``ci_high``); scores
        without a stay have no row. Small counts: :data:`LACE_SUPPRESSION`.

    Examples
    --------
    >>> lace_rates(r).lace_score.min()                                  # doctest: +SKIP
    0
    """
    from readmit.comparison.risk_model import RiskModel
    from readmit.rule import with_wilson_interval

    if isinstance(source, RiskModel):
        rule, options = source.rule, source.options
    else:
        rule = source
        options = _options(charlson_weights, comorbidity_hierarchy, include_index_stay)
    counts = rule.frame("""
        SELECT sector, lace_score, CAST(count(*) AS BIGINT) AS n_index,
               CAST(sum(readmitted) AS BIGINT) AS n_readmitted
        FROM mart_comparison_design
        GROUP BY sector, lace_score ORDER BY sector, lace_score
        """, options=options)
    return with_wilson_interval(counts)


def _options(charlson_weights: str, comorbidity_hierarchy: bool,
             include_index_stay: bool) -> dict[str, Any]:
    from readmit.comorbidity import comorbidity_parameters

    return comorbidity_parameters(weights=charlson_weights, hierarchy=comorbidity_hierarchy,
                                  include_index_stay=include_index_stay)
