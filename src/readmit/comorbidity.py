"""Comorbidity per stay: the Charlson comorbidity index and the Elixhauser count.

Both come from WHO ICD-10 codes with Quan et al.'s 2005 coding, shipped as
``readmit/reference/charlson_icd10.csv`` and ``elixhauser_icd10.csv`` (sources
in their header lines). The SQL model ``int_stay_comorbidity`` scores every
stay of ``int_stays``; the functions here bind its parameters, build it in the
extract's connection and return it as a DataFrame.

The defaults reproduce SKDE's ``makroer/CoMorbIndex.sas`` (SKDE-Analyse/sas_codes):

- lookback: the main and secondary conditions of the person's episodes of
  every kind (inpatient, day, outpatient; any sector) admitted from 365 days
  before the stay's admission date to the day before it. Episodes admitted on
  the admission day, the stay's own first episode included, do not count;
  ``include_index_stay=True`` adds the stay's own episodes;
- the original Charlson weights (1987), as SKDE uses them; ``weights="quan2011"``
  gives Quan et al.'s 2011 updated weights;
- no hierarchy: a mild and a severe form both count; ``hierarchy=True`` applies
  Quan's (severe liver disease over mild, diabetes with complications over
  without, metastatic solid tumour over any malignancy; for the Elixhauser
  count complicated over uncomplicated hypertension and diabetes and
  metastatic cancer over solid tumour).

Where this deviates from the macro: the flags are per stay (the macro's
``group by pid`` gives every index stay of a person the union over all of
that person's lookbacks), and four code-list slips of the macro are not
copied (see the data file's header).
"""
from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from readmit import sql
from readmit.errors import ParameterError

if TYPE_CHECKING:
    from readmit.rule import Readmissions
    import duckdb

    from readmit.loader import Extract

__all__ = [
    "CHARLSON_CONDITIONS",
    "WEIGHTS",
    "charlson_codes",
    "charlson_distribution",
    "charlson_figure",
    "comorbidity_of_built",
    "comorbidity_parameters",
    "elixhauser_codes",
    "stay_comorbidity",
]

#: The 17 Charlson conditions in Quan 2005's order (number 1-17): the flag
#: columns of :func:`stay_comorbidity`.
CHARLSON_CONDITIONS = [
    "myocardial_infarction", "congestive_heart_failure", "peripheral_vascular_disease",
    "cerebrovascular_disease", "dementia", "chronic_pulmonary_disease", "rheumatic_disease",
    "peptic_ulcer_disease", "mild_liver_disease", "diabetes_without_complications",
    "diabetes_with_complications", "hemiplegia_paraplegia", "renal_disease", "malignancy",
    "severe_liver_disease", "metastatic_solid_tumour", "aids_hiv",
]

#: The weight sets of the Charlson index: name -> column of ``charlson_icd10.csv``.
WEIGHTS = {"charlson": "weight_charlson", "quan2011": "weight_quan2011"}

#: The columns of :func:`stay_comorbidity`, in order.
COLUMNS = ["stay_id", "lopenr", "admitted_at", "charlson_index", "elixhauser_count",
           *CHARLSON_CONDITIONS]

_BANDS = ["0", "1", "2", "3", "4", "5+"]
_TEXT = {
    "nb": {"title": "Opphold etter Charlson-indeks", "x": "Charlson-indeks",
           "y": "Andel av oppholdene (%)", "stays": "opphold", "small": "<5"},
    "en": {"title": "Stays by Charlson index", "x": "Charlson index",
           "y": "Share of stays (%)", "stays": "stays", "small": "<5"},
}


def comorbidity_parameters(
    *,
    weights: str = "charlson",
    hierarchy: bool = False,
    lookback_days: int = 365,
    include_index_stay: bool = False,
) -> dict[str, Any]:
    """Validate the comorbidity options and return them as SQL bindings.

    Parameters
    ----------
    weights : {"charlson", "quan2011"}
        Charlson's original weights (as SKDE uses them) or Quan et al. 2011's.
    hierarchy : bool
        Count only the severe form when a mild and a severe form are both found.
    lookback_days : int
        How many days before the admission date the lookback starts (the
        admission day itself is never in it).
    include_index_stay : bool
        Add the conditions of the stay's own inpatient episodes.

    Returns
    -------
    dict
        ``charlson_weights``, ``comorbidity_hierarchy``,
        ``comorbidity_lookback_days`` and ``comorbidity_index_stay``.

    Raises
    ------
    ParameterError
        An unknown weight set or a negative lookback.

    Examples
    --------
    >>> comorbidity_parameters(weights="quan2011")["charlson_weights"]
    'quan2011'
    >>> comorbidity_parameters(lookback_days=-1)
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: lookback_days must be 0 or more, not -1
    """
    if weights not in WEIGHTS:
        raise ParameterError(f"weights must be one of {', '.join(map(repr, WEIGHTS))}, "
                             f"not {weights!r}")
    if isinstance(lookback_days, bool) or int(lookback_days) != lookback_days:
        raise ParameterError(f"lookback_days must be a whole number of days, not {lookback_days!r}")
    if lookback_days < 0:
        raise ParameterError(f"lookback_days must be 0 or more, not {lookback_days}")
    return {
        "charlson_weights": weights,
        "comorbidity_hierarchy": bool(hierarchy),
        "comorbidity_lookback_days": int(lookback_days),
        "comorbidity_index_stay": bool(include_index_stay),
    }


