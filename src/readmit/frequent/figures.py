"""Figures of the frequent-user analyses, each drawn from its table.

Hand a figure the table its analysis returns - or that table after
:func:`readmit.privacy.masked`: a hidden (NaN) cell is a gap in a line or a
missing bar, and its hover text says ``<5``.

Examples
--------
>>> import pandas as pd
>>> curve = pd.DataFrame({"year": 2019, "sector": "somatic", "measure": "bed_days",
...                       "population_share": [0, 0.5, 1], "use_share": [0, 0.2, 1]})
>>> fig = lorenz_figure(curve, lang="en")
>>> fig.layout.xaxis.title.text
'Share of patients (least use first)'
"""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from readmit.figures import (GREY, PALETTE, SMALL, check_lang, colour_map, integer,
                             interval_band, number, percent, pick, sector_name, share_axis,
                             styled, t)

__all__ = ["concentration_figure", "lorenz_figure", "heavy_user_share_figure",
           "frequent_caller_trend_figure", "frequent_caller_contacts_figure",
           "care_plan_figure"]

_MEASURE = {"bed_days": ("liggedøgn", "bed days"), "drg_weight": ("DRG-poeng", "DRG weight")}


def _measure(measure: str, lang: str) -> str:
    nb, en = _MEASURE.get(measure, (measure, measure))
    return pick(nb=nb, en=en, lang=lang)


def _service(service: str, lang: str) -> str:
    names = {"AMK": ("AMK", "AMK (emergency medical communication)"),
             "LV": ("Legevakt", "Out-of-hours service (legevakt)"),
             "both": ("Begge", "Both")}
    nb, en = names.get(service, (service, service))
    return pick(nb=nb, en=en, lang=lang)


def _pct(values, lang: str) -> list[str]:
    return [SMALL if _nan(v) else percent(v, lang=lang) for v in values]


def _top(frame: pd.DataFrame) -> float:
    """The largest share of a table (NaN cells, masked, left out; 1 when none)."""
    values = pd.to_numeric(frame.stack(), errors="coerce").dropna() if len(frame) else []
    return float(max(values)) if len(values) else 1.0


def _nan(v) -> bool:
    try:
        return v is None or math.isnan(float(v))
    except (TypeError, ValueError):
        return False


def concentration_figure(table: pd.DataFrame, *, measure: str = "bed_days",
                         lang: str = "nb") -> go.Figure:
    """The share used by the top 1 %, 5 % and 10 % of persons, by year: one line per
    share and sector (from :func:`readmit.frequent.resource_concentration`)."""
    check_lang(lang)
    data = table[table["measure"] == measure]
    fig = go.Figure()
    dashes = {"top1_share": "dot", "top5_share": "dash", "top10_share": "solid"}
    colours = colour_map(sorted(data["sector"].unique()))
    for sector, g in data.groupby("sector", sort=True):
        g = g.sort_values("year")
        for col, dash in dashes.items():
            k = col.removeprefix("top").removesuffix("_share")
            name = f"{sector_name(sector, lang=lang)}, topp {k} %" if lang == "nb" \
                else f"{sector_name(sector, lang=lang)}, top {k}%"
            fig.add_trace(go.Scatter(
                x=g["year"], y=g[col], name=name, mode="lines+markers",
                line=dict(color=colours[sector], dash=dash),
                customdata=_pct(g[col], lang), hovertemplate="%{x}: %{customdata}<extra>"
                + name + "</extra>"))
    share_axis(fig, lang=lang, upper=_top(data[list(dashes)]))
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(dtick=1)
    what = _measure(measure, lang)
    return styled(fig, lang=lang,
                  title=pick(nb=f"Andel av {what} brukt av de mest brukende pasientene",
                             en=f"Share of {what} used by the heaviest-using patients",
                             lang=lang),
                  subtitle=pick(nb="Topp 1, 5 og 10 % av pasientene etter eget forbruk",
                                en="Top 1, 5 and 10% of patients by their own use", lang=lang),
                  x_title=t("discharge_year", lang=lang),
                  y_title=pick(nb=f"Andel av {what}", en=f"Share of {what}", lang=lang))


