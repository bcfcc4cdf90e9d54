"""Time to readmission, with death as a competing event (definitions.md).

:func:`time_to_readmission` gives, per group and whole day after discharge
(0 … horizon), the Aalen–Johansen cumulative incidence of readmission with
its 95 % interval, the cumulative incidence of death, and the naive
1 − Kaplan–Meier that treats death as censoring — which overstates the
readmissions, since the dead cannot be readmitted.
:func:`time_to_readmission_figure` draws both.

The cohort is every index stay (eligible or not) discharged by the end of
the data. Time origin: the discharge date. Event: the first later acute
stay of the same sector at any distance, on day ``admission date −
discharge date``. Competing event: death, on day ``doddato − discharge
date``, when it comes before the readmission (the same day counts as the
readmission). Censored: at the end of the data − discharge date, or at the
horizon. Ties are exact: the SQL counts the events of each day per group
(``mart_readmission_times``), and the estimator
(:func:`readmit.analyses.cumulative_incidence`) takes all events of a day at
once — no per-stay rows reach pandas.

:func:`days_to_readmission_by_los` is the pre-project's chart for VOP and
TSB (domain.md, "What leaders asked the numbers to show", 3): the
distribution of days to readmission by the length of the previous stay.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> cif = time_to_readmission(r, by="sector", horizon_days=30)
>>> cif[TIME_TO_READMISSION_COLUMNS].columns.tolist()
['group', 'day', 'n_at_risk', 'cif_readmission', 'ci_low', 'ci_high', 'cif_death']
>>> sorted(set(cif["group"])), len(cif) == 3 * 31
(['somatic', 'tsb', 'vop'], True)
>>> fig = time_to_readmission_figure(cif, lang="en")
>>> fig.layout.xaxis.title.text
'Days after discharge'
>>> ex.close()
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from readmit.analyses._common import (LOS_BANDS, add_hidden_note, as_percent, check_horizon,
                                      group_colours, group_label, groupings, los_band_label,
                                      shown_count, shown_share)
from readmit.analyses.cumulative_incidence import cumulative_incidence
from readmit.errors import ParameterError
from readmit.figures import interval_band, pick, sector_name, styled, t
from readmit.rule import GROUPINGS, with_wilson_interval

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["time_to_readmission", "time_to_readmission_figure", "days_to_readmission_by_los",
           "days_to_readmission_by_los_figure", "TIME_TO_READMISSION_COLUMNS",
           "TIME_TO_READMISSION_GROUPINGS", "TIME_TO_READMISSION_SUPPRESSION",
           "DAYS_BY_LOS_SUPPRESSION"]

#: What :func:`time_to_readmission` may group by (one at a time).
TIME_TO_READMISSION_GROUPINGS = ("sector", "institusjonID", "age_band", "ready_for_discharge")
#: The columns of ``readmit analyse ... time-to-readmission``.
TIME_TO_READMISSION_COLUMNS = ["group", "day", "n_at_risk", "cif_readmission", "ci_low",
                               "ci_high", "cif_death"]
_CIF = ["n_at_risk", "n_readmitted_cum"]
#: Small numbers in the time-to-readmission table: the persons at risk at the
#: start of the day, and the readmissions and deaths up to and including the
#: day (cumulative) behind each cumulative incidence. A row whose risk set is
#: 1-4 persons hides everything computed from it; a cumulative incidence
#: computed from 1-4 events so far is hidden (0 events is shown: 0 is not a
#: small count).
TIME_TO_READMISSION_SUPPRESSION = {
    "counts": ["n_at_risk", "n_readmitted_cum", "n_died_cum"],
    "derived": {"cif_readmission": _CIF, "ci_low": _CIF, "ci_high": _CIF,
                "se_readmission": _CIF, "one_minus_km": _CIF,
                "cif_death": ["n_at_risk", "n_died_cum"]},
}
_READ = ["n_index", "n_readmitted"]
#: Small numbers in :func:`days_to_readmission_by_los`: the quantiles and the
#: mean describe the ``n_readmitted`` readmissions.
DAYS_BY_LOS_SUPPRESSION = {
    "counts": ["n_index", "n_readmitted"],
    "derived": {"rate": _READ, "ci_low": _READ, "ci_high": _READ,
                **{c: ["n_readmitted"] for c in ("p10", "p25", "median", "p75", "p90",
                                                 "mean_days")}},
}


def time_to_readmission(rule: Readmissions, *, by: str | None = None,
                        horizon_days: int = 365) -> pd.DataFrame:
    """Cumulative incidence of readmission, death competing, day by day.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : {"sector", "institusjonID" (or "trust"), "age_band", "ready_for_discharge"}, optional
        One grouping; None: one group ``"all"``.
    horizon_days : int, default 365
        The last day of follow-up (1 to 3660); later events are censored here.

    Returns
    -------
    pandas.DataFrame
        One row per group and day 0 … ``horizon_days``: ``group`` (the
        value as readmit writes it elsewhere: ``somatic``, ``HBE``,
        ``80+``, True/False; ``"unknown"`` for a missing age band), ``day``,
        ``n_at_risk`` (at the start of the day), ``n_readmitted``,
        ``n_died``, ``n_censored`` (that day), ``n_readmitted_cum``,
        ``n_died_cum`` (up to and including the day), ``cif_readmission``,
        ``se_readmission``, ``ci_low``, ``ci_high`` (95 %, log(−log)),
        ``cif_death``, ``one_minus_km`` (the naive 1 − Kaplan–Meier).

    Notes
    -----
    The standard error is the delta-method estimator of Dinse and Larson
    (1986) that statsmodels' ``CumIncidenceRight``, Stata's ``stcompet``
    and SAS PROC LIFETEST compute; see
    :mod:`readmit.analyses.cumulative_incidence`.

    Examples
    --------
    >>> time_to_readmission(r, by="age_band").group.unique().tolist()       # doctest: +SKIP
    ['0-17', '18-44', '45-66', '67-79', '80+']
    """
    names = groupings(by, TIME_TO_READMISSION_GROUPINGS)
    if len(names) > 1:
        raise ParameterError(f"by: one grouping at a time, not {', '.join(names)}")
    horizon = check_horizon(horizon_days)
    expr = GROUPINGS[names[0]] if names else "'all'"
    counts = rule.frame(f"""
        SELECT {expr} AS grp,
               CAST(least(days, $horizon) AS INTEGER) AS day,
               CAST(count(*) FILTER (WHERE status = 1 AND days <= $horizon) AS BIGINT) AS d1,
               CAST(count(*) FILTER (WHERE status = 2 AND days <= $horizon) AS BIGINT) AS d2,
               CAST(count(*) FILTER (WHERE status = 0 OR days > $horizon) AS BIGINT) AS c
        FROM mart_readmission_times
        GROUP BY ALL
        """, {"horizon": horizon})
    counts["grp"] = counts["grp"].astype(object).where(counts["grp"].notna(), "unknown")
    parts = [_one_group(g, part, horizon) for g, part in
             sorted(counts.groupby("grp", sort=False), key=lambda kv: (str(type(kv[0])), kv[0]))]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float) for c in _COLUMNS})
    return pd.concat(parts, ignore_index=True)


_COLUMNS = ["group", "day", "n_at_risk", "n_readmitted", "n_died", "n_censored",
            "n_readmitted_cum", "n_died_cum", "cif_readmission", "se_readmission", "ci_low",
            "ci_high", "cif_death", "one_minus_km"]


def _one_group(group, part: pd.DataFrame, horizon: int) -> pd.DataFrame:
    days = part["day"].to_numpy()
    d1, d2, c = (np.bincount(days, weights=part[k].to_numpy(), minlength=horizon + 1)
                 for k in ("d1", "d2", "c"))
    est = cumulative_incidence(d1, d2, c)
    out = pd.DataFrame({
        "group": [group] * (horizon + 1),
        "day": np.arange(horizon + 1),
        "n_at_risk": est["n_at_risk"].round().astype("int64"),
        "n_readmitted": d1.astype("int64"), "n_died": d2.astype("int64"),
        "n_censored": c.astype("int64"),
        "n_readmitted_cum": np.cumsum(d1).astype("int64"),
        "n_died_cum": np.cumsum(d2).astype("int64"),
        "cif_readmission": est["cif"], "se_readmission": est["se"],
        "ci_low": est["ci_low"], "ci_high": est["ci_high"], "cif_death": est["cif_competing"],
        "one_minus_km": est["naive"],
    })
    return out[_COLUMNS]


def time_to_readmission_figure(table: pd.DataFrame, *, lang: str = "nb",
                               highlight: str | None = None, naive: bool = True) -> go.Figure:
    """Cumulative incidence of readmission by group (solid, with its 95 %
    interval) and, dotted beside it, the naive 1 − Kaplan–Meier.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`time_to_readmission`, possibly masked (NaN cells are gaps).
    lang : {"nb", "en"}
    highlight : str, optional
        With a table grouped by trust: that trust in colour, the others grey.
    naive : bool, default True
        Draw 1 − Kaplan–Meier too (if the table has ``one_minus_km``).
    """
    groups = list(dict.fromkeys(table["group"]))
    trusts = {g: (str(g) if _is_trust(g) else None) for g in groups}
    if highlight is not None and not any(trusts.values()):
        trusts = {g: str(g) for g in groups}
    colours = group_colours(trusts if highlight is not None else {g: None for g in groups},
                            highlight=highlight)
    band = len(groups) <= 4 or highlight is not None
    fig = go.Figure()
    for g in sorted(groups, key=lambda k: str(k) == str(highlight)):
        part = table[table["group"] == g].sort_values("day")
        name = group_label(g, lang=lang) if str(g) != "all" else pick(
            nb="Alle indeksopphold", en="All index stays", lang=lang)
        colour = colours[g]
        days = part["day"].tolist()
        if band and (highlight is None or str(g) == str(highlight)):
            fig.add_trace(go.Scatter(
                x=days + days[::-1],
                y=as_percent(part["ci_high"]) + as_percent(part["ci_low"])[::-1],
                fill="toself", mode="lines", fillcolor=interval_band(colour),
                line=dict(width=0, shape="hv"),
                hoverinfo="skip", showlegend=False, legendgroup=str(g)))
        fig.add_trace(go.Scatter(
            x=days, y=as_percent(part["cif_readmission"]), mode="lines", name=name,
            line=dict(color=colour, width=2.5, shape="hv"), legendgroup=str(g),
            hovertext=[f"{name}, {pick(nb='dag', en='day', lang=lang)} {d}<br>"
                       f"{t('cumulative_incidence', lang=lang)}: {shown_share(v, lang=lang)} "
                       f"({shown_share(lo, lang=lang)}–{shown_share(hi, lang=lang)})<br>"
                       f"{pick(nb='Død først', en='Died first', lang=lang)}: "
                       f"{shown_share(dd, lang=lang)}<br>"
                       f"{pick(nb='I risiko', en='At risk', lang=lang)}: "
                       f"{shown_count(n, lang=lang)}"
                       for d, v, lo, hi, dd, n in zip(days, part["cif_readmission"],
                                                      part["ci_low"], part["ci_high"],
                                                      part["cif_death"], part["n_at_risk"])],
            hoverinfo="text"))
        if naive and "one_minus_km" in part:
            fig.add_trace(go.Scatter(
                x=days, y=as_percent(part["one_minus_km"]), mode="lines",
                name=f"{name}: 1 − Kaplan–Meier", legendgroup=str(g),
                line=dict(color=colour, width=1.5, dash="dot", shape="hv"),
                hovertext=[f"{name}, {pick(nb='dag', en='day', lang=lang)} {d}<br>"
                           f"1 − Kaplan–Meier: {shown_share(v, lang=lang)}"
                           for d, v in zip(days, part["one_minus_km"])],
                hoverinfo="text"))
    styled(fig, title=pick(nb="Tid til reinnleggelse, med død som konkurrerende hendelse",
                           en="Time to readmission, with death as a competing event", lang=lang),
           subtitle=pick(nb="Kumulativ insidens (Aalen–Johansen) med 95 % konfidensintervall; "
                            "prikket: 1 − Kaplan–Meier, som teller de døde som om de kunne "
                            "bli reinnlagt og overvurderer",
                         en="Cumulative incidence (Aalen–Johansen) with 95% confidence interval; "
                            "dotted: 1 − Kaplan–Meier, which treats the dead as if they could "
                            "still be readmitted and overstates", lang=lang),
           x_title=t("days_since_discharge", lang=lang),
           y_title=pick(nb="Kumulativ insidens av reinnleggelse (%)",
                        en="Cumulative incidence of readmission (%)", lang=lang),
           lang=lang, height=540)
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(rangemode="tozero")
    return fig


def days_to_readmission_by_los(rule: Readmissions, *,
                               sectors: Sequence[str] | str = ("vop", "tsb"),
                               horizon_days: int = 365) -> pd.DataFrame:
    """Days from discharge to readmission by the length of the previous stay.

    The cohort: index stays of ``sectors`` with complete follow-up for the
    horizon (end of data − discharge date ≥ ``horizon_days``), so that a
    late readmission of a recent stay is not cut off; among them, those
    whose first readmission (any distance, same sector) came within the
    horizon and before any death.

    Parameters
    ----------
    rule : readmit.Readmissions
    sectors : sequence of {"somatic", "vop", "tsb"}, default ("vop", "tsb")
    horizon_days : int, default 365

    Returns
    -------
    pandas.DataFrame
        ``sector`` (in the order of ``sectors``), ``los_band`` (in order),
        ``n_index`` (index stays with complete follow-up), ``n_readmitted``
        (readmitted within the
        horizon), ``rate`` with ``ci_low``, ``ci_high`` (Wilson 95 %), and
        the days to readmission of the readmitted: ``p10``, ``p25``,
        ``median``, ``p75``, ``p90`` (linear interpolation) and ``mean_days``.

    Examples
    --------
    >>> days_to_readmission_by_los(r, sectors="vop").sector.unique().tolist()  # doctest: +SKIP
    ['vop']
    """
    chosen = [s.strip() for s in sectors.split(",")] if isinstance(sectors, str) else list(sectors)
    bad = [s for s in chosen if s not in ("somatic", "vop", "tsb")]
    if bad or not chosen:
        raise ParameterError(f"sectors must be some of somatic, vop, tsb, not {bad or chosen!r}")
    horizon = check_horizon(horizon_days)
    counts = rule.frame("""
        SELECT sector, los_band,
               CAST(count(*) AS BIGINT) AS n_index,
               CAST(count(*) FILTER (WHERE status = 1 AND days <= $horizon) AS BIGINT)
                   AS n_readmitted,
               quantile_cont(days, 0.10) FILTER (WHERE status = 1 AND days <= $horizon) AS p10,
               quantile_cont(days, 0.25) FILTER (WHERE status = 1 AND days <= $horizon) AS p25,
               quantile_cont(days, 0.50) FILTER (WHERE status = 1 AND days <= $horizon)
                   AS median,
               quantile_cont(days, 0.75) FILTER (WHERE status = 1 AND days <= $horizon) AS p75,
               quantile_cont(days, 0.90) FILTER (WHERE status = 1 AND days <= $horizon) AS p90,
               avg(days) FILTER (WHERE status = 1 AND days <= $horizon) AS mean_days
        FROM mart_readmission_times
        WHERE follow_up_days >= $horizon AND list_contains($sectors, sector)
        GROUP BY sector, los_band, los_band_order
        ORDER BY sector, los_band_order
        """, {"horizon": horizon, "sectors": chosen})
    for name in ("p10", "p25", "median", "p75", "p90", "mean_days"):
        counts[name] = counts[name].astype(float)
    counts = counts.sort_values("sector", key=lambda s: s.map(chosen.index), kind="stable")
    counts = counts.reset_index(drop=True)
    rates = with_wilson_interval(counts)
    return rates[["sector", "los_band", "n_index", "n_readmitted", "rate", "ci_low", "ci_high",
                  "p10", "p25", "median", "p75", "p90", "mean_days"]]


def days_to_readmission_by_los_figure(table: pd.DataFrame, *, lang: str = "nb") -> go.Figure:
    """Box plots of days to readmission by length-of-stay band, one panel per
    sector: the box from the 25th to the 75th percentile, the line its
    median, the whiskers the 10th and 90th percentiles, the dashed line the
    mean. A band with masked (NaN) quantiles is left out.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`days_to_readmission_by_los`, possibly masked.
    lang : {"nb", "en"}
    """
    sectors = list(dict.fromkeys(table["sector"]))
    fig = make_subplots(rows=1, cols=max(len(sectors), 1), shared_yaxes=True,
                        horizontal_spacing=0.05,
                        subplot_titles=[sector_name(s, lang=lang) for s in sectors])
    colours = group_colours({s: None for s in sectors})
    order = {b: i for i, b in enumerate(LOS_BANDS)}
    hidden: list[str] = []
    for i, sector in enumerate(sectors, start=1):
        part = table[table["sector"] == sector].copy()
        part = part.iloc[part["los_band"].map(order).argsort()]
        shown = part[part["median"].notna()]
        hidden += [f"{sector_name(sector, lang=lang)} {los_band_label(b)}"
                   for b, n, m in zip(part["los_band"], part["n_readmitted"], part["median"])
                   if pd.isna(m) and not n == 0]          # masked, not merely none readmitted
        fig.add_trace(go.Box(
            x=[los_band_label(b) for b in shown["los_band"]],
            q1=shown["p25"].tolist(), median=shown["median"].tolist(), q3=shown["p75"].tolist(),
            lowerfence=shown["p10"].tolist(), upperfence=shown["p90"].tolist(),
            mean=shown["mean_days"].tolist(), boxmean=True, name=sector_name(sector, lang=lang),
            marker_color=colours[sector], showlegend=False,
            hovertext=[f"{pick(nb='Reinnlagt', en='Readmitted', lang=lang)}: "
                       f"{shown_count(n, lang=lang)}" for n in shown["n_readmitted"]]),
            row=1, col=i)
        fig.update_xaxes(type="category", categoryorder="array",
                         categoryarray=[los_band_label(b) for b in LOS_BANDS], row=1, col=i)
    styled(fig, title=pick(nb="Tid til reinnleggelse etter liggetid",
                           en="Time to readmission by length of stay", lang=lang),
           subtitle=pick(nb="Boks: 25.–75. persentil, strek: median, stiplet: gjennomsnitt, "
                            "værhår: 10.–90. persentil; reinnlagte med full oppfølging",
                         en="Box: 25th–75th percentile, line: median, dashed: mean, "
                            "whiskers: 10th–90th percentile; readmitted, complete follow-up",
                         lang=lang),
           x_title=pick(nb="Liggetid for forrige opphold (døgn)",
                        en="Length of the previous stay (days)", lang=lang),
           lang=lang, height=500)
    if hidden:
        add_hidden_note(fig, pick(nb="ikke vist (færre enn fem reinnlagte)",
                                  en="not shown (fewer than five readmitted)", lang=lang), hidden)
    fig.update_yaxes(title_text=pick(nb="Tid fra utskrivning til reinnleggelse (dager)",
                                     en="Time from discharge to readmission (days)", lang=lang),
                     rangemode="tozero", row=1, col=1)
    return fig


def _is_trust(value) -> bool:
    from readmit.figures import trust_name

    return isinstance(value, str) and trust_name(value) != value