def stay_comorbidity(
    source: Extract | Readmissions,
    *,
    weights: str = "charlson",
    hierarchy: bool = False,
    lookback_days: int = 365,
    include_index_stay: bool = False,
    transfer_hours: float = 8.0,
) -> pd.DataFrame:
    """One row per stay with its Charlson conditions, Charlson index and Elixhauser count.

    Builds ``int_stay_comorbidity`` (one row per stay, keyed by ``stay_id``)
    among the rule's models; other options than the defaults are built beside
    them, over the same stays.

    Parameters
    ----------
    source : readmit.Readmissions or readmit.Extract
        A bound rule (its stays are used), or an extract opened with
        :func:`readmit.open` (stays formed with ``transfer_hours``).
    weights : {"charlson", "quan2011"}
        The Charlson weights: the original ones (1987; SKDE's default) or
        Quan et al.'s 2011 update.
    hierarchy : bool
        Apply Quan's hierarchy (a mild form is not counted when its severe
        form is found); SKDE's macro does not.
    lookback_days : int
        The lookback starts this many days before the admission date and ends
        the day before it (SKDE: 365).
    include_index_stay : bool
        Add the conditions of the stay's own inpatient episodes (SKDE: no).
    transfer_hours : float
        How stays are formed (definitions.md: Stays) when ``source`` is an
        extract; default 8. A rule brings its own.

    Returns
    -------
    pandas.DataFrame
        Columns ``stay_id``, ``lopenr``, ``admitted_at``, ``charlson_index``,
        ``elixhauser_count`` and one boolean column per condition of
        :data:`CHARLSON_CONDITIONS` (the conditions counted: with
        ``hierarchy=True`` a superseded mild form is False, so the index is
        the sum of the flagged conditions' weights). Sorted by person and
        admission. Person-level: it stays inside the secure server.

    Raises
    ------
    ParameterError
        A bad option (see :func:`comorbidity_parameters`) or a negative
        ``transfer_hours``.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> r = readmit.Readmissions(ex)
    >>> cci = stay_comorbidity(r, weights="quan2011", hierarchy=True)
    >>> int(cci.charlson_index.min()), len(cci) == len(stay_comorbidity(r))
    (0, True)
    >>> ex.close()
    """
    from readmit.rule import Readmissions

    options = comorbidity_parameters(weights=weights, hierarchy=hierarchy,
                                     lookback_days=lookback_days,
                                     include_index_stay=include_index_stay)
    if isinstance(source, Readmissions):
        rule = source
        if transfer_hours != 8.0 and float(transfer_hours) != rule.parameters["transfer_hours"]:
            raise ParameterError("transfer_hours: give it to Readmissions(), not here, "
                                 "when source is a rule")
    else:
        from readmit.rule import Readmissions as _R

        rule = _R(source, transfer_hours=transfer_hours)
    return rule.frame(_STAY_COMORBIDITY_SQL, options=options)


#: The rows of :func:`stay_comorbidity` and :func:`comorbidity_of_built`.
_STAY_COMORBIDITY_SQL = f"""
    SELECT c.stay_id, c.person_id AS lopenr, s.admitted_at, c.charlson_index,
           c.elixhauser_count, {", ".join(f"c.{name}" for name in CHARLSON_CONDITIONS)}
    FROM int_stay_comorbidity AS c
    JOIN int_stays AS s ON s.stay_id = c.stay_id
    ORDER BY lopenr, s.admitted_at, c.stay_id
"""


