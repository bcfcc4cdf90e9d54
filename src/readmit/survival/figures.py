"""Figures of survival after discharge, each drawn from its table.

Every function takes a table of :mod:`readmit.survival` as returned or as
masked by :func:`readmit.privacy.masked` (suppressed cells NaN): a masked
count is written ``<5`` and a masked point is not drawn.

Examples
--------
>>> import pandas as pd
>>> curves = pd.DataFrame({"readmitted": [False] * 3 + [True] * 3, "day": [0, 1, 2] * 2,
...     "n_at_risk": [50, 48, 47, 20, 19, 18], "deaths": [0, 1, 0, 0, 1, 1],
...     "censored": [0, 1, 1, 0, 0, 1], "cumulative_deaths": [0, 1, 1, 0, 1, 2],
...     "survival": [1, .98, .98, 1, .95, .9], "ci_low": [1, .9, .9, 1, .8, .7],
...     "ci_high": [1, 1, 1, 1, 1, .98]})
>>> fig = survival_figure(curves, lang="en")
>>> fig.layout.title.text.split("<br>")[0]
'Survival after discharge'
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readmit.figures import (GREY, HIGHLIGHT, PALETTE, SMALL, check_lang, colour_map, integer,
                             interval_band, percent, pick, styled, t)
from readmit.survival.labels import covariate_label, group_label, grouping_title

__all__ = ["survival_figure", "survival_at_figure", "hazard_ratio_figure"]

#: p-values below this are drawn at it (the test's own precision ends about here).
P_FLOOR = 1e-16


def _text(value, fmt) -> str:
    return SMALL if value is None or (isinstance(value, float) and math.isnan(value)) else fmt(value)


def _groups(table: pd.DataFrame) -> tuple[str, list]:
    by = table.columns[0]
    return by, list(dict.fromkeys(table[by].tolist()))


def _rows(table: pd.DataFrame, by: str, key) -> pd.DataFrame:
    return table[table[by].isna()] if pd.isna(key) else table[table[by] == key]


def survival_figure(curves: pd.DataFrame, *, lang: str = "nb", at_risk_every: int = 30,
                    title: str | None = None, subtitle: str | None = None) -> go.Figure:
    """Kaplan–Meier curves with 95% bands and the numbers at risk under the plot.

    Parameters
    ----------
    curves : pandas.DataFrame
        From :func:`~readmit.survival.survival_curves` (or masked): the
        grouping column first, then ``day``, ``n_at_risk``, ``survival``,
        ``ci_low``, ``ci_high``.
    lang : {"nb", "en"}
    at_risk_every : int, default 30
        Days between the columns of the numbers at risk (and the x ticks).
    title, subtitle : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
    """
    check_lang(lang)
    by, keys = _groups(curves)
    horizon = int(curves["day"].max()) if len(curves) else 0
    ticks = list(range(0, horizon + 1, max(1, int(at_risk_every))))
    if horizon - ticks[-1] >= at_risk_every / 2:
        ticks.append(horizon)
    colours = colour_map([str(k) for k in keys])
    fig = go.Figure()
    for key in keys:
        rows = _rows(curves, by, key).sort_values("day")
        name = group_label(by, key, lang=lang)
        colour = colours[str(key)]
        fig.add_trace(go.Scatter(x=rows["day"], y=rows["ci_high"], mode="lines", line_shape="hv",
                                 line=dict(width=0), hoverinfo="skip", showlegend=False,
                                 legendgroup=name))
        fig.add_trace(go.Scatter(x=rows["day"], y=rows["ci_low"], mode="lines", line_shape="hv",
                                 line=dict(width=0), fill="tonexty", hoverinfo="skip",
                                 fillcolor=interval_band(colour), showlegend=False,
                                 legendgroup=name))
        hover = [f"{name}<br>{pick(nb='Dag', en='Day', lang=lang)} {d}: "
                 f"{_text(s, lambda v: percent(v, lang=lang))} "
                 f"({_text(lo, lambda v: percent(v, lang=lang))}–"
                 f"{_text(hi, lambda v: percent(v, lang=lang))})<br>"
                 f"{pick(nb='I risiko', en='At risk', lang=lang)}: "
                 f"{_text(n, lambda v: integer(v, lang=lang))}"
                 for d, s, lo, hi, n in zip(rows["day"], rows["survival"], rows["ci_low"],
                                            rows["ci_high"], rows["n_at_risk"])]
        fig.add_trace(go.Scatter(x=rows["day"], y=rows["survival"], mode="lines", name=name,
                                 line_shape="hv", line=dict(color=colour, width=2.5),
                                 legendgroup=name, text=hover, hovertemplate="%{text}<extra></extra>"))
    bottom = _bottom(curves["ci_low"])
    plot_px, row_px = 300, 22
    table_rows = len(keys) + 1
    bottom_px = 80 + row_px * (table_rows + 1) + 10
    height = 90 + plot_px + bottom_px
    fig.update_yaxes(range=[bottom, 1.005], tickformat=".0%")
    # room left of day 0 for the first column of numbers at risk
    pad = max(2.0, 0.10 * horizon)
    fig.update_xaxes(range=[-pad, horizon + pad / 2], tickvals=ticks)
    styled(fig, title=title or pick(nb="Overlevelse etter utskrivning",
                                    en="Survival after discharge", lang=lang),
           subtitle=subtitle or pick(nb="Kaplan–Meier med 95 % konfidensintervall",
                                     en="Kaplan–Meier with 95% confidence interval", lang=lang),
           x_title=t("days_since_discharge", lang=lang), y_title=t("survival", lang=lang),
           lang=lang, height=height, legend_title_text=grouping_title(by, lang=lang),
           margin=dict(l=170, r=40, t=90, b=bottom_px))
    # the numbers at risk: one row per group under the x axis title
    def y_at(i: int) -> float:
        return -(70 + row_px * (i + 1)) / plot_px
    fig.add_annotation(x=-0.01, xref="paper", xanchor="right", y=y_at(0), yref="paper",
                       text=f"<b>{pick(nb='Antall i risiko', en='Number at risk', lang=lang)}</b>",
                       showarrow=False, font=dict(size=12))
    for i, key in enumerate(keys, start=1):
        rows = _rows(curves, by, key).set_index("day")
        colour = colours[str(key)]
        fig.add_annotation(x=-0.01, xref="paper", xanchor="right", y=y_at(i), yref="paper",
                           text=group_label(by, key, lang=lang), showarrow=False,
                           font=dict(size=12, color=colour))
        for d in ticks:
            n = rows["n_at_risk"].get(d, np.nan)
            fig.add_annotation(x=d, xref="x", y=y_at(i), yref="paper", showarrow=False,
                               text=_text(n, lambda v: integer(v, lang=lang)),
                               font=dict(size=12, color=colour))
    if curves[["survival", "n_at_risk"]].isna().to_numpy().any():
        _footnote(fig, t("suppressed", lang=lang), y=y_at(table_rows))
    return fig


def survival_at_figure(table: pd.DataFrame, *, lang: str = "nb", title: str | None = None
                       ) -> go.Figure:
    """Survival at given days by group: points with 95% intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`~readmit.survival.survival_at` (or masked).
    lang : {"nb", "en"}
    title : str, optional
    """
    check_lang(lang)
    by, keys = _groups(table)
    labels = {str(k): group_label(by, k, lang=lang) for k in keys}
    fig = go.Figure()
    for i, day in enumerate(sorted(table["day"].unique())):
        rows = table[table["day"] == day]
        x = [labels[str(k)] for k in rows[by]]
        hover = [f"{labels[str(k)]}, {pick(nb='dag', en='day', lang=lang)} {day}: "
                 f"{_text(s, lambda v: percent(v, lang=lang))} "
                 f"({_text(lo, lambda v: percent(v, lang=lang))}–"
                 f"{_text(hi, lambda v: percent(v, lang=lang))}); "
                 f"{_text(d, lambda v: integer(v, lang=lang))} "
                 f"{pick(nb='døde av', en='deaths of', lang=lang)} "
                 f"{_text(n, lambda v: integer(v, lang=lang))}"
                 for k, s, lo, hi, d, n in zip(rows[by], rows["survival"], rows["ci_low"],
                                               rows["ci_high"], rows["deaths"], rows["n"])]
        fig.add_trace(go.Scatter(
            x=x, y=rows["survival"], mode="markers", name=f"{pick(nb='Dag', en='Day', lang=lang)} {day}",
            marker=dict(size=10, color=PALETTE[i % len(PALETTE)]),
            error_y=dict(type="data", symmetric=False, array=rows["ci_high"] - rows["survival"],
                         arrayminus=rows["survival"] - rows["ci_low"], thickness=1.5),
            text=hover, hovertemplate="%{text}<extra></extra>"))
    fig.update_yaxes(range=[_bottom(table["ci_low"]), 1.005], tickformat=".0%")
    fig.update_layout(scattermode="group", scattergap=0.5)   # the days side by side per group
    styled(fig, title=title or pick(nb="Andel i live etter utskrivning",
                                    en="Share alive after discharge", lang=lang),
           subtitle=pick(nb="Kaplan–Meier med 95 % konfidensintervall",
                         en="Kaplan–Meier with 95% confidence interval", lang=lang),
           x_title=grouping_title(by, lang=lang), y_title=t("survival", lang=lang), lang=lang)
    if table["survival"].isna().any():
        _footnote(fig, t("suppressed", lang=lang), y=-0.25)
    return fig


def hazard_ratio_figure(table: pd.DataFrame, *, lang: str = "nb",
                        references: Mapping[str, object] | None = None,
                        title: str | None = None) -> go.Figure:
    """A forest plot of hazard ratios, with the proportional-hazards test beside it.

    Parameters
    ----------
    table : pandas.DataFrame
        ``CoxResult.table`` (or masked): ``covariate``, ``hazard_ratio``,
        ``ci_low``, ``ci_high``, ``ph_test_p``.
    lang : {"nb", "en"}
    references : mapping, optional
        ``CoxResult.references``: the reference levels, named in the subtitle.
    title : str, optional
    """
    from plotly.subplots import make_subplots

    check_lang(lang)
    rows = table.iloc[::-1]
    labels = [covariate_label(c, lang=lang) + ("" if pd.notna(h) else f" ({SMALL})")
              for c, h in zip(rows["covariate"], rows["hazard_ratio"])]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.68, 0.32],
                        horizontal_spacing=0.03,
                        subplot_titles=[pick(nb="Hasardratio (95 % KI)", en="Hazard ratio (95% CI)",
                                             lang=lang),
                                        pick(nb="Test av proporsjonale hasarder",
                                             en="Proportional-hazards test", lang=lang)])
    hr = pd.to_numeric(rows["hazard_ratio"], errors="coerce")
    hover = [f"{lab}: {_text(h, lambda v: f'{v:.2f}')} "
             f"({_text(lo, lambda v: f'{v:.2f}')}–{_text(hi, lambda v: f'{v:.2f}')})"
             for lab, h, lo, hi in zip(labels, hr, rows["ci_low"], rows["ci_high"])]
    if lang == "nb":
        hover = [h.replace(".", ",") for h in hover]
    fig.add_trace(go.Scatter(
        x=hr, y=labels, mode="markers", marker=dict(color=PALETTE[0], size=9, symbol="square"),
        error_x=dict(type="data", symmetric=False, array=rows["ci_high"] - hr,
                     arrayminus=hr - rows["ci_low"], color=PALETTE[0], thickness=1.5),
        text=hover, hovertemplate="%{text}<extra></extra>", showlegend=False), row=1, col=1)
    raw_p = pd.to_numeric(rows["ph_test_p"], errors="coerce")
    p = raw_p.clip(lower=P_FLOOR)
    fails = p < 0.05
    fig.add_trace(go.Scatter(
        x=p, y=labels, mode="markers", showlegend=False,
        marker=dict(size=9, color=[HIGHLIGHT if f else GREY for f in fails]),
        text=[f"p = {v:.2g}" if np.isfinite(v) else SMALL for v in raw_p],
        hovertemplate="%{y}: %{text}<extra></extra>"), row=1, col=2)
    fig.add_vline(x=1, line=dict(color="#555", dash="dot"), row=1, col=1)
    fig.add_vline(x=0.05, line=dict(color=HIGHLIGHT, dash="dot"), row=1, col=2)
    low = float(np.nanmin([pd.to_numeric(rows["ci_low"], errors="coerce").min(), 1.0]))
    high = float(np.nanmax([pd.to_numeric(rows["ci_high"], errors="coerce").max(), 1.0]))
    ticks = [v for v in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50) if low / 1.5 <= v <= high * 1.5]
    fig.update_xaxes(type="log", row=1, col=1, tickvals=ticks,
                     ticktext=[_decimal(v, lang) for v in ticks])
    p_ticks = [P_FLOOR, 1e-8, 0.05]
    fig.update_xaxes(type="log", row=1, col=2, tickvals=p_ticks, tickangle=0,
                     ticktext=["≤10⁻¹⁶", "10⁻⁸", _decimal(0.05, lang)],
                     range=[math.log10(P_FLOOR) - 0.5, 0.3],
                     title_text=pick(nb="p (under 0,05: brudd)", en="p (below 0.05: violated)",
                                     lang=lang))
    subtitle = pick(nb="Cox-modell; rødt punkt: antakelsen om proporsjonale hasarder brytes",
                    en="Cox model; red point: the proportional-hazards assumption fails",
                    lang=lang)
    if references:
        subtitle += "<br>" + pick(nb="Referanse", en="Reference", lang=lang) + ": " + ", ".join(
            covariate_label(f"{k}={v}", lang=lang) for k, v in references.items())
    styled(fig, title=title or pick(nb="Hasardratio for død innen seks måneder",
                                    en="Hazard ratios of death within six months", lang=lang),
           subtitle=subtitle, lang=lang, height=180 + 30 * len(rows),
           margin=dict(l=330, r=40, t=130 if references else 110, b=70))
    fig.update_xaxes(title_text=pick(nb="Hasardratio (logaritmisk skala)",
                                     en="Hazard ratio (log scale)", lang=lang), row=1, col=1)
    if hr.isna().any():
        _footnote(fig, t("suppressed", lang=lang), y=-0.2)
    return fig


def _bottom(low: pd.Series) -> float:
    """The y axis' lower end: the lowest interval, less a margin, in steps of 5 points."""
    value = pd.to_numeric(low, errors="coerce").min()
    return 0.0 if not np.isfinite(value) else max(0.0, math.floor((value - 0.02) * 20) / 20)


def _decimal(v: float, lang: str) -> str:
    text = f"{v:g}"
    return text.replace(".", ",") if lang == "nb" else text


def _footnote(fig: go.Figure, text: str, *, y: float) -> None:
    fig.add_annotation(x=0, xref="paper", xanchor="left", y=y, yref="paper", yanchor="top",
                       text=text, showarrow=False, font=dict(size=11, color="#555"))
