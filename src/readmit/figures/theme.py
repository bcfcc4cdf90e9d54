"""Palette, fonts and layout shared by every readmit figure.

The palette is Okabe and Ito's (2008), safe for the common forms of colour
blindness; a highlighted trust is drawn in vermillion over grey. Fonts are
the reader's own system fonts (no web fonts: reports open offline).

Examples
--------
>>> import plotly.graph_objects as go
>>> fig = styled(go.Figure(go.Scatter(x=[2018, 2019], y=[0.11, 0.12])),
...              title="Andel reinnleggelser", x_title="År", y_title="Andel (%)")
>>> fig.layout.separators, fig.layout.xaxis.title.text
(', ', 'År')
"""
from __future__ import annotations

from collections.abc import Iterable

from readmit.figures.i18n import check_lang

#: Okabe-Ito: blue, orange, bluish green, reddish purple, sky blue, vermillion, yellow, black.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000"]
GREY = "#9A9A9A"
#: The colour of ``highlight=`` (one trust marked in every chart).
HIGHLIGHT = "#D55E00"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
#: plotly's ``separators``: decimal mark, then thousands separator.
SEPARATORS = {"nb": ", ", "en": ".,"}


def layout(*, lang: str = "nb", height: int = 460, **overrides) -> dict:
    """Layout settings of a readmit figure (pass to ``fig.update_layout``)."""
    check_lang(lang)
    base = dict(
        template="plotly_white",
        font=dict(family=FONT, size=14, color="#222"),
        title=dict(font=dict(size=18), x=0.0, xanchor="left", y=0.97, yanchor="top"),
        height=height,
        margin=dict(l=80, r=40, t=90, b=70),
        separators=SEPARATORS[lang],
        hoverlabel=dict(font_size=13, font_family=FONT),
        colorway=PALETTE,
        legend=dict(bgcolor="rgba(255,255,255,0.8)"),
    )
    base.update(overrides)
    return base


def styled(fig, *, title: str, x_title: str | None = None, y_title: str | None = None,
           subtitle: str | None = None, lang: str = "nb", height: int = 460, **overrides):
    """Apply the readmit look, a title (with an optional subtitle) and axis titles."""
    text = title if not subtitle else f"{title}<br><sup>{subtitle}</sup>"
    fig.update_layout(**layout(lang=lang, height=height, **overrides))
    fig.update_layout(title_text=text)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    fig.update_yaxes(showline=True, linecolor="#888", ticks="outside", gridcolor="#eee")
    return fig


def colour_map(keys: Iterable[str], *, highlight: str | None = None) -> dict[str, str]:
    """A colour per key: the palette in order, or, with ``highlight``, that key
    in :data:`HIGHLIGHT` and every other in grey.

    Examples
    --------
    >>> colour_map(["HBE", "HFO"]), colour_map(["HBE", "HFO"], highlight="HFO")["HBE"]
    ({'HBE': '#0072B2', 'HFO': '#E69F00'}, '#9A9A9A')
    """
    keys = list(dict.fromkeys(keys))
    if highlight is not None:
        return {k: HIGHLIGHT if k == highlight else GREY for k in keys}
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(keys)}


def interval_band(colour: str, opacity: float = 0.18) -> str:
    """The fill colour of an interval band around a line of ``colour`` (``#rrggbb``)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{opacity})"


def share_axis(fig, *, lang: str = "nb", axis: str = "y", upper: float = 1.0, **selector):
    """Label an axis of shares (0 to ``upper``) as per cent in the language's
    format: ``20 %`` in bokmål, ``20%`` in English (plotly's own ``.0%`` format
    cannot put the space in). ``selector`` (``row=``, ``col=``) picks a subplot.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = share_axis(go.Figure(go.Bar(y=[0.12, 0.31])), upper=0.31)
    >>> list(fig.layout.yaxis.ticktext)
    ['0 %', '5 %', '10 %', '15 %', '20 %', '25 %', '30 %', '35 %']
    """
    from readmit.figures.numbers import percent

    check_lang(lang)
    top = upper if upper == upper and upper > 0 else 1.0          # NaN or 0: a whole axis
    step = next((s for s in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25)
                 if top / s <= 8), 0.25)
    values = [round(i * step, 6) for i in range(int(top / step + 1e-9) + 2)]
    decimals = 1 if step < 0.01 else 0
    settings = dict(tickmode="array", tickvals=values,
                    ticktext=[percent(v, decimals, lang=lang) for v in values])
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**settings, **selector)
    return fig