def comorbidity_of_built(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """:func:`stay_comorbidity` over an ``int_stay_comorbidity`` already built in ``con``.

    For callers that build all models once (with
    :func:`comorbidity_parameters` among the parameters of
    :func:`readmit.sql.build`) and then read several results. Other options
    over the same stays need only the comorbidity model rebuilt::

        sql.build_models(con, ["int_stay_comorbidity"],
                         comorbidity_parameters(weights="quan2011"))
        comorbidity_of_built(con)
    """
    return con.sql(_STAY_COMORBIDITY_SQL).df()


def charlson_codes() -> pd.DataFrame:
    """The shipped Charlson code table: one row per condition and code prefix.

    Columns ``number``, ``condition``, ``code`` (upper case, no dot),
    ``weight_charlson``, ``weight_quan2011`` and ``superseded_by`` (the
    condition that supersedes this one under the hierarchy, else empty).

    Examples
    --------
    >>> t = charlson_codes()
    >>> t.loc[t.code == "I255", "condition"].item()
    'congestive_heart_failure'
    >>> int(t.groupby("number").weight_quan2011.first().sum())
    28
    """
    return _reference_table("charlson_icd10.csv")


def elixhauser_codes() -> pd.DataFrame:
    """The shipped Elixhauser code table (31 conditions): ``number``,
    ``condition``, ``code``, ``superseded_by``.

    Examples
    --------
    >>> elixhauser_codes().condition.nunique()
    31
    """
    return _reference_table("elixhauser_icd10.csv")


def charlson_distribution(table: pd.DataFrame) -> pd.DataFrame:
    """Stays by Charlson index band (0, 1, 2, 3, 4, 5+).

    Parameters
    ----------
    table : pandas.DataFrame
        A frame with a ``charlson_index`` column, e.g. from :func:`stay_comorbidity`.

    Returns
    -------
    pandas.DataFrame
        ``band``, ``n_stays`` and ``share`` (of all stays in ``table``), one
        row per band. Counts 1-4 are real numbers here; :func:`charlson_figure`
        shows them as ``<5``.

    Examples
    --------
    >>> charlson_distribution(pd.DataFrame({"charlson_index": [0, 0, 2, 7]}))
      band  n_stays  share
    0    0        2   0.50
    1    1        0   0.00
    2    2        1   0.25
    3    3        0   0.00
    4    4        0   0.00
    5   5+        1   0.25
    """
    band = table["charlson_index"].clip(upper=5).astype(int).map(lambda v: _BANDS[v])
    counts = band.value_counts().reindex(_BANDS, fill_value=0)
    total = max(int(counts.sum()), 1)
    return pd.DataFrame({"band": _BANDS, "n_stays": counts.to_numpy(),
                         "share": counts.to_numpy() / total})


def charlson_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Bar chart of the share of stays by Charlson index band.

    Bands with 1-4 stays are not drawn and are labelled ``<5``
    (definitions.md, Small numbers).

    Parameters
    ----------
    table : pandas.DataFrame
        A frame with ``charlson_index`` (e.g. :func:`stay_comorbidity`) or the
        output of :func:`charlson_distribution`.
    lang : {"nb", "en"}
        Language of the title and axis labels (bokmål by default).

    Examples
    --------
    >>> fig = charlson_figure(pd.DataFrame({"charlson_index": [0] * 10 + [1] * 3}), lang="en")
    >>> list(fig.data[0].text[:2])
    ['76.9%', '<5']
    """
    if lang not in _TEXT:
        raise ParameterError(f"lang must be 'nb' or 'en', not {lang!r}")
    text = _TEXT[lang]
    dist = table if "n_stays" in table else charlson_distribution(table)
    small = dist.n_stays.between(1, 4)
    share = (100 * dist.share).where(~small, 0.0)
    decimal = "," if lang == "nb" else "."
    labels = [text["small"] if s else f"{v:.1f}%".replace(".", decimal)
              for s, v in zip(small, share)]
    fig = go.Figure(go.Bar(
        x=dist.band, y=share, text=labels, textposition="outside", marker_color="#0072B2",
        hovertemplate="%{x}: %{text}<extra></extra>"))
    n = int(dist.n_stays.sum())
    total = f"{n:,}".replace(",", "\u00a0" if lang == "nb" else ",")
    fig.update_layout(
        template="plotly_white", font=dict(size=14), height=420, showlegend=False,
        separators=", " if lang == "nb" else ". ",
        title=dict(text=f"{text['title']}<br><sup>{total} {text['stays']}</sup>"),
        xaxis_title=text["x"], yaxis_title=text["y"], yaxis_rangemode="tozero")
    return fig


def _reference_table(filename: str) -> pd.DataFrame:
    ref = resources.files("readmit").joinpath("reference", filename)
    with resources.as_file(ref) as path:
        return pd.read_csv(path, comment="#", dtype={"code": str, "superseded_by": str},
                           keep_default_na=False)
