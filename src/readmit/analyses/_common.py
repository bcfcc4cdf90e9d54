"""What the analyses share: LOS bands, groupings, labels of masked cells."""
from __future__ import annotations

import numbers
from collections.abc import Sequence

import pandas as pd

from readmit.errors import ParameterError
from readmit.figures import (GREY, HIGHLIGHT, SMALL, colour_map, integer, percent, pick,
                             sector_name, trust_name)
from readmit.rule import GROUPINGS, grouping_names

#: Length-of-stay bands (whole days), in order, as the tables write them.
LOS_BANDS = ["0", "1", "2", "3-4", "5-7", "8-14", "15-29", "30+"]

#: The longest horizon (days) a time-to-readmission table may have: ten years.
MAX_HORIZON_DAYS = 3660


def groupings(by: Sequence[str] | str | None, allowed: Sequence[str], *,
              name: str = "by") -> list[str]:
    """Canonical grouping names from ``by``, each one of ``allowed``."""
    return grouping_names(by, allowed={k: GROUPINGS[k] for k in allowed}, name=name)


def select_groups(names: Sequence[str]) -> tuple[str, str]:
    """``(select_list, group_keys)`` SQL for grouping ``names`` (both '' for none)."""
    cols = ", ".join(f'{GROUPINGS[n]} AS "{n}"' for n in names)
    keys = ", ".join(GROUPINGS[n] for n in names)
    return cols, keys


def check_horizon(horizon_days: int) -> int:
    """``horizon_days`` as an int from 1 to :data:`MAX_HORIZON_DAYS`, else ParameterError."""
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, numbers.Integral) \
            or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ParameterError(f"horizon_days must be a whole number of days from 1 to "
                             f"{MAX_HORIZON_DAYS}, not {horizon_days!r}")
    return int(horizon_days)


def group_colours(trust_of: dict, *, highlight: str | None = None) -> dict:
    """A colour per group key: the palette in order, or with ``highlight`` (a
    trust) that trust's groups in the highlight colour and the rest grey.

    ``trust_of`` maps each group key to its trust (``institusjonID``) or None.
    """
    if highlight is None:
        return colour_map(trust_of)
    if all(v is None for v in trust_of.values()):
        raise ParameterError("highlight needs a table with an institusjonID column "
                             "(group it by trust)")
    if highlight not in set(trust_of.values()):
        raise ParameterError(f"highlight: no trust {highlight!r} in the table "
                             f"(it has {', '.join(sorted({str(v) for v in trust_of.values()}))})")
    return {k: HIGHLIGHT if v == highlight else GREY for k, v in trust_of.items()}


def los_band_label(band: str, *, lang: str = "nb") -> str:
    """``"3-4"`` -> ``"3–4"`` (an en dash, as in print)."""
    return str(band).replace("-", "–")


def group_label(value, *, lang: str = "nb") -> str:
    """A group's value as a reader reads it: sector and trust names, yes/no."""
    if isinstance(value, (bool,)) or str(value) in ("True", "False"):
        ready = value is True or str(value) == "True"
        return (pick(nb="Utskrivningsklar", en="Ready for discharge", lang=lang) if ready else
                pick(nb="Ikke utskrivningsklar", en="Not ready for discharge", lang=lang))
    text = str(value)
    if text in ("somatic", "vop", "tsb", "all"):
        return sector_name(text, lang=lang) if text != "all" else pick(nb="Alle", en="All",
                                                                        lang=lang)
    if text in ("0-17", "18-44", "45-66", "67-79", "80+"):
        return pick(nb=f"{los_band_label(text)} år", en=f"{los_band_label(text)} years",
                    lang=lang)
    return trust_name(text)


def shown_count(value, *, lang: str = "nb") -> str:
    """A count for hover text and labels; a masked (NaN) count is ``<5``."""
    return SMALL if _missing(value) else integer(value, lang=lang)


def shown_share(value, *, lang: str = "nb", decimals: int = 1) -> str:
    """A share as per cent for hover text; masked (NaN) is ``<5``."""
    return SMALL if _missing(value) else percent(value, decimals, lang=lang)


def add_hidden_note(fig, text: str, items: Sequence[str], *, width: int = 110) -> None:
    """Say under the chart which groups are not drawn (``<5: text: a, b, ...``),
    wrapped into lines of about ``width`` characters, with room made for them.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> fig = go.Figure()
    >>> add_hidden_note(fig, "not shown", [f"Trust {i}" for i in range(30)], width=60)
    >>> fig.layout.annotations[0].text.count("<br>"), fig.layout.margin.b
    (5, 188)
    """
    words = f"{SMALL}: {text}: {', '.join(items)}".split(" ")
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    bottom = fig.layout.margin.b if fig.layout.margin.b is not None else 70
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0,
                       xanchor="left", yanchor="top", yshift=-62, align="left",
                       showarrow=False, font=dict(size=12, color="#555"))
    fig.update_layout(margin_b=bottom + 10 + 18 * len(lines))


def as_percent(values: pd.Series) -> list:
    """Shares as per cent for plotting; masked cells become gaps (None)."""
    return [None if _missing(v) else 100.0 * float(v) for v in values]


def as_values(values: pd.Series) -> list:
    """Numbers for plotting; masked cells become gaps (None)."""
    return [None if _missing(v) else float(v) for v in values]


def _missing(value) -> bool:
    try:
        return value is None or value is pd.NA or pd.isna(value)
    except (TypeError, ValueError):
        return False
