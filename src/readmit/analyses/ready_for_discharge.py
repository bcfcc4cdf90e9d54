"""Ready-for-discharge patients (utskrivningsklare pasienter): their days in
hospital after being ready, what the municipalities pay for them, and how
often they are readmitted.

:func:`ready_for_discharge` is the table by discharge year, trust and
sector; :func:`ready_for_discharge_figure` draws it.

The statutory municipal rate of each year comes from the shipped reference
table ``readmit/reference/ukp_satser.csv`` (Helsedirektoratet). A year
without a rate is an error naming the year — never a guess: leave the year
out with the rule's ``years=``.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> table = ready_for_discharge(r, by="year")
>>> table[["year", "n_stays_ready", "ukp_days", "statutory_rate_nok"]].iloc[0].tolist()
[2017, 4, 4, 4622]
>>> fig = ready_for_discharge_figure(table, lang="en")
>>> fig.layout.yaxis.title.text
'Ready-for-discharge days (days)'
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
from readmit.errors import ParameterError, ReadmitError
from readmit.figures import SMALL, nok, pick, styled, t
from readmit.rule import with_wilson_interval

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["ready_for_discharge", "ready_for_discharge_figure", "READY_FOR_DISCHARGE_COLUMNS",
           "READY_FOR_DISCHARGE_SUPPRESSION"]

#: The columns of :func:`ready_for_discharge` after its grouping columns.
READY_FOR_DISCHARGE_COLUMNS = [
    "n_stays", "n_stays_ready", "ukp_days", "statutory_rate_nok", "payment_nok",
    "n_index_ready", "n_readmitted_ready", "rate_ready", "ci_low_ready", "ci_high_ready",
    "n_index_not_ready", "n_readmitted_not_ready", "rate_not_ready", "ci_low_not_ready",
    "ci_high_not_ready",
]
_READY = ["n_index_ready", "n_readmitted_ready"]
_NOT_READY = ["n_index_not_ready", "n_readmitted_not_ready"]
#: Counts of the table and what is computed from them (the days and the
#: payment are sums over the ``n_stays_ready`` stays).
READY_FOR_DISCHARGE_SUPPRESSION = {
    "counts": ["n_stays", "n_stays_ready", *_READY, *_NOT_READY],
    "derived": {"ukp_days": ["n_stays_ready"], "payment_nok": ["n_stays_ready"],
                **{f"{c}_ready": _READY for c in ("rate", "ci_low", "ci_high")},
                **{f"{c}_not_ready": _NOT_READY for c in ("rate", "ci_low", "ci_high")}},
}
_GROUPINGS = ("year", "institusjonID", "sector")


def ready_for_discharge(rule: Readmissions, *,
                        by: Sequence[str] | str = ("year", "institusjonID", "sector")
                        ) -> pd.DataFrame:
    """Ready-for-discharge stays, days and payment; readmission of the ready.

    Parameters
    ----------
    rule : readmit.Readmissions
    by : ``"year"`` and any of ``"institusjonID"`` (``"trust"``), ``"sector"``
        The groups; the year is required (the statutory rate is per year).

    Returns
    -------
    pandas.DataFrame
        ``year``, the other ``by`` columns, then
        :data:`READY_FOR_DISCHARGE_COLUMNS`: ``n_stays`` (stays discharged
        that year, every stay after the rule's age, sector and year
        filters), ``n_stays_ready`` (those with a ready-for-discharge date),
        ``ukp_days`` (their ready-for-discharge days), ``statutory_rate_nok``
        (the municipal rate per day that year), ``payment_nok`` (``ukp_days``
        × the rate); the readmission rate (Wilson 95 %) of the eligible index
        stays with a ready-for-discharge date (``*_ready``) and without
        (``*_not_ready``). Only the discharge years from the first to the
        last with an eligible index stay (the rule's period, as in
        :meth:`readmit.Readmissions.period`): a year of stays that spill over
        past the last 31 December is incomplete and left out, as
        definitions.md leaves it out of rates.

    Raises
    ------
    readmit.ReadmitError
        A year of the table has no statutory rate in the reference data.

    Examples
    --------
    >>> ready_for_discharge(r).columns[:3].tolist()                        # doctest: +SKIP
    ['year', 'institusjonID', 'sector']
    """
    names = groupings(by, _GROUPINGS)
    if "year" not in names:
        raise ParameterError(f"by must include 'year' (the statutory rate is per year), "
                             f"not {by!r}")
    names = ["year", *[n for n in names if n != "year"]]
    cols, keys = select_groups(names)
    using = ", ".join(f'"{n}"' for n in names)
    frame = rule.frame(f"""
        WITH stays AS (
            SELECT {cols},
                   CAST(sum(n_stays) AS BIGINT) AS n_stays,
                   CAST(sum(n_stays_ready) AS BIGINT) AS n_stays_ready,
                   CAST(sum(ukp_days) AS BIGINT) AS ukp_days
            FROM mart_stay_counts
            GROUP BY {keys}
        ),
        idx AS (
            SELECT {cols},
                   sum(n_index) FILTER (WHERE ready_for_discharge = 1) AS n_index_ready,
                   sum(n_readmitted) FILTER (WHERE ready_for_discharge = 1) AS n_readmitted_ready,
                   sum(n_index) FILTER (WHERE ready_for_discharge = 0) AS n_index_not_ready,
                   sum(n_readmitted) FILTER (WHERE ready_for_discharge = 0)
                       AS n_readmitted_not_ready
            FROM mart_index_stay_counts
            GROUP BY {keys}
        ),
        period AS (
            SELECT min(year) AS first_year, max(year) AS last_year
            FROM mart_index_stay_counts
            WHERE n_index > 0
        )
        SELECT stays.*,
               rate.nok_per_day AS statutory_rate_nok,
               CAST(stays.ukp_days * rate.nok_per_day AS BIGINT) AS payment_nok,
               CAST(coalesce(idx.n_index_ready, 0) AS BIGINT) AS n_index_ready,
               CAST(coalesce(idx.n_readmitted_ready, 0) AS BIGINT) AS n_readmitted_ready,
               CAST(coalesce(idx.n_index_not_ready, 0) AS BIGINT) AS n_index_not_ready,
               CAST(coalesce(idx.n_readmitted_not_ready, 0) AS BIGINT) AS n_readmitted_not_ready
        FROM stays
        LEFT JOIN idx USING ({using})
        LEFT JOIN ref_ukp_satser AS rate ON rate.year = stays.year
        WHERE stays.year BETWEEN (SELECT first_year FROM period)
                             AND (SELECT last_year FROM period)
        ORDER BY {using}
        """)
    missing = sorted({int(y) for y in frame.loc[frame["statutory_rate_nok"].isna(), "year"]})
    if missing:
        years = ", ".join(map(str, missing))
        raise ReadmitError(
            f"no statutory municipal rate for ready-for-discharge days in {years} "
            "(readmit/reference/ukp_satser.csv has none); leave "
            f"{'that year' if len(missing) == 1 else 'those years'} out with the rule's years=")
    frame["statutory_rate_nok"] = frame["statutory_rate_nok"].astype("int64")
    for suffix in ("ready", "not_ready"):
        frame = with_wilson_interval(frame, n=f"n_index_{suffix}", k=f"n_readmitted_{suffix}")
        frame = frame.rename(columns={c: f"{c}_{suffix}" for c in ("rate", "ci_low", "ci_high")})
    return frame[[*names, *READY_FOR_DISCHARGE_COLUMNS]]


def ready_for_discharge_figure(table: pd.DataFrame, *, lang: str = "nb",
                               highlight: str | None = None) -> go.Figure:
    """Ready-for-discharge days by year (top; the payment in the hover text)
    and the readmission rate of index stays with a ready-for-discharge date
    (solid) against those without (dotted), with 95 % intervals (bottom).

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`ready_for_discharge`, possibly masked (NaN cells are gaps).
    lang : {"nb", "en"}
    highlight : str, optional
        With a table grouped by trust: that trust in colour, the others grey.
    """
    groups = [c for c in ("institusjonID", "sector") if c in table.columns]
    frame = table.sort_values(["year", *groups]).reset_index(drop=True)
    keys = (frame[groups].astype(str).agg(" · ".join, axis=1) if groups
            else pd.Series(["all"] * len(frame)))
    trusts = (frame["institusjonID"] if "institusjonID" in frame
              else pd.Series([None] * len(frame)))
    colours = group_colours(dict(zip(keys, trusts)), highlight=highlight)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        row_heights=[0.45, 0.55])
    ready_word = pick(nb="utskrivningsklar", en="ready for discharge", lang=lang)
    not_ready_word = pick(nb="ikke utskrivningsklar", en="not ready", lang=lang)
    for key in dict.fromkeys(keys):
        part = frame[keys == key]
        name = (" · ".join(group_label(v, lang=lang) for v in part[groups].iloc[0]) if groups
                else pick(nb="Alle", en="All", lang=lang))
        colour = colours[key]
        years = part["year"].tolist()
        fig.add_trace(go.Scatter(
            x=years, y=as_values(part["ukp_days"]), mode="lines+markers", name=name,
            line=dict(color=colour, width=2), legendgroup=key,
            hovertext=[f"{name}, {y}<br>{t('ukp_days', lang=lang)}: {shown_count(d, lang=lang)}<br>"
                       f"{t('ready_stays', lang=lang)}: {shown_count(n, lang=lang)}<br>"
                       f"{pick(nb='Kommunal betaling', en='Municipal payment', lang=lang)}: "
                       f"{nok(p, lang=lang) if pd.notna(p) else SMALL} "
                       f"({nok(rate, lang=lang)} {pick(nb='per døgn', en='a day', lang=lang)})"
                       for y, d, n, p, rate in zip(years, part["ukp_days"], part["n_stays_ready"],
                                                   part["payment_nok"],
                                                   part["statutory_rate_nok"])],
            hoverinfo="text"), row=1, col=1)
        for suffix, word, dash in (("ready", ready_word, "solid"),
                                   ("not_ready", not_ready_word, "dot")):
            rate = as_percent(part[f"rate_{suffix}"])
            low, high = as_percent(part[f"ci_low_{suffix}"]), as_percent(part[f"ci_high_{suffix}"])
            fig.add_trace(go.Scatter(
                x=years, y=rate, mode="lines+markers", name=f"{name}, {word}",
                line=dict(color=colour, width=2, dash=dash), legendgroup=key, showlegend=False,
                error_y=dict(type="data", thickness=1, width=3,
                             array=[None if h is None or v is None else h - v
                                    for h, v in zip(high, rate)],
                             arrayminus=[None if lo is None or v is None else v - lo
                                         for lo, v in zip(low, rate)]),
                hovertext=[f"{name}, {y}, {word}<br>{t('readmission_share', lang=lang)}: "
                           f"{shown_share(v, lang=lang)} ({shown_share(lo, lang=lang)}–"
                           f"{shown_share(hi, lang=lang)})<br>{t('index_stays', lang=lang)}: "
                           f"{shown_count(n, lang=lang)}"
                           for y, v, lo, hi, n in zip(years, part[f"rate_{suffix}"],
                                                      part[f"ci_low_{suffix}"],
                                                      part[f"ci_high_{suffix}"],
                                                      part[f"n_index_{suffix}"])],
                hoverinfo="text"), row=2, col=1)
    styled(fig, title=pick(nb="Utskrivningsklare pasienter", en="Patients ready for discharge",
                           lang=lang),
           subtitle=pick(nb="Øverst: utskrivningsklare døgn etter utskrivningsår. Nederst: "
                            "andel reinnlagt, heltrukket med utskrivningsklar-dato, prikket uten, "
                            "med 95 % konfidensintervall",
                         en="Top: ready-for-discharge days by year of discharge. Bottom: share "
                            "readmitted, solid with a ready-for-discharge date, dotted without, "
                            "with 95% confidence interval", lang=lang),
           lang=lang, height=640)
    fig.update_yaxes(title_text=pick(nb="Utskrivningsklare døgn (døgn)",
                                     en="Ready-for-discharge days (days)", lang=lang),
                     rangemode="tozero", tickformat=",d", row=1, col=1)
    fig.update_yaxes(title_text=pick(nb="Reinnlagt (%)", en="Readmitted (%)", lang=lang),
                     rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=t("discharge_year", lang=lang), dtick=1, row=2, col=1)
    fig.update_xaxes(dtick=1, row=1, col=1)
    return fig
