"""The report's building blocks as HTML: figures, tables and key figures.

Every value passed here must already be safe to show: tables through
:func:`readmit.privacy.displayed`, figures built from
:func:`readmit.privacy.masked` tables.
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

#: plotly config of every chart: no logo, no link to plotly's cloud, responsive.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["sendDataToCloud", "lasso2d", "select2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}


@dataclass
class KeyFigure:
    """One key figure: a label, its value as text, and its change as text."""

    label: str
    value: str
    change: str = ""
    note: str = ""


def figure_html(fig, *, caption: str | None = None, div_id: str | None = None) -> str:
    """A plotly figure as a ``<figure>`` (plotly.js is embedded once by the page).

    Hand it only a figure drawn from a :func:`readmit.privacy.masked` table:
    plotly embeds every value it draws (hover text and custom data too).

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> page = figure_html(go.Figure(), caption="Hi", div_id="chart-x")
    >>> "<figure" in page and 'id="chart-x"' in page
    True
    """
    import plotly.io as pio

    div = pio.to_html(fig, include_plotlyjs=False, full_html=False, config=PLOTLY_CONFIG,
                      validate=True, div_id=div_id)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart">{div}{cap}</figure>'


def table_html(frame: pd.DataFrame, *, headers: Mapping[str, str] | None = None,
               caption: str | None = None, numeric: Sequence[str] = ()) -> str:
    """A small table; every cell is shown as its text (format before calling).

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"a": ["x"], "b": ["<5"]}), numeric=["b"]))
    <div class="table-wrap"><table><thead><tr><th>a</th><th class="num">b</th></tr></thead><tbody><tr><td>x</td><td class="num">&lt;5</td></tr></tbody></table></div>
    """
    headers = dict(headers or {})
    cols = list(frame.columns)
    cls = {c: ' class="num"' if c in numeric else "" for c in cols}
    head = "".join(f"<th{cls[c]}>{html.escape(headers.get(c, str(c)))}</th>" for c in cols)
    rows = "".join(
        "<tr>" + "".join(f"<td{cls[c]}>{html.escape(_text(v))}</td>" for c, v in zip(cols, row))
        + "</tr>" for row in frame.itertuples(index=False))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def key_figures_html(items: Sequence[KeyFigure]) -> str:
    """Key figures as a row of cards."""
    cards = []
    for k in items:
        change = f'<div class="change">{html.escape(k.change)}</div>' if k.change else ""
        note = f'<div class="kf-note">{html.escape(k.note)}</div>' if k.note else ""
        cards.append(f'<div class="kf"><div class="kf-label">{html.escape(k.label)}</div>'
                     f'<div class="kf-value">{html.escape(k.value)}</div>{change}{note}</div>')
    return f'<div class="key-figures">{"".join(cards)}</div>'


def paragraphs(*texts: str) -> str:
    """Plain sentences as escaped ``<p>`` paragraphs."""
    return "".join(f"<p>{html.escape(t)}</p>" for t in texts if t)


def note_html(text: str) -> str:
    """A short note in grey (e.g. that a section has no data)."""
    return f'<p class="note">{html.escape(text)}</p>'


def formats(lang: str, *, integers: Sequence[str] = (), percents: Sequence[str] = (),
            decimals: Mapping[str, int] | None = None) -> dict:
    """Cell formats for :func:`readmit.privacy.displayed`: counts, shares as
    per cent, and numbers with a given number of decimals, in ``lang``.

    Examples
    --------
    >>> f = formats("nb", integers=["n"], percents=["rate"], decimals={"los": 1})
    >>> f["n"](1234), f["rate"](0.1192), f["los"](4.25)
    ('1 234', '11,9 %', '4,2')
    """
    from readmit.figures import integer, number, percent

    out: dict = {c: (lambda v: integer(v, lang=lang)) for c in integers}
    out.update({c: (lambda v: percent(v, lang=lang)) for c in percents})
    for c, d in (decimals or {}).items():
        out[c] = (lambda v, d=d: number(v, d, lang=lang))
    return out


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return "–"
    return str(v)
