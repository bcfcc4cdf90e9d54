"""Figures of the comparison, each drawn from its table alone.

A table masked with :func:`readmit.privacy.masked` can be drawn: its NaN
cells are not plotted, and the figure says how many units it leaves out
(``<5``).

Examples
--------
>>> import pandas as pd
>>> from readmit.comparison.funnel import funnel_limits
>>> t = pd.DataFrame({"unit": ["A", "B"], "unit_name": ["A", "B"], "n_index": [900, 1100],
...                   "observed": [120, 95], "expected": [100.0, 115.0]})
>>> t["ratio"] = t.observed / t.expected
>>> t = t.join(funnel_limits(t.expected)).assign(
...     outside=["", ""], overdispersion="none", sr_method="SHMI", phi=0.8, tau2=0.0,
...     adjusted=False, mean_risk=0.1075, overall_rate=0.1075, ci_low=0.9, ci_high=1.2)
>>> fig = funnel_figure(t, lang="en")
>>> fig.layout.xaxis.title.text
'Index stays'
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from readmit.analyses._common import as_percent, shown_count, shown_share
from readmit.errors import ParameterError
from readmit.figures import (GREY, PALETTE, SMALL, check_lang, number, pick, sector_name,
                             styled)

__all__ = ["funnel_figure", "calibration_figure", "odds_ratio_figure", "lace_figure"]

_INSIDE, _WARN, _ALARM = PALETTE[0], PALETTE[1], "#D55E00"
_POINTS = {
    "": (_INSIDE, "circle"),
    "above95": (_WARN, "triangle-up"), "below95": (_WARN, "triangle-down"),
    "above99.8": (_ALARM, "triangle-up"), "below99.8": (_ALARM, "triangle-down"),
}
_OUTSIDE_TEXT = {
    "": ("Innenfor grensene", "Within the limits"),
    "above95": ("Over 95 %-grensen", "Above the 95% limit"),
    "below95": ("Under 95 %-grensen", "Below the 95% limit"),
    "above99.8": ("Over 99,8 %-grensen", "Above the 99.8% limit"),
    "below99.8": ("Under 99,8 %-grensen", "Below the 99.8% limit"),
}
COVARIATE_NAMES = {
    "age_band": ("Aldersgruppe", "Age band"),
    "sex": ("Kjønn", "Sex"),
    "charlson_band": ("Charlson-indeks", "Charlson index"),
    "urgency": ("Hastegrad (innmateHast)", "Urgency (innmateHast)"),
    "prior_acute_365_band": ("Akutte opphold siste 365 dager", "Acute stays, previous 365 days"),
    "los_band": ("Liggetid (døgn)", "Length of stay (days)"),
    "ready_for_discharge": ("Utskrivningsklar", "Ready for discharge"),
}
_LEVEL_NAMES = {
    ("sex", "female"): ("Kvinner", "Women"), ("sex", "male"): ("Menn", "Men"),
    ("sex", "unknown"): ("Ukjent", "Unknown"),
    ("urgency", "1"): ("1 akutt", "1 acute"), ("urgency", "2"): ("2 akutt < 6 t", "2 acute < 6 h"),
    ("urgency", "3"): ("3 akutt 6–24 t", "3 acute 6–24 h"),
    ("urgency", "4"): ("4 planlagt", "4 planned"), ("urgency", "5"): ("5 tilbakeføring", "5 returned"),
    ("ready_for_discharge", "0"): ("Nei", "No"), ("ready_for_discharge", "1"): ("Ja", "Yes"),
}


def funnel_figure(table: pd.DataFrame, *, lang: str = "nb", highlight: str | None = None,
                  x: str = "n_index", y: str = "ratio") -> go.Figure:
    """The funnel plot: each unit's O/E against its number of index stays, with
    95 % and 99.8 % control limits.

    Units outside the limits are named and coloured (orange beyond 95 %,
    vermillion beyond 99.8 %; triangles point up or down); the method and
    φ/τ² are printed under the plot.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`readmit.comparison.funnel`, possibly masked (units whose
        ratio is NaN are left out and counted under the plot as ``<5``).
    lang : {"nb", "en"}
    highlight : str, optional
        A unit (code, e.g. ``"HFO"``, or name) drawn larger, outlined and named.
    x : {"n_index", "expected"}
        Against the number of index stays (default; the limit curves are
        then drawn at E = n × ``mean_risk``, the table's mean predicted risk,
        while each unit's colour comes from the limits at its own E) or
        against the expected readmissions E (where the curves are exact).
    y : {"ratio", "standardised_rate"}
        O/E, or the indirectly standardised rate (O/E × ``overall_rate``, in %).

    Examples
    --------
    See the module's example, and :mod:`readmit.comparison`'s.
    """
    check_lang(lang)
    from readmit.comparison.funnel import funnel_limits

    if x not in ("n_index", "expected"):
        raise ParameterError(f"x must be 'n_index' or 'expected', not {x!r}")
    if y not in ("ratio", "standardised_rate"):
        raise ParameterError(f"y must be 'ratio' or 'standardised_rate', not {y!r}")
    if table.empty:
        raise ParameterError("table: no units to draw")
    first = table.iloc[0]
    scale = 100 * float(first["overall_rate"]) if y == "standardised_rate" else 1.0
    shown = table[table[x].notna() & table["ratio"].notna()]
    hidden = len(table) - len(shown)
    if highlight is not None and highlight not in set(table["unit"]) \
            and highlight not in set(table.get("unit_name", [])):
        raise ParameterError(f"highlight: no unit {highlight!r} in the table")
    fig = go.Figure()
    top = float(shown[x].max()) if len(shown) else 1.0
    grid = np.linspace(max(top / 200, 1e-3), top * 1.08, 300)
    e_grid = grid if x == "expected" else grid * float(first["mean_risk"])
    lim = funnel_limits(e_grid, overdispersion=str(first["overdispersion"]),
                        phi=float(first["phi"]), tau2=float(first["tau2"]),
                        sr_method=str(first["sr_method"]))
    for level, dash, width in (("998", "solid", 1.6), ("95", "dash", 1.3)):
        label = pick(nb=f"{'99,8' if level == '998' else '95'} %-grenser",
                     en=f"{'99.8' if level == '998' else '95'}% limits", lang=lang)
        for i, side in enumerate(("low", "high")):
            fig.add_trace(go.Scatter(
                x=grid, y=lim[f"limit{level}_{side}"] * scale, mode="lines", name=label,
                legendgroup=level, showlegend=i == 0, hoverinfo="skip",
                line=dict(color="#555", dash=dash, width=width)))
    fig.add_hline(y=scale, line=dict(color="#222", width=1))
    is_highlight = (shown["unit"] == highlight) | (
        shown.get("unit_name", shown["unit"]) == highlight) if highlight else \
        pd.Series(False, index=shown.index)
    for category, (colour, symbol) in _POINTS.items():
        part = shown[shown["outside"].fillna("") == category]
        if part.empty:
            continue
        hl = is_highlight[part.index]
        names = part.get("unit_name", part["unit"]).astype(str)
        fig.add_trace(go.Scatter(
            x=part[x], y=part["ratio"] * scale, mode="markers+text",
            name=pick(nb=_OUTSIDE_TEXT[category][0], en=_OUTSIDE_TEXT[category][1], lang=lang),
            marker=dict(color=colour, symbol=symbol, size=[14 if h else 10 for h in hl],
                        line=dict(color=["#000" if h else "#fff" for h in hl],
                                  width=[2.5 if h else 0.8 for h in hl])),
            text=[n if (category or h) else "" for n, h in zip(names, hl)],
            textposition="top center", textfont=dict(size=12),
            hovertext=[_funnel_hover(row, lang=lang) for _, row in part.iterrows()],
            hoverinfo="text"))
    note = _method_note(first, lang=lang)
    if hidden:
        note += "<br>" + pick(
            nb=f"{SMALL}: {hidden} enheter med færre enn fem indeksopphold eller "
               "reinnleggelser er ikke vist.",
            en=f"{SMALL}: {hidden} units with fewer than five index stays or readmissions "
               "are not shown.", lang=lang)
    sector = str(first.get("sector", "all"))
    styled(fig, title=pick(nb="Reinnleggelser: observert mot forventet",
                           en="Readmissions: observed against expected", lang=lang),
           subtitle=_subtitle(sector, first, lang=lang),
           x_title=(pick(nb="Indeksopphold", en="Index stays", lang=lang) if x == "n_index"
                    else pick(nb="Forventede reinnleggelser (E)",
                              en="Expected readmissions (E)", lang=lang)),
           y_title=(pick(nb="Observert / forventet (O/E)", en="Observed / expected (O/E)",
                         lang=lang) if y == "ratio" else
                    pick(nb="Standardisert andel reinnlagt (%)",
                         en="Standardised readmission rate (%)", lang=lang)),
           lang=lang, height=560, margin=dict(l=80, r=40, t=90, b=150))
    fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=-0.2, xanchor="left",
                       yanchor="top", showarrow=False, align="left", font=dict(size=12))
    fig.update_xaxes(rangemode="tozero", tickformat=",~g")   # 10 000, not 10k
    return fig


def _subtitle(sector: str, first: pd.Series, *, lang: str) -> str:
    what = (sector_name(sector, lang=lang) if sector != "all"
            else pick(nb="Alle sektorer", en="All sectors", lang=lang))
    year = first.get("year")
    when = "" if year is None or pd.isna(year) else f", {int(year)}"
    return what + when + pick(nb="; forventet etter risikomodell (kasusmiks)",
                              en="; expected from the case-mix risk model", lang=lang)


def _funnel_hover(row: pd.Series, *, lang: str) -> str:
    name = row.get("unit_name", row["unit"])
    ratio = row["ratio"]
    lo, hi = row.get("ci_low"), row.get("ci_high")
    shown = lambda v, d=2: SMALL if v is None or pd.isna(v) else number(v, d, lang=lang)  # noqa: E731
    return (f"<b>{name}</b><br>"
            f"{pick(nb='Indeksopphold', en='Index stays', lang=lang)}: "
            f"{shown_count(row['n_index'], lang=lang)}<br>"
            f"{pick(nb='Observert', en='Observed', lang=lang)}: "
            f"{shown_count(row['observed'], lang=lang)}<br>"
            f"{pick(nb='Forventet', en='Expected', lang=lang)}: {shown(row['expected'], 1)}<br>"
            f"O/E: {shown(ratio)} ({shown(lo)}–{shown(hi)})")


def _method_note(first: pd.Series, *, lang: str) -> str:
    od, method = str(first["overdispersion"]), str(first["sr_method"])
    phi, tau2 = float(first["phi"]), float(first["tau2"])
    phi_text = "–" if math.isnan(phi) else number(phi, 3, lang=lang)
    tau_text = number(tau2, 5, lang=lang)
    scale = (pick(nb="log-skala, 10 % trunkert (SHMI)", en="log scale, 10% truncated (SHMI)",
                  lang=lang) if method == "SHMI" else
             pick(nb="kvadratrot-skala, 10 % winsorisert (Spiegelhalter/CQC)",
                  en="square-root scale, 10% Winsorised (Spiegelhalter/CQC)", lang=lang))
    if od == "none":
        return pick(nb=f"Kontrollgrenser: eksakte Poisson-grenser (ikke justert for "
                       f"overspredning; φ = {phi_text}, {scale}).",
                    en=f"Control limits: exact Poisson (not adjusted for overdispersion; "
                       f"φ = {phi_text}, {scale}).", lang=lang)
    if not bool(first["adjusted"]):
        return pick(nb=f"Ingen overspredning (φ = {phi_text} ≤ 1, {scale}): eksakte "
                       "Poisson-grenser.",
                    en=f"No overdispersion (φ = {phi_text} ≤ 1, {scale}): exact Poisson "
                       "limits.", lang=lang)
    if od == "additive":
        return pick(nb=f"Kontrollgrenser justert for overspredning, additivt (tilfeldige "
                       f"effekter): φ = {phi_text}, τ² = {tau_text}; {scale}.",
                    en=f"Control limits adjusted for overdispersion, additive (random "
                       f"effects): φ = {phi_text}, τ² = {tau_text}; {scale}.", lang=lang)
    return pick(nb=f"Kontrollgrenser justert for overspredning, multiplikativt: "
                   f"φ = {phi_text}; {scale}.",
                en=f"Control limits adjusted for overdispersion, multiplicative: "
                   f"φ = {phi_text}; {scale}.", lang=lang)


def calibration_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Observed against predicted readmission share by decile of predicted risk.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`readmit.comparison.calibration_by_decile`, possibly
        masked (NaN cells are not drawn).
    lang : {"nb", "en"}

    Examples
    --------
    >>> t = pd.DataFrame({"sector": ["somatic"] * 2, "decile": [1, 2], "n_index": [500, 500],
    ...                   "observed": [20, 60], "expected": [25.0, 55.0],
    ...                   "observed_rate": [0.04, 0.12], "ci_low": [0.026, 0.094],
    ...                   "ci_high": [0.061, 0.151], "expected_rate": [0.05, 0.11]})
    >>> calibration_figure(t, lang="en").data[1].name
    'Somatic care'
    """
    check_lang(lang)
    fig = go.Figure()
    top = np.nanmax(pd.concat([table["ci_high"], table["expected_rate"]]).to_numpy(dtype=float))
    top = 100 * (top if np.isfinite(top) else 0.5) * 1.05
    fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", hoverinfo="skip",
                             name=pick(nb="Perfekt kalibrering", en="Perfect calibration",
                                       lang=lang),
                             line=dict(color=GREY, dash="dot")))
    for i, (sector, part) in enumerate(table.groupby("sector", sort=False)):
        obs, low, high = (as_percent(part[c]) for c in ("observed_rate", "ci_low", "ci_high"))
        fig.add_trace(go.Scatter(
            x=as_percent(part["expected_rate"]), y=obs, mode="markers+lines",
            name=sector_name(sector, lang=lang), line=dict(color=PALETTE[i % len(PALETTE)]),
            error_y=dict(type="data", thickness=1.2, width=4,
                         array=[None if h is None or v is None else h - v
                                for h, v in zip(high, obs)],
                         arrayminus=[None if lo is None or v is None else v - lo
                                     for lo, v in zip(low, obs)]),
            hovertext=[f"{sector_name(sector, lang=lang)}, "
                       f"{pick(nb='desil', en='decile', lang=lang)} {d}<br>"
                       f"{pick(nb='Forventet', en='Expected', lang=lang)}: "
                       f"{shown_share(e, lang=lang)}<br>"
                       f"{pick(nb='Observert', en='Observed', lang=lang)}: "
                       f"{shown_share(o, lang=lang)} ({shown_share(lo, lang=lang)}–"
                       f"{shown_share(hi, lang=lang)})<br>"
                       f"{pick(nb='Indeksopphold', en='Index stays', lang=lang)}: "
                       f"{shown_count(n, lang=lang)}"
                       for d, e, o, lo, hi, n in zip(part["decile"], part["expected_rate"],
                                                     part["observed_rate"], part["ci_low"],
                                                     part["ci_high"], part["n_index"])],
            hoverinfo="text"))
    styled(fig, title=pick(nb="Kalibrering av risikomodellen",
                           en="Calibration of the risk model", lang=lang),
           subtitle=pick(nb="Observert mot forventet andel reinnlagt, etter desil av predikert "
                            "risiko; 95 % konfidensintervall (Wilson)",
                         en="Observed against expected share readmitted, by decile of "
                            "predicted risk; 95% confidence interval (Wilson)", lang=lang),
           x_title=pick(nb="Forventet andel reinnlagt (%)", en="Expected share readmitted (%)",
                        lang=lang),
           y_title=pick(nb="Observert andel reinnlagt (%)", en="Observed share readmitted (%)",
                        lang=lang), lang=lang)
    fig.update_xaxes(range=[0, top])
    fig.update_yaxes(range=[0, top])
    return fig


