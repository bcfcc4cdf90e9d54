"""The national 30-day readmission indicator for the elderly, as published.

Somatic index stays of patients 67 and over whose main condition is in one of
the indicator's 11 diagnosis groups (``reference/elderly_groups.csv``, from
SKDE's ``Definisjoner_reinnleggelse_11gr.sas``), followed for an acute
readmission of any cause, by discharge year and trust, each group and all
groups together. The rule is readmit's (definitions.md) unless the analyst
asks for SKDE's variant (``window="days", link="latest"``,
docs/skde-differences.md).
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
from statsmodels.stats.proportion import proportion_confint

from readmit.errors import ParameterError

if TYPE_CHECKING:
    from readmit.loader import Extract

__all__ = [
    "INDICATOR_COLUMNS", "elderly_groups", "elderly_group_names", "elderly_indicator",
    "elderly_indicator_figure", "suppress_small_counts", "rates_indicator_command",
]

#: The columns of :func:`elderly_indicator` and ``readmit rates --indicator elderly``.
INDICATOR_COLUMNS = ["year", "institusjonID", "group", "n_index", "n_readmitted",
                     "rate", "ci_low", "ci_high"]

#: Counts and the columns computed from them, for :func:`suppress_small_counts`.
_COUNTS = ("n_index", "n_readmitted")
_DERIVED = ("rate", "ci_low", "ci_high")

#: The models that read ``elderly_group`` (rebuilt per group when ``link="latest"``).

#: English names of the groups (the reference file's titles are bokmål).
_ENGLISH_TITLES = {
    "asthma_copd": "Asthma/COPD", "urinary_tract_infection": "Urinary tract infection (cystitis)",
    "fracture": "Fracture", "dehydration": "Dehydration", "constipation": "Constipation",
    "gastroenteritis": "Gastroenteritis", "gout_arthritis": "Gout/arthritis",
    "heart_failure": "Heart failure", "deficiency_anaemia": "Deficiency anaemia",
    "pneumonia": "Pneumonia", "stroke": "Stroke",
}

#: Okabe-Ito, colour-blind safe (as readmit.savings.figures).
_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
            "#000000"]


def elderly_groups() -> pd.DataFrame:
    """The indicator's 11 diagnosis groups as code ranges.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``first``, ``last``, ``title`` (bokmål): one row per range of
        ICD-10 codes (upper case, no dot, 3 or 4 characters); a code belongs to a
        row when its first ``len(first)`` characters lie between ``first`` and
        ``last``. The file's header names its source (repository, path, commit).

    Examples
    --------
    >>> groups = elderly_groups()
    >>> groups.loc[groups.group == "urinary_tract_infection", ["first", "last"]].values.tolist()
    [['N300', 'N303'], ['N308', 'N309']]
    """
    ref = resources.files("readmit").joinpath("reference", "elderly_groups.csv")
    with ref.open(encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", dtype=str)


@lru_cache(maxsize=1)
def elderly_group_names() -> tuple[str, ...]:
    """The 11 group names in the reference file's order.

    Examples
    --------
    >>> len(elderly_group_names()), elderly_group_names()[0]
    (11, 'asthma_copd')
    """
    return tuple(dict.fromkeys(elderly_groups()["group"]))


def _rates(counts: pd.DataFrame) -> pd.DataFrame:
    out = counts.copy()
    n = out["n_index"].astype(float)
    k = out["n_readmitted"].astype(float)
    out["rate"] = k / n
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    out["ci_low"], out["ci_high"] = low, high
    return out


def _counts(rule, *, group: str | None) -> pd.DataFrame:
    """Eligible index stays and readmitted ones of the rule's ``mart_index_stays``
    by year, trust and group, rolled up to all trusts and (unless ``group`` names
    one group, built beside the rule with ``elderly_group=group``) all groups."""
    by_group = group is None
    sets = ('(year, "institusjonID", elderly_group), (year, "institusjonID"), '
            '(year, elderly_group), (year)') if by_group else '(year, "institusjonID"), (year)'
    group_label = ("CASE WHEN grouping(elderly_group) = 1 THEN 'all' ELSE elderly_group END"
                   if by_group else "$group")
    return rule.frame(
        f"""
        SELECT CAST(year AS INTEGER) AS year,
               CASE WHEN grouping("institusjonID") = 1 THEN 'all'
                    ELSE "institusjonID" END AS "institusjonID",
               {group_label} AS "group",
               CAST(count(*) AS BIGINT) AS n_index,
               CAST(sum(readmitted) AS BIGINT) AS n_readmitted
        FROM mart_index_stays
        WHERE eligible = 1
        GROUP BY GROUPING SETS ({sets})
        """,
        None if by_group else {"group": group},
        options=None if by_group else {"elderly_group": group})


def elderly_indicator(
    extract: Extract,
    *,
    window_days: int = 30,
    transfer_hours: float = 8.0,
    min_age: int = 67,
    keep_deaths: bool = False,
    end_date: date | str | None = None,
    window: str = "hours",
    link: str = "first",
    exclude_planned_conditions: bool = False,
) -> pd.DataFrame:
    """The national elderly readmission indicator, by discharge year, trust and group.

    Index stays: somatic stays of patients ``min_age`` and over, discharged
    alive, whose main condition (the first episode's) is in one of the 11
    groups (:func:`elderly_groups`); followed for an acute somatic readmission
    of any cause. Counted are the eligible index stays (complete follow-up, no
    death in the window without readmission unless ``keep_deaths``).

    Parameters
    ----------
    extract : readmit.Extract
        An extract opened with :func:`readmit.open`.
    window_days, transfer_hours, keep_deaths, end_date
        The rule's parameters (:func:`readmit.readmissions.rule_parameters`).
    min_age : int, default 67
        The indicator's age (SKDE's atlas used 75).
    window : {'hours', 'days'}, default 'hours'
        readmit's window (at most ``window_days`` * 24 h) or SKDE's (days 1 to
        ``window_days`` - 1 by date).
    link : {'first', 'latest'}, default 'first'
        readmit's link (an index stay's first acute stay after it) or SKDE's
        (an acute stay readmits only the latest index stay before it). With
        ``'latest'`` the index stays a readmission is linked to depend on the
        group, as in SKDE's macro run once per group: the links and index
        stays are rebuilt for each group (the stays are built once).
    exclude_planned_conditions : bool, default False
        Leave out readmissions whose main condition is on FHI's 2016 list.

    Returns
    -------
    pandas.DataFrame
        Exactly :data:`INDICATOR_COLUMNS`: ``year`` (of discharge),
        ``institusjonID`` ('all' for the whole region), ``group`` ('all' for
        the 11 groups together), ``n_index``, ``n_readmitted``, ``rate`` and its
        Wilson 95% interval ``ci_low``, ``ci_high``. Raw counts (the API is for
        the secure session; :func:`suppress_small_counts` before showing them).
        Rows sorted by year, trust ('all' first), group ('all' first, then the
        reference order); combinations without an eligible index stay have no row.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> table = elderly_indicator(ex, window="days", link="latest")
    >>> table.columns.tolist() == INDICATOR_COLUMNS
    True
    >>> ex.close()
    """
    from readmit.rule import Readmissions

    if min_age is None:
        raise ParameterError("min_age must be given for the elderly indicator (67 by default)")
    rule = Readmissions(extract, window_days=window_days, transfer_hours=transfer_hours,
                        min_age=min_age, sector="somatic", keep_deaths=keep_deaths,
                        end_date=end_date, window=window, link=link,
                        exclude_planned_conditions=exclude_planned_conditions,
                        elderly_group="all")
    parts = []
    if link == "first":
        # links do not depend on which stays are index stays: one build serves every group
        parts.append(_counts(rule, group=None))
    else:
        everything = _counts(rule, group=None)
        parts.append(everything[everything["group"] == "all"])
        for name in elderly_group_names():
            # only the index stays and the links depend on the group: the stays are shared
            parts.append(_counts(rule, group=name))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            INDICATOR_COLUMNS, ["int64", "object", "object"] + ["int64"] * 2 + ["float64"] * 3)})
    counts = pd.concat(parts, ignore_index=True)
    order = {g: i for i, g in enumerate(("all", *elderly_group_names()))}
    counts["_trust"] = counts["institusjonID"].ne("all")
    counts["_group"] = counts["group"].map(order)
    counts = counts.sort_values(["year", "_trust", "institusjonID", "_group"]) \
                   .drop(columns=["_trust", "_group"]).reset_index(drop=True)
    counts["year"] = counts["year"].astype("int64")
    return _rates(counts)[INDICATOR_COLUMNS]


def suppress_small_counts(table: pd.DataFrame, counts=_COUNTS, derived=_DERIVED) -> pd.DataFrame:
    """Counts from 1 to 4, and every ``derived`` value of their row, as ``"<5"``
    (definitions.md "Small numbers"; :func:`readmit.privacy.displayed`).

    Examples
    --------
    >>> t = pd.DataFrame({"n_index": [3, 40], "n_readmitted": [0, 2],
    ...                   "rate": [0.0, 0.05], "ci_low": [0.0, 0.01], "ci_high": [0.6, 0.2]})
    >>> suppress_small_counts(t).values.tolist()
    [['<5', 0, '<5', '<5', '<5'], [40, '<5', '<5', '<5', '<5']]
    """
    from readmit.privacy import displayed

    return displayed(table, counts=list(counts),
                     derived={d: list(counts) for d in derived})


def elderly_indicator_figure(table: pd.DataFrame, *, institusjonID: str = "all",
                             lang: str = "nb") -> go.Figure:
    """The indicator's rates with their 95% intervals, one row per group, one
    colour per year, for one trust (or the whole region).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`elderly_indicator`'s result (raw counts).
    institusjonID : str, default 'all'
    lang : {'nb', 'en'}, default 'nb'

    Examples
    --------
    >>> t = pd.DataFrame({"year": [2019, 2019], "institusjonID": ["all", "all"],
    ...                   "group": ["all", "pneumonia"], "n_index": [200, 50],
    ...                   "n_readmitted": [30, 9], "rate": [0.15, 0.18],
    ...                   "ci_low": [0.107, 0.098], "ci_high": [0.206, 0.307]})
    >>> elderly_indicator_figure(t).layout.xaxis.title.text
    'Reinnlagt innen 30 dager (%)'
    """
    if lang not in ("nb", "en"):
        raise ParameterError(f"lang must be 'nb' or 'en', not {lang!r}")
    rows = table[table["institusjonID"] == institusjonID]
    if rows.empty:
        raise ParameterError(f"institusjonID {institusjonID!r} has no rows in the table")
    titles = dict(zip(elderly_groups()["group"], elderly_groups()["title"]))
    names = {"all": "Alle 11 grupper" if lang == "nb" else "All 11 groups"}
    if lang == "nb":
        names |= titles
    else:
        names |= _ENGLISH_TITLES
    groups = [g for g in ("all", *elderly_group_names()) if g in set(rows["group"])]
    position = {g: i for i, g in enumerate(groups)}
    years = sorted(rows["year"].unique())
    step = 0.8 / max(len(years), 1)  # each year's marker a little lower than the last
    fig = go.Figure()
    for i, (year, part) in enumerate(rows.groupby("year", sort=True)):
        rate = 100 * part["rate"].astype(float)
        offset = (i - (len(years) - 1) / 2) * step
        fig.add_trace(go.Scatter(
            x=rate, y=[position[g] + offset for g in part["group"]], mode="markers",
            text=[names.get(g, g) for g in part["group"]],
            name=str(year), marker=dict(color=_COLOURS[i % len(_COLOURS)], size=9),
            error_x=dict(type="data", symmetric=False,
                         array=100 * part["ci_high"].astype(float) - rate,
                         arrayminus=rate - 100 * part["ci_low"].astype(float)),
            customdata=part[["n_readmitted", "n_index"]].to_numpy(),
            hovertemplate="%{text}: %{x:.1f}% (%{customdata[0]} / %{customdata[1]})<extra>"
                          + str(year) + "</extra>"))
    where = ("hele regionen" if lang == "nb" else "whole region") \
        if institusjonID == "all" else institusjonID
    fig.update_layout(
        template="plotly_white", font=dict(size=14), height=120 + 56 * len(groups),
        separators=", ",
        title=(f"30 dagers reinnleggelse for eldre, {where}" if lang == "nb"
               else f"30-day readmission of the elderly, {where}"),
        xaxis_title=("Reinnlagt innen 30 dager (%)" if lang == "nb"
                     else "Readmitted within 30 days (%)"),
        yaxis=dict(autorange="reversed", title=None, tickmode="array",
                   tickvals=list(range(len(groups))), ticktext=[names.get(g, g) for g in groups],
                   showgrid=False, zeroline=False),
        legend_title_text="Utskrivningsår" if lang == "nb" else "Discharge year",
        margin=dict(l=200, r=40, t=80, b=70))
    if lang == "en":
        fig.update_layout(separators=".,")
    return fig
