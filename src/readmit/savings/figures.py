"""Plotly figures and display tables of savings results, amounts in NOK million.

Every figure has readmit's one look (:func:`readmit.figures.styled`: the
Okabe-Ito palette, system fonts, the language's number format) and speaks
bokmål (``lang="nb"``, the default of leader figures) or English
(``lang="en"``, the savings notebook's language).

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

from readmit.figures import PALETTE, check_lang, interval_band, number, pick, styled
from readmit.savings.model import OUTCOMES, PARAMETERS
from readmit.savings.montecarlo import Simulation

MILLION = 1e6
#: Colour-blind-safe palette (Okabe-Ito), as every readmit figure.
COLOURS = PALETTE

#: Bokmål labels of :data:`readmit.savings.model.OUTCOMES`.
OUTCOMES_NB = {
    "gross_saving_per_year": "Bruttogevinst per år (kr)",
    "gross_saving": "Bruttogevinst over perioden, neddiskontert (kr)",
    "intervention_cost": "Kostnad ved tiltaket over perioden, neddiskontert (kr)",
    "net_saving": "Nettogevinst over perioden, neddiskontert (kr)",
    "roi": "Avkastning (nettogevinst / kostnad)",
    "break_even_cost": "Kostnad tiltaket kan ha over perioden og gå i balanse (kr)",
    "break_even_cost_per_year": "Årlig driftskostnad tiltaket kan ha og gå i balanse (kr)",
    "avoided_bed_days": "Unngåtte liggedøgn per år",
    "avoided_ukp_days": "Unngåtte utskrivningsklare døgn per år",
    "deaths_averted": "Unngåtte dødsfall innen seks måneder per år",
}
#: Bokmål labels of :data:`readmit.savings.model.PARAMETERS`.
PARAMETERS_NB = {
    "bed_days": "Liggedøgn i reinnleggelser per år",
    "ukp_days": "Utskrivningsklare døgn i reinnleggelser per år",
    "reduction": "Reduksjon i reinnleggelser (andel)",
    "target_share": "Andel av reinnleggelsene i målgruppen",
    "bed_day_cost": "Kostnad per liggedøgn (kr)",
    "ukp_cost_municipality": "Utskrivningsklart døgn, kommunen (kr)",
    "ukp_cost_hospital": "Utskrivningsklart døgn, sykehuset (kr)",
    "ukp_days_reduction": "Reduksjon i utskrivningsklare døgn (andel)",
    "bed_day_cost_reduction": "Lavere kostnad per liggedøgn i målgruppen (andel)",
    "bed_day_cost_reduction_share": "Andel av liggedøgnene med lavere kostnad",
    "target_persons": "Personer i målgruppen per år",
    "six_month_mortality": "Dødelighet innen seks måneder i målgruppen (andel)",
    "mortality_reduction": "Reduksjon i dødelighet innen seks måneder (andel)",
    "intervention_cost_per_year": "Driftskostnad for tiltaket per år (kr)",
    "intervention_start_cost": "Oppstartskostnad for tiltaket (kr)",
    "discount_rate": "Diskonteringsrente per år",
}


def outcome_label(outcome: str, *, lang: str = "nb") -> str:
    """An outcome's label with its unit (``(kr)`` / ``(NOK)``).

    Examples
    --------
    >>> outcome_label("net_saving", lang="en")
    'Net saving over the horizon, discounted (NOK)'
    """
    return pick(nb=OUTCOMES_NB[outcome], en=OUTCOMES[outcome], lang=lang)


def parameter_label(name: str, *, lang: str = "nb") -> str:
    """A parameter's label with its unit.

    Examples
    --------
    >>> parameter_label("bed_day_cost", lang="nb")
    'Kostnad per liggedøgn (kr)'
    """
    return pick(nb=PARAMETERS_NB[name], en=PARAMETERS[name][1], lang=lang)


def _axis_label(outcome: str, lang: str = "nb") -> str:
    label = outcome_label(outcome, lang=lang)
    for unit, million in (("(NOK)", "(NOK million)"), ("(kr)", "(mill. kr)")):
        if label.endswith(unit):
            return label[: -len(unit)] + million
    return label


def _short(outcome: str, lang: str) -> str:
    """The label without its unit, starting in lower case (for a title)."""
    text = outcome_label(outcome, lang=lang).split(" (")[0]
    return text[0].lower() + text[1:]


def _scale(outcome: str) -> float:
    return MILLION if OUTCOMES[outcome].endswith("(NOK)") else 1.0


def histogram(sim: Simulation, outcome: str = "net_saving", bins: int = 60, *,
              lang: str = "nb") -> go.Figure:
    """Histogram of ``outcome`` over the draws, the 90% interval shaded.

    The draws are binned here (not in the browser), so the figure stays
    small whatever the number of draws.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> fig = histogram(monte_carlo_savings(load_scenario("psht_team"), 2000, seed=1), lang="en")
    >>> fig.layout.xaxis.title.text
    'Net saving over the horizon, discounted (NOK million)'
    """
    check_lang(lang)
    scale = _scale(outcome)
    x = sim.outcomes[outcome]
    x = x[np.isfinite(x)] / scale
    s = sim.summary().loc[outcome]
    # The range covers 99.8% of the draws so that a long tail does not squeeze the bins.
    counts, edges = np.histogram(x, bins=bins, range=tuple(np.quantile(x, [0.001, 0.999])))
    mids, width = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    of_draws = pick(nb="% av trekkene", en="% of draws", lang=lang)
    fig = go.Figure(go.Bar(
        x=mids, y=100 * counts / max(len(x), 1), width=width, marker_color=COLOURS[0],
        marker_line_width=0, name=pick(nb="trekk", en="draws", lang=lang),
        hovertemplate="%{x:,.1f}: %{y:.2f} " + of_draws + "<extra></extra>"))
    lo, hi, mean = s.p05 / scale, s.p95 / scale, s["mean"] / scale
    mean_text = pick(nb="gjennomsnitt", en="mean", lang=lang)
    for value, text, dash, pos in [(lo, "5 %" if lang == "nb" else "5%", "dot", "top left"),
                                   (hi, "95 %" if lang == "nb" else "95%", "dot", "top right"),
                                   (mean, f"{mean_text} {money(mean, lang=lang)}", "solid",
                                    "top right")]:
        fig.add_vline(x=value, line_dash=dash, line_color="#444", line_width=1.5,
                      annotation_text=text, annotation_position=pos, annotation_font_size=12,
                      annotation_bgcolor="rgba(255,255,255,0.85)",
                      annotation_yshift=-22 if text.startswith(mean_text) else 0)
    fig.add_vrect(x0=lo, x1=hi, fillcolor=COLOURS[1], opacity=0.15, line_width=0, layer="below")
    title = sim.scenario.label(lang) + ": " + _short(outcome, lang)
    subtitle = pick(
        nb=f"{_fmt(sim.draws, lang)} trekk, frø {sim.seed}; skravert: 90 % intervall "
           f"{money(lo, lang=lang)} til {money(hi, lang=lang)}",
        en=f"{_fmt(sim.draws, lang)} draws, seed {sim.seed}; shaded: 90% interval "
           f"{money(lo, lang=lang)} to {money(hi, lang=lang)}", lang=lang)
    styled(fig, title=title, subtitle=subtitle, x_title=_axis_label(outcome, lang),
           y_title=pick(nb="Andel av trekkene (%)", en="Share of draws (%)", lang=lang),
           lang=lang, bargap=0, showlegend=False)
    return fig


def tornado_chart(table: pd.DataFrame, title: str, outcome: str = "net_saving", *,
                  lang: str = "nb") -> go.Figure:
    """Tornado chart of a :func:`readmit.savings.sensitivity.tornado` table.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.sensitivity import tornado
    >>> s = load_scenario("psht_team")
    >>> fig = tornado_chart(tornado(s), s.title, lang="en")
    >>> len(fig.data)
    2
    """
    check_lang(lang)
    scale = _scale(outcome)
    t = table.iloc[::-1]  # plotly draws the first row at the bottom
    base = float(table["base"].iloc[0]) / scale if len(table) else 0.0
    to = pick(nb="til", en="to", lang=lang)
    kinds = {"5th-95th percentile": pick(nb="5.–95. persentil", en="5th-95th percentile",
                                         lang=lang)}
    names = [f"{parameter_label(r.parameter, lang=lang)}<br><span style='font-size:12px;"
             f"color:#555'>{_fmt(r.low, lang)} {to} {_fmt(r.high, lang)} "
             f"({kinds.get(r.kind, r.kind)})</span>" for r in t.itertuples()]
    fig = go.Figure()
    value = pick(nb="verdi", en="value", lang=lang)
    for col, value_col, name, colour in [
            ("outcome_low", "low", pick(nb="parameteren på sin lave verdi",
                                        en="parameter at its low value", lang=lang), COLOURS[0]),
            ("outcome_high", "high", pick(nb="parameteren på sin høye verdi",
                                          en="parameter at its high value", lang=lang),
             COLOURS[1])]:
        fig.add_trace(go.Bar(
            y=names, x=t[col] / scale - base, base=base, orientation="h", name=name,
            marker_color=colour, customdata=np.c_[t[value_col], t[col] / scale],
            hovertemplate=value + " %{customdata[0]:,.4g} → %{customdata[1]:,.1f}"
                          "<extra></extra>"))
    fig.add_vline(x=base, line_color="#222", line_width=1.5,
                  annotation_text=pick(nb="basisanslag", en="base case", lang=lang)
                  + f" {money(base, lang=lang)}", annotation_position="top")
    styled(fig, title=title + pick(nb=": enveis sensitivitet", en=": one-way sensitivity",
                                   lang=lang),
           x_title=_axis_label(outcome, lang), lang=lang,
           height=max(300, 110 + 62 * len(table)), margin=dict(l=40, r=40, t=90, b=70),
           barmode="overlay", legend=dict(orientation="h", yanchor="top", y=-0.18, x=0))
    fig.update_yaxes(automargin=True, ticks="")
    return fig


def comparison_chart(sims: list[Simulation], outcome: str = "net_saving", *,
                     lang: str = "nb") -> go.Figure:
    """Scenarios side by side: median and 90% interval (bar), mean (diamond).

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> sims = [monte_carlo_savings(load_scenario("psht_team"), 500, seed=1)]
    >>> comparison_chart(sims, lang="en").layout.xaxis.title.text
    'Net saving over the horizon, discounted (NOK million)'
    >>> comparison_chart(sims).layout.xaxis.title.text
    'Nettogevinst over perioden, neddiskontert (mill. kr)'
    """
    check_lang(lang)
    scale = _scale(outcome)
    rows = [(sim.scenario.label(lang), sim.summary().loc[outcome]) for sim in sims][::-1]
    y = [name for name, _ in rows]
    p50 = np.array([s.p50 for _, s in rows]) / scale
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=p50, y=y, mode="markers",
        name=pick(nb="median, 90 % intervall", en="median, 90% interval", lang=lang),
        marker=dict(size=12, color=COLOURS[0]),
        error_x=dict(type="data", symmetric=False, thickness=3, width=8, color=COLOURS[0],
                     array=np.array([s.p95 for _, s in rows]) / scale - p50,
                     arrayminus=p50 - np.array([s.p05 for _, s in rows]) / scale),
        hovertemplate=pick(nb="median", en="median", lang=lang) + " %{x:,.1f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=[s["mean"] / scale for _, s in rows], y=y, mode="markers",
        name=pick(nb="gjennomsnitt", en="mean", lang=lang),
        marker=dict(size=11, symbol="diamond-open", color=COLOURS[5], line_width=2),
        hovertemplate=pick(nb="gjennomsnitt", en="mean", lang=lang)
                      + " %{x:,.1f}<extra></extra>"))
    if outcome in {"net_saving", "roi"}:
        fig.add_vline(x=0, line_color="#888", line_dash="dash")
    styled(fig, title=pick(nb="Scenarioene sammenlignet: ", en="Scenarios compared: ",
                           lang=lang) + _short(outcome, lang),
           x_title=_axis_label(outcome, lang), lang=lang,
           height=max(300, 170 + 70 * len(sims)),
           legend=dict(orientation="h", yanchor="top", y=-0.32, x=0))
    fig.update_yaxes(automargin=True, ticks="")
    fig.update_xaxes(rangemode="tozero")
    return fig


def cumulative_chart(sims: list[Simulation], *, lang: str = "nb") -> go.Figure:
    """Cumulative discounted net saving by year, median and 90% band per scenario.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> fig = cumulative_chart([monte_carlo_savings(load_scenario("psht_team"), 500, seed=1)],
    ...                        lang="en")
    >>> fig.layout.yaxis.title.text
    'Cumulative net saving, discounted (NOK million)'
    """
    check_lang(lang)
    fig = go.Figure()
    year_word = pick(nb="år", en="year", lang=lang)
    for i, sim in enumerate(sims):
        c, colour = sim.cumulative_net_saving(), COLOURS[i % len(COLOURS)]
        band_x = list(c["year"]) + list(c["year"][::-1])
        band_y = list(c["p95"] / MILLION) + list(c["p05"][::-1] / MILLION)
        fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines",
                                 fillcolor=interval_band(colour, 0.15), line_width=0,
                                 hoverinfo="skip", legendgroup=sim.scenario.name,
                                 showlegend=False))
        fig.add_trace(go.Scatter(x=c["year"], y=c["p50"] / MILLION, mode="lines+markers",
                                 name=sim.scenario.label(lang), line=dict(color=colour, width=3),
                                 legendgroup=sim.scenario.name,
                                 hovertemplate=year_word + " %{x}: %{y:,.1f}<extra></extra>"))
    fig.add_hline(y=0, line_color="#888", line_dash="dash")
    styled(fig, title=pick(nb="Samlet nettogevinst år for år", en="Cumulative net saving by year",
                           lang=lang),
           subtitle=pick(nb="median; bånd: 90 % intervall", en="median; band: 90% interval",
                         lang=lang),
           x_title=pick(nb="År med tiltaket", en="Year of the intervention", lang=lang),
           y_title=pick(nb="Samlet nettogevinst, neddiskontert (mill. kr)",
                        en="Cumulative net saving, discounted (NOK million)", lang=lang),
           lang=lang, legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    fig.update_xaxes(dtick=1)
    return fig


def comparison_table(sims: list[Simulation], outcomes=("gross_saving_per_year", "net_saving",
                                                        "roi", "break_even_cost_per_year",
                                                        "deaths_averted"), *,
                     lang: str = "nb") -> pd.DataFrame:
    """Scenarios side by side for reading: base case, mean and 90% interval.

    Money in NOK million with one decimal; ROI as a ratio; ``–`` where an
    outcome is undefined (ROI without a cost). An outcome that is zero or
    undefined in every draw of every scenario is left out.

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> from readmit.savings.montecarlo import monte_carlo_savings
    >>> sims = [monte_carlo_savings(load_scenario("fewer_readmissions_10"), 500, seed=1)]
    >>> comparison_table(sims, lang="en").loc["Gross saving per year (NOK million)",
    ...                                       "Base case"].iloc[0]
    '302.9'
    >>> comparison_table(sims).loc["Bruttogevinst per år (mill. kr)", "Basisanslag"].iloc[0]
    '302,9'
    """
    check_lang(lang)
    heads = {"outcome": pick(nb="Utfall", en="Outcome", lang=lang),
             "scenario": pick(nb="Scenario", en="Scenario", lang=lang),
             "base": pick(nb="Basisanslag", en="Base case", lang=lang),
             "mean": pick(nb="Gjennomsnitt", en="Mean", lang=lang),
             "interval": pick(nb="90 % intervall", en="90% interval", lang=lang)}
    to = pick(nb="til", en="to", lang=lang)
    rows = []
    outcomes = [o for o in outcomes
                if any(np.any(np.isfinite(sim.outcomes[o]) & (sim.outcomes[o] != 0))
                       for sim in sims)]
    summaries = [(sim.scenario.label(lang), sim.summary()) for sim in sims]
    for name in outcomes:
        scale = _scale(name)
        for title, s in summaries:
            r = s.loc[name]

            def show(v, scale=scale):
                return money(v, lang=lang) if scale == MILLION else _fmt(v, lang)
            rows.append({heads["outcome"]: _axis_label(name, lang), heads["scenario"]: title,
                         heads["base"]: show(r.base / scale),
                         heads["mean"]: show(r["mean"] / scale),
                         heads["interval"]: (f"{show(r.p05 / scale)} {to} {show(r.p95 / scale)}"
                                             if np.isfinite(r.p05) else "–")})
    return pd.DataFrame(rows).set_index([heads["outcome"], heads["scenario"]])


def money(value: float, *, lang: str = "nb") -> str:
    """NOK million with one decimal: ``1 402,4`` (bokmål), ``1 402.4`` (English,
    spaces between thousands as the savings notebook writes them).

    Examples
    --------
    >>> money(1402.44, lang="en"), money(1402.44)
    ('1 402.4', '1 402,4')
    """
    if not np.isfinite(value):
        return "–"
    if lang == "nb":
        return number(value, 1, lang="nb")
    return f"{value:,.1f}".replace(",", " ")


def _fmt(value: float, lang: str = "nb") -> str:
    """Readable number: spaces between thousands, about three significant digits."""
    if not np.isfinite(value):
        return "–"
    if abs(value) >= 1000:
        text = f"{value:,.0f}".replace(",", " ")
    elif abs(value) >= 100:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}"
    return text.replace(".", ",") if lang == "nb" else text


def parameter_table(scenarios, *, lang: str = "nb") -> pd.DataFrame:
    """The values every scenario runs with: one row per parameter, one column
    per scenario (``default`` marks a value the scenario does not set).

    Examples
    --------
    >>> from readmit.savings.scenarios import load_scenario
    >>> t = parameter_table([load_scenario("psht_team")], lang="en")
    >>> t.loc["Horizon (years)"].tolist()
    ['5']
    """
    check_lang(lang)
    used = [p for p in PARAMETERS if any(p in s.parameters for s in scenarios)]
    default = pick(nb="standard", en="default", lang=lang)
    rows = {}
    for name in used:
        value = PARAMETERS[name][0]
        rows[parameter_label(name, lang=lang)] = [
            s.parameters[name].describe() if name in s.parameters
            else ("–" if value is None else f"{_fmt(value, lang)} ({default})") for s in scenarios]
    rows[pick(nb="Periode (år)", en="Horizon (years)", lang=lang)] = [
        str(s.horizon_years) for s in scenarios]
    rows[pick(nb="Kostnadsledd utelatt", en="Cost components left out", lang=lang)] = [
        ", ".join(k for k, on in s.components.items() if not on)
        or pick(nb="ingen", en="none", lang=lang) for s in scenarios]
    return pd.DataFrame(rows, index=[s.label(lang) for s in scenarios]).T