def odds_ratio_figure(table: pd.DataFrame, *, lang: str = "nb",
                      sector: str | None = None) -> go.Figure:
    """Odds ratios with 95 % intervals (a forest plot, log scale) of one sector's model.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`readmit.comparison.odds_ratios`, possibly masked.
    lang : {"nb", "en"}
    sector : str, optional
        Default: the table's first sector.

    Examples
    --------
    >>> nan = float("nan")
    >>> t = pd.DataFrame({"sector": ["somatic"] * 2, "covariate": ["sex"] * 2,
    ...                   "level": ["female", "male"], "reference": [False, True],
    ...                   "n_index": [50, 60], "n_readmitted": [5, 9],
    ...                   "odds_ratio": [0.63, 1.0], "ci_low": [0.2, nan],
    ...                   "ci_high": [1.98, nan], "p_value": [0.43, nan]})
    >>> list(odds_ratio_figure(t, lang="en").data[0].y)
    ['Sex: Men', 'Sex: Women']
    """
    check_lang(lang)
    sectors = list(dict.fromkeys(table["sector"]))
    sector = sector or sectors[0]
    if sector not in sectors:
        raise ParameterError(f"sector: no {sector!r} in the table (it has {', '.join(sectors)})")
    part = table[table["sector"] == sector].iloc[::-1]
    labels = [f"{_covariate_name(c, lang)}: {_level_name(c, lv, lang)}"
              for c, lv in zip(part["covariate"], part["level"])]
    ref = part["reference"].astype(bool).to_numpy()
    orr = part["odds_ratio"].to_numpy(dtype=float)
    lo, hi = part["ci_low"].to_numpy(dtype=float), part["ci_high"].to_numpy(dtype=float)
    fig = go.Figure(go.Scatter(
        x=orr, y=labels, mode="markers",
        marker=dict(color=[GREY if r else PALETTE[0] for r in ref], size=8,
                    symbol=["circle-open" if r else "circle" for r in ref]),
        error_x=dict(type="data", array=np.where(np.isnan(hi), 0, hi - orr),
                     arrayminus=np.where(np.isnan(lo), 0, orr - lo), thickness=1.2, width=3),
        hovertext=[f"{lab}<br>OR {SMALL if np.isnan(o) else number(o, 2, lang=lang)}"
                   + ("" if r else f" ({number(a, 2, lang=lang)}–{number(b, 2, lang=lang)})")
                   + (pick(nb=" (referanse)", en=" (reference)", lang=lang) if r else "")
                   for lab, o, a, b, r in zip(labels, orr, lo, hi, ref)],
        hoverinfo="text", showlegend=False))
    fig.add_vline(x=1, line=dict(color="#222", width=1))
    styled(fig, title=pick(nb="Risikomodellen: oddsratio for reinnleggelse",
                           en="The risk model: odds ratios of readmission", lang=lang),
           subtitle=sector_name(sector, lang=lang) + pick(
               nb="; 95 % konfidensintervall; åpen sirkel = referanse",
               en="; 95% confidence interval; open circle = reference", lang=lang),
           x_title=pick(nb="Oddsratio (log-skala)", en="Odds ratio (log scale)", lang=lang),
           lang=lang, height=max(460, 22 * len(part) + 160), margin=dict(l=300))
    fig.update_xaxes(type="log")
    return fig


