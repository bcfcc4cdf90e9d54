"""Length of stay against readmission.

- :func:`rates_by_los_band`: the readmission share of index stays by
  length-of-stay band (0, 1, 2, 3–4, 5–7, 8–14, 15–29, 30+ days) per sector,
  with Wilson 95 % intervals; :func:`rates_by_los_band_figure` draws it.
- :func:`los_vs_readmission`: per discharge year, trust and sector, the mean
  length of stay and the readmission share of the eligible index stays, with
  the trust's catchment population; :func:`los_vs_readmission_figure` is the
  pre-project's bubble chart (domain.md, "What leaders asked the numbers to
  show", 2): one bubble per trust and year, its area the catchment
  population, each trust's years joined in order so its path is visible.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> bands = rates_by_los_band(r)
>>> bands.columns.tolist()
['sector', 'los_band', 'n_index', 'n_readmitted', 'rate', 'ci_low', 'ci_high']
>>> table = los_vs_readmission(r)
>>> table.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
['year', 'institusjonID', 'sector', 'n_index', 'mean_los_days', 'n_readmitted', 'rate',
 'ci_low', 'ci_high', 'catchment_population']
>>> fig = los_vs_readmission_figure(table, highlight="HBE", lang="en")
>>> fig.layout.xaxis.title.text
'Mean length of stay (days)'
>>> ex.close()
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from readmit.analyses._common import (LOS_BANDS, add_hidden_note, as_percent, as_values,
                                      group_colours, group_label, groupings, los_band_label,
                                      select_groups, shown_count, shown_share)
from readmit.errors import ParameterError
from readmit.figures import integer, number, pick, sector_name, styled, t, trust_name
from readmit.rule import with_wilson_interval

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["rates_by_los_band", "rates_by_los_band_figure", "los_vs_readmission",
           "los_vs_readmission_figure", "LOS_VS_READMISSION_COLUMNS", "LOS_SUPPRESSION"]

#: The columns of :func:`los_vs_readmission` (and of ``readmit analyse ... los-vs-readmission``).
LOS_VS_READMISSION_COLUMNS = [
    "year", "institusjonID", "sector", "n_index", "mean_los_days", "n_readmitted", "rate",
    "ci_low", "ci_high", "catchment_population",
]
_RATE = ["n_index", "n_readmitted"]
#: Counts of both tables and what is computed from them (``mean_los_days`` is
#: a mean over the ``n_index`` stays).
LOS_SUPPRESSION = {
    "counts": ["n_index", "n_readmitted"],
    "derived": {"rate": _RATE, "ci_low": _RATE, "ci_high": _RATE, "mean_los_days": ["n_index"]},
}
_BAND_GROUPINGS = ("year", "institusjonID", "sector")


def rates_by_los_band(rule: Readmissions, *, by: Sequence[str] | str | None = ("sector",)
                      ) -> pd.DataFrame:
    """Readmission share of the eligible index stays by length-of-stay band.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : any of ``"sector"``, ``"year"``, ``"institusjonID"`` (``"trust"``), or None
        Groups; default one set of bands per sector.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``los_band`` (:data:`readmit.analyses.LOS_BANDS`,
        in that order within each group), ``n_index``, ``n_readmitted``,
        ``rate``, ``ci_low``, ``ci_high`` (Wilson 95 %). A band without an
        eligible index stay has no row.

    Examples
    --------
    >>> rates_by_los_band(r, by=None)["los_band"].tolist()[:3]           # doctest: +SKIP
    ['0', '1', '2']
    """
    names = groupings(by, _BAND_GROUPINGS)
    cols, keys = select_groups(names)
    counts = rule.frame(f"""
        SELECT {cols + ',' if names else ''} los_band,
               CAST(sum(n_index) AS BIGINT) AS n_index,
               CAST(sum(n_readmitted) AS BIGINT) AS n_readmitted
        FROM mart_index_stay_counts
        GROUP BY {keys + ',' if names else ''} los_band, los_band_order
        HAVING sum(n_index) > 0
        ORDER BY {keys + ',' if names else ''} los_band_order
        """)
    return with_wilson_interval(counts)


def rates_by_los_band_figure(table: pd.DataFrame, *, lang: str = "nb",
                             highlight: str | None = None) -> go.Figure:
    """Readmission share by length-of-stay band, one line per group, with
    Wilson 95 % intervals as error bars.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`rates_by_los_band`, possibly masked (NaN cells are gaps).
    lang : {"nb", "en"}
    highlight : str, optional
        A trust drawn in colour, the others grey (a table grouped by trust).
    """
    groups = [c for c in ("sector", "institusjonID", "year") if c in table.columns]
    frame = table.copy()
    keys = (frame[groups].astype(str).agg(" · ".join, axis=1) if groups
            else pd.Series(["all"] * len(frame), index=frame.index))
    trusts = frame["institusjonID"] if "institusjonID" in frame else pd.Series(
        [None] * len(frame), index=frame.index)
    colours = group_colours(dict(zip(keys, trusts)), highlight=highlight)
    order = {b: i for i, b in enumerate(LOS_BANDS)}
    fig = go.Figure()
    for key in dict.fromkeys(keys):
        part = frame[keys == key].copy()
        part = part.iloc[part["los_band"].map(order).argsort()]
        name = (" · ".join(group_label(v, lang=lang) for v in part[groups].iloc[0])
                if groups else pick(nb="Alle", en="All", lang=lang))
        rate, low, high = (as_percent(part[c]) for c in ("rate", "ci_low", "ci_high"))
        fig.add_trace(go.Scatter(
            x=[los_band_label(b) for b in part["los_band"]], y=rate, mode="lines+markers",
            name=name, line=dict(color=colours[key], width=2),
            error_y=dict(type="data", thickness=1.2, width=4,
                         array=[None if h is None or v is None else h - v
                                for h, v in zip(high, rate)],
                         arrayminus=[None if lo is None or v is None else v - lo
                                     for lo, v in zip(low, rate)]),
            hovertext=[f"{name}, {los_band_label(b)} {pick(nb='døgn', en='days', lang=lang)}<br>"
                       f"{t('readmission_share', lang=lang)}: {shown_share(v, lang=lang)} "
                       f"({shown_share(lo, lang=lang)}–{shown_share(hi, lang=lang)})<br>"
                       f"{t('index_stays', lang=lang)}: {shown_count(n, lang=lang)}"
                       for b, v, lo, hi, n in zip(part["los_band"], part["rate"],
                                                  part["ci_low"], part["ci_high"],
                                                  part["n_index"])],
            hoverinfo="text"))
    styled(fig, title=pick(nb="Reinnleggelser etter liggetid", en="Readmissions by length of stay",
                           lang=lang),
           subtitle=pick(nb="Andel indeksopphold reinnlagt, med 95 % konfidensintervall (Wilson)",
                         en="Share of index stays readmitted, with 95% confidence interval "
                            "(Wilson)", lang=lang),
           x_title=t("los_days", lang=lang),
           y_title=pick(nb="Reinnlagt (%)", en="Readmitted (%)", lang=lang), lang=lang)
    fig.update_xaxes(type="category", categoryorder="array",
                     categoryarray=[los_band_label(b) for b in LOS_BANDS])
    fig.update_yaxes(rangemode="tozero")
    return fig


def los_vs_readmission(rule: Readmissions) -> pd.DataFrame:
    """Mean length of stay and readmission share per discharge year, trust and sector.

    Parameters
    ----------
    rule : readmit.Readmissions

    Returns
    -------
    pandas.DataFrame
        :data:`LOS_VS_READMISSION_COLUMNS`: one row per discharge year ×
        trust × sector with an eligible index stay; ``n_index`` eligible
        index stays, ``mean_los_days`` their mean ``los_days``,
        ``n_readmitted``, ``rate`` with its Wilson 95 % interval, and the
        trust's ``catchment_population`` that year (reference data; missing
        where the reference has no row).

    Examples
    --------
    >>> los_vs_readmission(r).iloc[0]["institusjonID"]                      # doctest: +SKIP
    'HBE'
    """
    counts = rule.frame("""
        SELECT c.year, c."institusjonID", c.sector,
               CAST(sum(c.n_index) AS BIGINT) AS n_index,
               sum(c.los_days_sum) / sum(c.n_index) AS mean_los_days,
               CAST(sum(c.n_readmitted) AS BIGINT) AS n_readmitted,
               any_value(p.catchment_population) AS catchment_population
        FROM mart_index_stay_counts AS c
        LEFT JOIN ref_institusjoner AS p
               ON p."institusjonID" = c."institusjonID" AND p.year = c.year
        GROUP BY c.year, c."institusjonID", c.sector
        HAVING sum(c.n_index) > 0
        ORDER BY c.year, c."institusjonID", c.sector
        """)
    counts["catchment_population"] = counts["catchment_population"].astype("Int64")
    return with_wilson_interval(counts)[LOS_VS_READMISSION_COLUMNS]


def los_vs_readmission_figure(table: pd.DataFrame, *, sector: str = "somatic",
                              lang: str = "nb", highlight: str | None = None) -> go.Figure:
    """The pre-project's bubble chart: each trust's mean length of stay (x)
    against its readmission share (y), one bubble per year, its area the
    catchment population, the years joined in order. The first and last year
    of each path are labelled; with ``highlight``, every year of that trust
    and none of the others (their years are in the hover text).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`los_vs_readmission`, possibly masked: a year whose rate
        or mean length of stay is NaN is left out of its trust's path.
    sector : str, default "somatic"
        The sector drawn (a row of the table's ``sector`` column).
    lang : {"nb", "en"}
    highlight : str, optional
        A trust drawn in colour, the others grey.
    """
    if sector not in set(table["sector"]):
        raise ParameterError(f"sector: {sector!r} is not in the table "
                             f"(it has {', '.join(sorted(map(str, set(table['sector']))))})")
    frame = table[table["sector"] == sector].sort_values(["institusjonID", "year"])
    trusts = list(dict.fromkeys(frame["institusjonID"]))
    colours = group_colours({k: k for k in trusts}, highlight=highlight)
    population = pd.to_numeric(frame["catchment_population"], errors="coerce")
    biggest = float(population.max()) if population.notna().any() else 1.0
    max_px = 46
    fig = go.Figure()
    hidden: list[str] = []
    # the highlighted trust last, so it is drawn on top
    for trust in sorted(trusts, key=lambda k: k == highlight):
        part = frame[frame["institusjonID"] == trust]
        x, y = as_values(part["mean_los_days"]), as_percent(part["rate"])
        keep = [a is not None and b is not None for a, b in zip(x, y)]
        hidden += [f"{trust_name(trust)} {int(yr)}" for yr, k in zip(part["year"], keep) if not k]
        part = part[keep]
        x = [v for v, k in zip(x, keep) if k]
        y = [v for v, k in zip(y, keep) if k]
        pop = pd.to_numeric(part["catchment_population"], errors="coerce")
        colour = colours[trust]
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers+text", name=trust_name(trust),
            text=_year_labels(part["year"], which="ends" if highlight is None else
                              "all" if trust == highlight else "none"),
            textposition="top center",
            textfont=dict(size=11, color=colour),
            line=dict(color=colour, width=2.5 if trust == highlight else 1.5),
            marker=dict(size=pop.fillna(0).tolist(), sizemode="area", sizemin=5,
                        sizeref=2.0 * biggest / max_px ** 2, color=colour, opacity=0.55,
                        line=dict(color="white", width=1)),
            hovertext=[f"{trust_name(trust)}, {int(yr)}<br>"
                       f"{t('mean_los_days', lang=lang)}: {number(ml, 2, lang=lang)}<br>"
                       f"{t('readmission_share', lang=lang)}: {shown_share(r_, lang=lang)} "
                       f"({shown_share(lo, lang=lang)}–{shown_share(hi, lang=lang)})<br>"
                       f"{t('index_stays', lang=lang)}: {shown_count(n, lang=lang)}<br>"
                       f"{t('catchment_population', lang=lang)}: "
                       f"{integer(p, lang=lang) if pd.notna(p) else '–'}"
                       for yr, ml, r_, lo, hi, n, p in zip(
                           part["year"], part["mean_los_days"], part["rate"], part["ci_low"],
                           part["ci_high"], part["n_index"], pop)],
            hoverinfo="text"))
    years = sorted({int(v) for v in frame["year"]})
    span = f"{years[0]}–{years[-1]}" if years else ""
    styled(fig, title=pick(nb=f"Liggetid og reinnleggelser per helseforetak, {span}",
                           en=f"Length of stay and readmissions by health trust, {span}",
                           lang=lang),
           subtitle=pick(nb=f"{sector_name(sector, lang=lang)}; én boble per år, "
                            "boblens areal er befolkningen i opptaksområdet",
                         en=f"{sector_name(sector, lang=lang)}; one bubble per year, "
                            "its area the catchment population", lang=lang),
           x_title=t("mean_los_days", lang=lang),
           y_title=pick(nb="Reinnlagt (%)", en="Readmitted (%)", lang=lang),
           lang=lang, height=560)
    if hidden:
        add_hidden_note(fig, pick(nb="ikke vist (færre enn fem)", en="not shown (fewer than "
                                  "five)", lang=lang), hidden)
    if highlight is not None:
        fig.update_layout(legend_title_text=pick(nb="Helseforetak", en="Health trust", lang=lang))
    return fig


def _year_labels(years: pd.Series, *, which: str) -> list[str]:
    """Bubble labels: ``"all"`` years, the first and last (``"ends"``: paths lying
    close would bury each other's labels) or ``"none"``."""
    values = [str(int(v)) for v in years]
    if which == "none":
        return [""] * len(values)
    if which == "all" or len(values) <= 2:
        return values
    return [v if i in (0, len(values) - 1) else "" for i, v in enumerate(values)]
