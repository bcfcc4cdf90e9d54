"""Plotly figures and display tables of savings results, amounts in NOK million.

``histogram``: distribution of one outcome with its 90% interval marked;
``tornado_chart``: one-way sensitivity, largest swing on top;
``comparison_chart``: scenarios side by side (median, 90% interval, mean);
``cumulative_chart``: cumulative net saving year by year with 90% bands;
``comparison_table``: the numbers behind them, formatted for reading.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readmit.figures import PALETTE
from readmit.savings.model import OUTCOMES
from readmit.savings.montecarlo import Simulation

MILLION = 1e6
#: Colour-blind-safe palette (Okabe-Ito).
COLOURS = PALETTE
_LAYOUT = dict(template="plotly_white", font=dict(size=14), height=460, separators=". ",
               margin=dict(l=80, r=40, t=80, b=70), hoverlabel=dict(font_size=13))


def _axis_label(outcome: str) -> str:
    label = OUTCOMES[outcome]
    return label.replace("(NOK)", "(NOK million)") if label.endswith("(NOK)") else label


def _scale(outcome: str) -> float:
    return MILLION if OUTCOMES[outcome].endswith("(NOK)") else 1.0


def histogram(sim: Simulation, outcome: str = "net_saving", bins: int = 60) -> go.Figure:
    """Histogram of ``outcome`` over the draws, the 90% interval shaded.

    The draws are binned here (not in the browser), so the figure stays
    small whatever the number of draws.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> fig = histogram(monte_carlo_savings(load_scenario("psht_team"), 2000, seed=1))
    >>> fig.layout.xaxis.title.text
    'Net saving over the horizon, discounted (NOK million)'
    """
    scale = _scale(outcome)
    x = sim.outcomes[outcome]
    x = x[np.isfinite(x)] / scale
    s = sim.summary().loc[outcome]
    # The range covers 99.8% of the draws so that a long tail does not squeeze the bins.
    counts, edges = np.histogram(x, bins=bins, range=tuple(np.quantile(x, [0.001, 0.999])))
    mids, width = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    fig = go.Figure(go.Bar(
        x=mids, y=100 * counts / max(len(x), 1), width=width, marker_color=COLOURS[0],
        marker_line_width=0, name="draws",
        hovertemplate="%{x:,.1f}: %{y:.2f}% of draws<extra></extra>"))
    lo, hi, mean = s.p05 / scale, s.p95 / scale, s["mean"] / scale
    fig.add_vrect(x0=lo, x1=hi, fillcolor=COLOURS[1], opacity=0.15, line_width=0, layer="below")
    for value, text, dash, pos in [(lo, "5%", "dot", "top left"), (hi, "95%", "dot", "top right"),
                                   (mean, f"mean {money(mean)}", "solid", "top right")]:
        fig.add_vline(x=value, line_dash=dash, line_color="#444", line_width=1.5,
                      annotation_text=text, annotation_position=pos, annotation_font_size=12,
                      annotation_bgcolor="rgba(255,255,255,0.85)",
                      annotation_yshift=-22 if text.startswith("mean") else 0)
    fig.update_layout(
        **_LAYOUT, bargap=0, showlegend=False,
        title=dict(text=f"{sim.scenario.title}: {OUTCOMES[outcome].split(' (')[0].lower()}"
                        f"<br><sup>{_fmt(sim.draws)} draws, seed {sim.seed}; shaded: 90% interval"
                        f" {money(lo)} to {money(hi)}</sup>"),
        xaxis_title=_axis_label(outcome), yaxis_title="Share of draws (%)")
    return fig


def tornado_chart(table: pd.DataFrame, title: str, outcome: str = "net_saving") -> go.Figure:
    """Tornado chart of a :func:`readmit.savings.sensitivity.tornado` table.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.sensitivity import tornado
    >>> s = load_scenario("psht_team")
    >>> fig = tornado_chart(tornado(s), s.title)
    >>> len(fig.data)
    2
    """
    scale = _scale(outcome)
    t = table.iloc[::-1]  # plotly draws the first row at the bottom
    base = float(table["base"].iloc[0]) / scale if len(table) else 0.0
    names = [f"{r.label}<br><span style='font-size:12px;color:#555'>"
             f"{_fmt(r.low)} to {_fmt(r.high)} ({r.kind})</span>" for r in t.itertuples()]
    fig = go.Figure()
    for col, value_col, name, colour in [("outcome_low", "low", "parameter at its low value", COLOURS[0]),
                                         ("outcome_high", "high", "parameter at its high value", COLOURS[1])]:
        fig.add_trace(go.Bar(
            y=names, x=t[col] / scale - base, base=base, orientation="h", name=name,
            marker_color=colour, customdata=np.c_[t[value_col], t[col] / scale],
            hovertemplate="value %{customdata[0]:,.4g} → %{customdata[1]:,.1f}<extra></extra>"))
    fig.add_vline(x=base, line_color="#222", line_width=1.5,
                  annotation_text=f"base case {money(base)}", annotation_position="top")
    fig.update_layout(
        **{**_LAYOUT, "height": max(300, 110 + 62 * len(table)),
           "margin": dict(l=40, r=40, t=90, b=70)},
        barmode="overlay", title=dict(text=f"{title}: one-way sensitivity"),
        xaxis_title=_axis_label(outcome), yaxis=dict(automargin=True),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0))
    return fig


def comparison_chart(sims: list[Simulation], outcome: str = "net_saving") -> go.Figure:
    """Scenarios side by side: median and 90% interval (bar), mean (diamond).

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> fig = comparison_chart([monte_carlo_savings(load_scenario("psht_team"), 500, seed=1)])
    >>> fig.layout.xaxis.title.text
    'Net saving over the horizon, discounted (NOK million)'
    """
    scale = _scale(outcome)
    rows = [(sim.scenario.title, sim.summary().loc[outcome]) for sim in sims][::-1]
    y = [name for name, _ in rows]
    p50 = np.array([s.p50 for _, s in rows]) / scale
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=p50, y=y, mode="markers", name="median, 90% interval",
        marker=dict(size=12, color=COLOURS[0]),
        error_x=dict(type="data", symmetric=False, thickness=3, width=8, color=COLOURS[0],
                     array=np.array([s.p95 for _, s in rows]) / scale - p50,
                     arrayminus=p50 - np.array([s.p05 for _, s in rows]) / scale),
        hovertemplate="median %{x:,.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[s["mean"] / scale for _, s in rows], y=y, mode="markers", name="mean",
        marker=dict(size=11, symbol="diamond-open", color=COLOURS[5], line_width=2)))
    if outcome in {"net_saving", "roi"}:
        fig.add_vline(x=0, line_color="#888", line_dash="dash")
    fig.update_layout(
        **{**_LAYOUT, "height": max(280, 150 + 70 * len(sims))},
        title=dict(text=f"Scenarios compared: {OUTCOMES[outcome].split(' (')[0].lower()}"),
        xaxis_title=_axis_label(outcome), yaxis=dict(automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0))
    return fig


def cumulative_chart(sims: list[Simulation]) -> go.Figure:
    """Cumulative discounted net saving by year, median and 90% band per scenario.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> fig = cumulative_chart([monte_carlo_savings(load_scenario("psht_team"), 500, seed=1)])
    >>> fig.layout.yaxis.title.text
    'Cumulative net saving, discounted (NOK million)'
    """
    fig = go.Figure()
    for i, sim in enumerate(sims):
        c, colour = sim.cumulative_net_saving(), COLOURS[i % len(COLOURS)]
        band_x = list(c["year"]) + list(c["year"][::-1])
        band_y = list(c["p95"] / MILLION) + list(c["p05"][::-1] / MILLION)
        rgb = tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))
        fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines",
                                 fillcolor=f"rgba{rgb + (0.15,)}", line_width=0, hoverinfo="skip",
                                 legendgroup=sim.scenario.name, showlegend=False))
        fig.add_trace(go.Scatter(x=c["year"], y=c["p50"] / MILLION, mode="lines+markers",
                                 name=sim.scenario.title, line=dict(color=colour, width=3),
                                 legendgroup=sim.scenario.name,
                                 hovertemplate="year %{x}: %{y:,.1f}<extra></extra>"))
    fig.add_hline(y=0, line_color="#888", line_dash="dash")
    fig.update_layout(
        **_LAYOUT, title=dict(text="Cumulative net saving by year<br><sup>median; band: "
                                   "90% interval</sup>"),
        xaxis=dict(title="Year of the intervention", dtick=1),
        yaxis_title="Cumulative net saving, discounted (NOK million)",
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    return fig


def comparison_table(sims: list[Simulation], outcomes=("gross_saving_per_year", "net_saving",
                                                        "roi", "break_even_cost_per_year",
                                                        "deaths_averted")) -> pd.DataFrame:
    """Scenarios side by side for reading: base case, mean and 90% interval.

    Money in NOK million with one decimal; ROI as a ratio; ``–`` where an
    outcome is undefined (ROI without a cost).

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> t = comparison_table([monte_carlo_savings(load_scenario("fewer_readmissions_10"), 500, seed=1)])
    >>> t.loc["Gross saving per year (NOK million)", "Base case"].iloc[0]
    '302.9'
    """
    rows = []
    outcomes = [o for o in outcomes if any(np.any(sim.outcomes[o] != 0) for sim in sims)]
    summaries = [(sim.scenario.title, sim.summary()) for sim in sims]
    for name in outcomes:
        scale = _scale(name)
        show = money if scale == MILLION else _fmt
        for title, s in summaries:
            r = s.loc[name]
            rows.append({"Outcome": _axis_label(name), "Scenario": title,
                         "Base case": show(r.base / scale), "Mean": show(r["mean"] / scale),
                         "90% interval": (f"{show(r.p05 / scale)} to {show(r.p95 / scale)}"
                                          if np.isfinite(r.p05) else "–")})
    return pd.DataFrame(rows).set_index(["Outcome", "Scenario"])


def money(value: float) -> str:
    """NOK million with one decimal and spaces between thousands: ``1 402.4``."""
    return "–" if not np.isfinite(value) else f"{value:,.1f}".replace(",", " ")


def _fmt(value: float) -> str:
    """Readable number: spaces between thousands, about three significant digits."""
    if not np.isfinite(value):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.3g}"


def parameter_table(scenarios) -> pd.DataFrame:
    """The values every scenario runs with: one row per parameter, one column
    per scenario (``default`` marks a value the scenario does not set).

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> t = parameter_table([load_scenario("psht_team")])
    >>> t.loc["Horizon (years)"].tolist()
    ['5']
    """
    from readmit.savings.model import PARAMETERS

    used = [p for p in PARAMETERS if any(p in s.parameters for s in scenarios)]
    rows = {}
    for name in used:
        default = PARAMETERS[name][0]
        rows[PARAMETERS[name][1]] = [
            s.parameters[name].describe() if name in s.parameters
            else ("–" if default is None else f"{_fmt(default)} (default)") for s in scenarios]
    rows["Horizon (years)"] = [str(s.horizon_years) for s in scenarios]
    rows["Cost components left out"] = [
        ", ".join(k for k, on in s.components.items() if not on) or "none" for s in scenarios]
    return pd.DataFrame(rows, index=[s.title for s in scenarios]).T