def lorenz_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Lorenz curves, one per sector, with the line of equal use
    (from :func:`readmit.frequent.lorenz_curve`)."""
    check_lang(lang)
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", line=dict(color=GREY, dash="dot"),
                               name=pick(nb="Likt forbruk", en="Equal use", lang=lang),
                               hoverinfo="skip"))
    colours = colour_map(sorted(table["sector"].unique()))
    for sector, g in table.groupby("sector", sort=True):
        g = g.sort_values("population_share")
        fig.add_trace(go.Scatter(
            x=g["population_share"], y=g["use_share"], mode="lines",
            name=sector_name(sector, lang=lang), line=dict(color=colours[sector], width=3),
            customdata=list(zip(_pct(g["population_share"], lang), _pct(g["use_share"], lang))),
            hovertemplate="%{customdata[0]} → %{customdata[1]}<extra></extra>"))
    share_axis(fig, lang=lang, axis="x")
    share_axis(fig, lang=lang, axis="y")
    fig.update_xaxes(range=[0, 1])
    fig.update_yaxes(range=[0, 1])
    year = ", ".join(str(y) for y in sorted(table["year"].unique()))
    measure = _measure(str(table["measure"].iloc[0]), lang) if len(table) else ""
    return styled(fig, lang=lang,
                  title=pick(nb=f"Lorenzkurve for {measure}, {year}",
                             en=f"Lorenz curve of {measure}, {year}", lang=lang),
                  subtitle=pick(nb="Jo lenger under diagonalen, jo mer konsentrert forbruket",
                                en="The further below the diagonal, the more concentrated the use",
                                lang=lang),
                  x_title=pick(nb="Andel av pasientene (minst forbruk først)",
                               en="Share of patients (least use first)", lang=lang),
                  y_title=pick(nb=f"Andel av {measure}", en=f"Share of {measure}", lang=lang))


def heavy_user_share_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Heavy users' share of bed days, ready-for-discharge days and readmissions,
    by year (from :func:`readmit.frequent.heavy_user_shares`)."""
    check_lang(lang)
    fig = go.Figure()
    bars = {"bed_days_share": pick(nb="Liggedøgn", en="Bed days", lang=lang),
            "ukp_days_share": t("ukp_days", lang=lang),
            "readmissions_share": t("readmissions", lang=lang)}
    for i, (col, name) in enumerate(bars.items()):
        fig.add_trace(go.Bar(x=table["year"], y=table[col], name=name, marker_color=PALETTE[i],
                             customdata=_pct(table[col], lang),
                             hovertemplate="%{x}: %{customdata}<extra>" + name + "</extra>"))
    share_axis(fig, lang=lang, upper=_top(table[list(bars)]))
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(dtick=1)
    return styled(fig, lang=lang, barmode="group",
                  title=pick(nb="Stormottakeres andel av sykehusforbruket",
                             en="Heavy users' share of hospital use", lang=lang),
                  subtitle=pick(nb="Stormottaker: 4 eller flere øyeblikkelig hjelp-innleggelser "
                                   "innen 365 dager",
                                en="Heavy user: 4 or more acute admissions within 365 days",
                                lang=lang),
                  x_title=t("discharge_year", lang=lang),
                  y_title=pick(nb="Andel", en="Share", lang=lang))


def frequent_caller_trend_figure(table: pd.DataFrame, *, group: str = "frequent",
                                 lang: str = "nb") -> go.Figure:
    """Contacts per month of one group (``frequent`` or ``other``), one line per
    service (from :func:`readmit.frequent.frequent_caller_trend`)."""
    check_lang(lang)
    data = table[table["group"] == group]
    fig = go.Figure()
    colours = colour_map(["AMK", "LV"])
    for service, g in data.groupby("service", sort=True):
        g = g.sort_values("month")
        fig.add_trace(go.Scatter(
            x=g["month"], y=g["n_contacts"], mode="lines", name=_service(service, lang),
            line=dict(color=colours.get(service, GREY)),
            customdata=[SMALL if _nan(v) else integer(v, lang=lang) for v in g["n_contacts"]],
            hovertemplate="%{x|%Y-%m}: %{customdata}<extra></extra>"))
    fig.update_yaxes(rangemode="tozero")
    who = pick(nb="multibrukere", en="frequent users", lang=lang) if group == "frequent" else \
        pick(nb="andre innringere", en="other callers", lang=lang)
    return styled(fig, lang=lang,
                  title=pick(nb=f"Henvendelser per måned fra {who}",
                             en=f"Contacts per month from {who}", lang=lang),
                  x_title=pick(nb="Måned", en="Month", lang=lang),
                  y_title=pick(nb="Henvendelser", en="Contacts", lang=lang))