def lace_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Readmission share by LACE score, one line per sector, Wilson 95 % intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`readmit.comparison.lace_rates`, possibly masked.
    lang : {"nb", "en"}

    Examples
    --------
    >>> t = pd.DataFrame({"sector": ["vop"] * 2, "lace_score": [3, 9], "n_index": [40, 60],
    ...                   "n_readmitted": [4, 12], "rate": [0.1, 0.2],
    ...                   "ci_low": [0.04, 0.12], "ci_high": [0.23, 0.31]})
    >>> lace_figure(t, lang="en").data[0].name
    'Adult mental health (VOP)'
    """
    check_lang(lang)
    fig = go.Figure()
    for i, (sector, part) in enumerate(table.groupby("sector", sort=False)):
        rate, low, high = (as_percent(part[c]) for c in ("rate", "ci_low", "ci_high"))
        fig.add_trace(go.Scatter(
            x=part["lace_score"], y=rate, mode="lines+markers",
            name=sector_name(sector, lang=lang), line=dict(color=PALETTE[i % len(PALETTE)]),
            error_y=dict(type="data", thickness=1.2, width=4,
                         array=[None if h is None or v is None else h - v
                                for h, v in zip(high, rate)],
                         arrayminus=[None if lo is None or v is None else v - lo
                                     for lo, v in zip(low, rate)]),
            hovertext=[f"LACE {s}: {shown_share(v, lang=lang)}<br>"
                       f"{pick(nb='Indeksopphold', en='Index stays', lang=lang)}: "
                       f"{shown_count(n, lang=lang)}"
                       for s, v, n in zip(part["lace_score"], part["rate"], part["n_index"])],
            hoverinfo="text"))
    styled(fig, title=pick(nb="Reinnleggelser etter LACE-skår",
                           en="Readmissions by LACE score", lang=lang),
           subtitle=pick(nb="LACE: liggetid, akutt innleggelse, Charlson-indeks, akutte "
                            "opphold siste 6 måneder; 95 % konfidensintervall (Wilson)",
                         en="LACE: length of stay, acute admission, Charlson index, acute "
                            "stays in the previous 6 months; 95% confidence interval (Wilson)",
                         lang=lang),
           x_title=pick(nb="LACE-skår (0–19)", en="LACE score (0–19)", lang=lang),
           y_title=pick(nb="Reinnlagt innen 30 dager (%)", en="Readmitted within 30 days (%)",
                        lang=lang), lang=lang)
    fig.update_yaxes(rangemode="tozero")
    return fig


def _covariate_name(covariate: str, lang: str) -> str:
    nb, en = COVARIATE_NAMES.get(covariate, (covariate, covariate))
    return pick(nb=nb, en=en, lang=lang)


def _level_name(covariate: str, level: str, lang: str) -> str:
    names = _LEVEL_NAMES.get((covariate, str(level)))
    if names:
        return pick(nb=names[0], en=names[1], lang=lang)
    return str(level).replace("-", "–")
