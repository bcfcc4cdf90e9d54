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
    unit: str = ""


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

    div = pio.to_html(fit_for_page(fig), include_plotlyjs=False, full_html=False,
                      config=PLOTLY_CONFIG, validate=True, div_id=div_id)
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart">{div}{cap}</figure>'


#: The narrowest a chart is drawn (an A4 page's text width, in CSS pixels): legends
#: and subtitles are laid out to fit it.
PAGE_WIDTH_PX = 680
#: Characters of a subtitle line.
SUBTITLE_CHARS = 95


def fit_for_page(fig, *, width: int = PAGE_WIDTH_PX):
    """The chart laid out for a page: its legend in rows under the chart (so the
    data keeps the page's width, on a laptop and on A4) and a long subtitle
    wrapped into lines; the figure grows by what they take.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = go.Figure([go.Scatter(y=[1, 2], name="A long name of a first group"),
    ...                  go.Scatter(y=[2, 1], name="B")], layout=dict(height=400))
    >>> fig = fit_for_page(fig)
    >>> fig.layout.legend.orientation, fig.layout.height > 400
    ('h', True)
    """
    extra_bottom = 0
    entries = [str(t.name) for t in fig.data if t.name and t.showlegend is not False]
    if len(entries) > 1 and fig.layout.showlegend is not False:
        # plotly puts the entries of a horizontal legend that does not fit in one row
        # into columns as wide as the widest entry; the plot area is the width less
        # the side margins
        title = fig.layout.legend.title.text or ""
        widths = [44 + 7.5 * len(name) for name in entries]
        room = width - 120 - 8 * len(title)
        if sum(widths) <= room:
            rows = 1
        else:
            per_row = max(1, int(room // max(widths)))
            rows = -(-len(entries) // per_row)
        extra_bottom = 22 * rows + 10
        fig.update_layout(legend=dict(orientation="h", yref="container", y=0, yanchor="bottom",
                                      x=0, xanchor="left", bgcolor="rgba(255,255,255,0)"))
    extra_top = 0
    text = fig.layout.title.text or ""
    if "<sup>" in text:
        head, _, tail = text.partition("<br><sup>")
        subtitle = tail.removesuffix("</sup>")
        if "<br>" not in subtitle and len(subtitle) > SUBTITLE_CHARS:
            lines = _wrapped(subtitle, SUBTITLE_CHARS)
            fig.update_layout(title_text=head + "".join(f"<br><sup>{line}</sup>"
                                                        for line in lines))
            extra_top = 17 * (len(lines) - 1)
    if extra_bottom or extra_top:
        margin = fig.layout.margin
        fig.update_layout(height=(fig.layout.height or 460) + extra_bottom + extra_top,
                          margin=dict(b=(margin.b if margin.b is not None else 70) + extra_bottom,
                                      t=(margin.t if margin.t is not None else 90) + extra_top))
    return fig


def _wrapped(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` characters, the lines about as long as
    each other (no last line of one word)."""
    n = -(-len(text) // width)
    width = min(width, -(-len(text) // n) + 8)
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def table_html(frame: pd.DataFrame, *, headers: Mapping[str, str] | None = None,
               caption: str | None = None, numeric: Sequence[str] = (),
               wrap: Sequence[str] = ()) -> str:
    """A small table; every cell is shown as its text (format before calling).

    Cells do not wrap, but those of the ``wrap`` columns (long texts).

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"a": ["x"], "b": ["<5"]}), numeric=["b"]))
    <div class="table-wrap"><table><thead><tr><th>a</th><th class="num">b</th></tr></thead><tbody><tr><td>x</td><td class="num">&lt;5</td></tr></tbody></table></div>
    """
    headers = dict(headers or {})
    cols = list(frame.columns)
    cls = {c: ' class="num"' if c in numeric else (' class="wrap"' if c in wrap else "")
           for c in cols}
    head = "".join(f"<th{cls[c]}>{html.escape(headers.get(c, str(c)))}</th>" for c in cols)
    rows = "".join(
        "<tr>" + "".join(f"<td{cls[c]}>{html.escape(_text(v))}</td>" for c, v in zip(cols, row))
        + "</tr>" for row in frame.itertuples(index=False))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def with_interval(shown: pd.DataFrame, low: str = "ci_low", high: str = "ci_high", *,
                  name: str = "ci") -> pd.DataFrame:
    """The interval's two formatted columns as one (``10,5–10,8 %``; ``<5`` when hidden),
    in place of ``low``.

    Examples
    --------
    >>> t = pd.DataFrame({"ci_low": ["10,5 %", "<5"], "ci_high": ["10,8 %", "<5"]})
    >>> with_interval(t)["ci"].tolist()
    ['10,5–10,8 %', '<5']
    """
    from readmit.figures import SMALL

    def joined(lo, hi) -> str:
        lo, hi = str(lo), str(hi)
        if SMALL in (lo, hi):
            return SMALL
        for unit in (" %", "%"):
            if lo.endswith(unit) and hi.endswith(unit):
                return f"{lo.removesuffix(unit)}–{hi}"
        return f"{lo}–{hi}"

    out = shown.copy()
    out.insert(list(out.columns).index(low), name,
               [joined(a, b) for a, b in zip(shown[low], shown[high])])
    return out.drop(columns=[low, high])


def sector_short(sector: str, *, lang: str = "nb") -> str:
    """A sector as a table cell: ``Somatikk``, ``VOP``, ``TSB`` (the definitions
    section spells VOP and TSB out).

    Examples
    --------
    >>> sector_short("vop"), sector_short("somatic", lang="en")
    ('VOP', 'Somatic care')
    """
    from readmit.figures import sector_name

    return {"vop": "VOP", "tsb": "TSB"}.get(sector) or sector_name(sector, lang=lang)


def key_figures_html(items: Sequence[KeyFigure]) -> str:
    """Key figures as a row of cards."""
    cards = []
    for k in items:
        change = f'<div class="change">{html.escape(k.change)}</div>' if k.change else ""
        note = f'<div class="kf-note">{html.escape(k.note)}</div>' if k.note else ""
        unit = f' <span class="kf-unit">{html.escape(k.unit)}</span>' if k.unit else ""
        cards.append(f'<div class="kf"><div class="kf-label">{html.escape(k.label)}</div>'
                     f'<div class="kf-value"><span class="kf-number">{html.escape(k.value)}'
                     f'</span>{unit}</div>{change}{note}</div>')
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