def frequent_caller_contacts_figure(table: pd.DataFrame, *, variable: str = "hastegrad",
                                    lang: str = "nb") -> go.Figure:
    """Frequent users' contacts by urgency or outcome beside everyone else's:
    stacked shares per service and group (from
    :func:`readmit.frequent.frequent_caller_contacts`)."""
    check_lang(lang)
    data = table[table["variable"] == variable].copy()
    groups = {"frequent": pick(nb="Multibrukere", en="Frequent users", lang=lang),
              "other": pick(nb="Andre", en="Others", lang=lang)}
    data["row"] = [f"{_service(s, lang)}: {groups.get(g, g)}"
                   for s, g in zip(data["service"], data["group"])]
    fig = go.Figure()
    colours = colour_map(sorted(data["category"].unique()))
    for category, g in data.groupby("category", sort=True):
        fig.add_trace(go.Bar(y=g["row"], x=g["share"], name=str(category), orientation="h",
                             marker_color=colours[category], customdata=_pct(g["share"], lang),
                             hovertemplate="%{y}: %{customdata}<extra>" + str(category)
                             + "</extra>"))
    share_axis(fig, lang=lang, axis="x")
    fig.update_xaxes(range=[0, 1])
    what = pick(nb="hastegrad", en="urgency", lang=lang) if variable == "hastegrad" else \
        pick(nb="utfall", en="outcome", lang=lang)
    return styled(fig, lang=lang, barmode="stack",
                  title=pick(nb=f"Henvendelser etter {what}: multibrukere og andre",
                             en=f"Contacts by {what}: frequent users and others", lang=lang),
                  x_title=pick(nb="Andel av gruppens henvendelser",
                               en="Share of the group's contacts", lang=lang),
                  y_title=None)


def care_plan_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Both groups' contacts per person-month around the plan's start or the
    pseudo-start, with 95 % intervals (from :func:`readmit.frequent.care_plan_monthly`):
    the comparison group shows what happens without a plan (regression to the
    mean, trends over time).

    Examples
    --------
    >>> table = pd.DataFrame({"group": ["plan", "plan", "comparison", "comparison"],
    ...                       "month": [-1, 0, -1, 0], "rate": [6.0, 4.0, 5.0, float("nan")],
    ...                       "ci_low": [5.0, 3.0, 4.0, float("nan")],
    ...                       "ci_high": [7.0, 5.0, 6.0, float("nan")]})
    >>> len(care_plan_figure(table).data)      # an interval band and a line per group
    4
    """
    check_lang(lang)
    names = {"plan": pick(nb="Med handlingsplan", en="With a care plan", lang=lang),
             "comparison": pick(nb="Sammenligning (uten plan, pseudostart)",
                                en="Comparison (no plan, pseudo-start)", lang=lang)}
    colours = {"plan": PALETTE[5], "comparison": PALETTE[0]}
    fig = go.Figure()
    for group in ("comparison", "plan"):
        g = table[table["group"] == group].sort_values("month")
        if not len(g):
            continue
        fig.add_trace(go.Scatter(
            x=list(g["month"]) + list(g["month"])[::-1],
            y=list(g["ci_high"]) + list(g["ci_low"])[::-1], fill="toself", mode="lines",
            fillcolor=interval_band(colours[group]), line=dict(width=0), hoverinfo="skip",
            showlegend=False, name=t("ci95", lang=lang)))
        fig.add_trace(go.Scatter(
            x=g["month"], y=g["rate"], mode="lines+markers", name=names[group],
            line=dict(color=colours[group], width=3),
            customdata=[SMALL if _nan(v) else number(v, 1, lang=lang) for v in g["rate"]],
            hovertemplate="%{x}: %{customdata}<extra>" + names[group] + "</extra>"))
    fig.add_vline(x=-0.5, line=dict(color=GREY, dash="dash"))
    return styled(fig, lang=lang,
                  title=pick(nb="Henvendelser til AMK og legevakt før og etter handlingsplan",
                             en="Contacts with AMK and legevakt before and after a care plan",
                             lang=lang),
                  subtitle=pick(nb="Sammenligningsgruppen viser hva som skjer uten plan "
                                   "(tilbakegang mot gjennomsnittet, tidstrender)",
                                en="The comparison group shows what happens without a plan "
                                   "(regression to the mean, trends over time)", lang=lang),
                  x_title=pick(nb="Måneder fra start (pseudostart)",
                               en="Months from the (pseudo-)start", lang=lang),
                  y_title=pick(nb="Henvendelser per person per måned",
                               en="Contacts per person per month", lang=lang))
