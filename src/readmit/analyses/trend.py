"""The trend year by year: readmission rate and ready-for-discharge stays.

:func:`trend` is the table (domain.md, "What leaders asked the numbers to
show", 1), :func:`trend_figure` draws it: the rate with its Wilson 95 %
interval above, the stays with a ready-for-discharge date below.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> table = trend(r)
>>> table.columns.tolist()
['year', 'n_index', 'n_readmitted', 'rate', 'ci_low', 'ci_high', 'n_stays_ready', 'ukp_days']
>>> fig = trend_figure(table, lang="en")
>>> fig.layout.yaxis.title.text
'Readmitted (%)'
>>> ex.close()
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from readmit.analyses._common import (as_percent, as_values, group_colours, group_label,
                                      groupings, select_groups, shown_count, shown_share)
from readmit.figures import HIGHLIGHT, interval_band, pick, styled, t
from readmit.rule import with_wilson_interval

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["trend", "trend_figure", "TREND_GROUPINGS", "TREND_SUPPRESSION"]

#: What :func:`trend` may group by besides the year.
TREND_GROUPINGS = ("sector", "institusjonID")

#: The counts of the trend table and what is computed from them (for
#: :func:`readmit.privacy.masked` and ``displayed``).
TREND_SUPPRESSION = {
    "counts": ["n_index", "n_readmitted", "n_stays_ready"],
    "derived": {"rate": ["n_index", "n_readmitted"], "ci_low": ["n_index", "n_readmitted"],
                "ci_high": ["n_index", "n_readmitted"], "ukp_days": ["n_stays_ready"]},
}


def trend(rule: Readmissions, *, by: Sequence[str] | str | None = None) -> pd.DataFrame:
    """Readmission rate and ready-for-discharge stays by discharge year.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : ``"sector"``, ``"institusjonID"`` (or ``"trust"``), both, or None
        Groups within each year.

    Returns
    -------
    pandas.DataFrame
        ``year``, the ``by`` columns, ``n_index`` (eligible index stays),
        ``n_readmitted``, ``rate``, ``ci_low``, ``ci_high`` (Wilson 95 %),
        ``n_stays_ready`` (stays discharged that year with a
        ready-for-discharge date: every stay, index stay or not, after the
        rule's age, sector and year filters) and ``ukp_days`` (their
        ready-for-discharge days). A year (or group) without an eligible
        index stay has no row.

    Examples
    --------
    >>> trend(r, by="sector").iloc[0][["year", "sector"]].tolist()          # doctest: +SKIP
    [2017, 'somatic']
    """
    names = ["year", *groupings(by, TREND_GROUPINGS)]
    cols, keys = select_groups(names)
    using = ", ".join(f'"{n}"' for n in names)
    counts = rule.frame(f"""
        WITH idx AS (
            SELECT {cols},
                   CAST(sum(n_index) AS BIGINT) AS n_index,
                   CAST(sum(n_readmitted) AS BIGINT) AS n_readmitted
            FROM mart_index_stay_counts
            GROUP BY {keys}
            HAVING sum(n_index) > 0
        ),
        ready AS (
            SELECT {cols},
                   CAST(sum(n_stays_ready) AS BIGINT) AS n_stays_ready,
                   CAST(sum(ukp_days) AS BIGINT) AS ukp_days
            FROM mart_stay_counts
            GROUP BY {keys}
        )
        SELECT idx.*,
               CAST(coalesce(ready.n_stays_ready, 0) AS BIGINT) AS n_stays_ready,
               CAST(coalesce(ready.ukp_days, 0) AS BIGINT) AS ukp_days
        FROM idx LEFT JOIN ready USING ({using})
        ORDER BY {using}
        """)
    return with_wilson_interval(counts)


def trend_figure(table: pd.DataFrame, *, lang: str = "nb", highlight: str | None = None
                 ) -> go.Figure:
    """The trend: readmission rate with its interval (top), stays with a
    ready-for-discharge date (bottom), one line and one bar colour per group.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`trend`, possibly masked (:func:`readmit.privacy.masked`):
        a NaN cell is a gap in the line and ``<5`` in the hover text.
    lang : {"nb", "en"}
    highlight : str, optional
        A trust (``institusjonID``) drawn in colour, the others in grey.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    groups = [c for c in TREND_GROUPINGS if c in table.columns]
    frame = table.sort_values(["year", *groups]).reset_index(drop=True)
    keys = (frame[groups].astype(str).agg(" · ".join, axis=1) if groups
            else pd.Series(["all"] * len(frame)))
    label_of = {k: _label(frame.loc[keys == k, groups].iloc[0], lang) if groups else
                pick(nb="Alle", en="All", lang=lang) for k in dict.fromkeys(keys)}
    trusts = (frame["institusjonID"] if "institusjonID" in frame
              else pd.Series([None] * len(frame)))
    colours = group_colours(dict(zip(keys, trusts)), highlight=highlight)
    highlighted = {k for k, c in colours.items() if c == HIGHLIGHT} if highlight else set()

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.6, 0.4])
    for key, name in label_of.items():
        part = frame[keys == key]
        colour = colours[key]
        years = part["year"].tolist()
        if len(label_of) <= 3:
            fig.add_trace(go.Scatter(
                x=years + years[::-1],
                y=as_percent(part["ci_high"]) + as_percent(part["ci_low"])[::-1],
                fill="toself", mode="lines", fillcolor=interval_band(colour), line=dict(width=0),
                hoverinfo="skip", showlegend=False, legendgroup=key), row=1, col=1)
        hover = [f"{name}, {y}<br>{t('readmission_share', lang=lang)}: {shown_share(v, lang=lang)}"
                 f" ({shown_share(lo, lang=lang)}–{shown_share(hi, lang=lang)})<br>"
                 f"{t('index_stays', lang=lang)}: {shown_count(n, lang=lang)}"
                 for y, v, lo, hi, n in zip(years, part["rate"], part["ci_low"],
                                            part["ci_high"], part["n_index"])]
        error = None
        if len(label_of) > 3:
            high = [None if h is None or v is None else h - v for h, v in
                    zip(as_percent(part["ci_high"]), as_percent(part["rate"]))]
            low = [None if lo is None or v is None else v - lo for lo, v in
                   zip(as_percent(part["ci_low"]), as_percent(part["rate"]))]
            error = dict(type="data", array=high, arrayminus=low, thickness=1, width=3)
        fig.add_trace(go.Scatter(
            x=years, y=as_percent(part["rate"]), mode="lines+markers", name=name,
            line=dict(color=colour, width=3 if key in highlighted else 2),
            error_y=error, legendgroup=key, hovertext=hover, hoverinfo="text"), row=1, col=1)
        fig.add_trace(go.Bar(
            x=years, y=as_values(part["n_stays_ready"]), name=name, marker_color=colour,
            showlegend=False, legendgroup=key,
            hovertext=[f"{name}, {y}<br>{t('ready_stays', lang=lang)}: {shown_count(n, lang=lang)}"
                       f"<br>{t('ukp_days', lang=lang)}: {shown_count(d, lang=lang)}"
                       for y, n, d in zip(years, part["n_stays_ready"], part["ukp_days"])],
            hoverinfo="text"), row=2, col=1)
    styled(fig, title=pick(nb="Reinnleggelser og utskrivningsklare pasienter år for år",
                           en="Readmissions and ready-for-discharge patients year by year",
                           lang=lang),
           subtitle=pick(nb="Andel reinnlagt med 95 % konfidensintervall (Wilson); "
                            "opphold med utskrivningsklar-dato etter utskrivningsår",
                         en="Share readmitted with 95% confidence interval (Wilson); "
                            "stays with a ready-for-discharge date by year of discharge",
                         lang=lang),
           lang=lang, height=620, barmode="group")
    fig.update_yaxes(title_text=pick(nb="Reinnlagt (%)", en="Readmitted (%)", lang=lang),
                     rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text=pick(nb="Opphold (antall)", en="Stays (count)", lang=lang),
                     rangemode="tozero", tickformat=",d", row=2, col=1)
    fig.update_xaxes(title_text=t("discharge_year", lang=lang), dtick=1, row=2, col=1)
    fig.update_xaxes(dtick=1, row=1, col=1)
    return fig


def _label(row: pd.Series, lang: str) -> str:
    return " · ".join(group_label(v, lang=lang) for v in row)
