"""Small numbers: what may leave the analyst's session (definitions.md, Small numbers).

A count from 1 to 4, and any rate, share or interval computed from such a
count, is shown as ``<5`` wherever readmit's output is read outside the
secure session: HTML reports (tables, chart labels, hover text and the data
embedded in the page) and the aggregate tables of the command line. The
Python API itself returns raw numbers.

Suppress before plotting, not after: :func:`masked` blanks the cells (NaN)
so a figure never receives the value; :func:`displayed` writes ``<5`` into a
table for reading or for a CSV file.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"trust": ["A", "B"], "n_index": [200, 40], "n_readmitted": [25, 3],
...                   "rate": [0.125, 0.075]})
>>> rule = dict(counts=["n_index", "n_readmitted"], derived={"rate": ["n_index", "n_readmitted"]})
>>> small_cells(t, **rule)["rate"].tolist()
[False, True]
>>> masked(t, **rule)["n_readmitted"].tolist()
[25.0, nan]
>>> displayed(t, **rule)["rate"].tolist()
[0.125, '<5']
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from readmit.figures.numbers import SMALL

__all__ = ["SMALL", "THRESHOLD", "small_cells", "masked", "displayed", "is_small"]

#: Counts below this (and above 0) are suppressed.
THRESHOLD = 5


def is_small(values: pd.Series | Sequence[float], threshold: int = THRESHOLD) -> pd.Series:
    """True where a count is from 1 to ``threshold`` - 1 (0 and missing are not small)."""
    s = pd.to_numeric(pd.Series(values), errors="coerce")
    return (s >= 1) & (s < threshold)


def small_cells(frame: pd.DataFrame, *, counts: Sequence[str],
                derived: Mapping[str, Sequence[str]] | None = None,
                threshold: int = THRESHOLD) -> pd.DataFrame:
    """Which cells must be hidden: a boolean frame over ``counts`` and ``derived``.

    Parameters
    ----------
    frame : pandas.DataFrame
    counts : sequence of str
        Count columns; a cell is hidden when its count is 1 to ``threshold`` - 1.
    derived : mapping of str to sequence of str, optional
        Columns computed from counts (a rate from its numerator and
        denominator, an interval, a mean): hidden where any of the counts
        it is computed from is hidden.
    threshold : int, default 5
    """
    derived = dict(derived or {})
    missing = [c for c in [*counts, *derived, *(x for v in derived.values() for x in v)]
               if c not in frame.columns]
    if missing:
        raise KeyError(f"columns not in the table: {', '.join(dict.fromkeys(missing))}")
    out = pd.DataFrame(index=frame.index)
    for c in counts:
        out[c] = is_small(frame[c], threshold).to_numpy()
    for c, sources in derived.items():
        hide = pd.Series(False, index=frame.index)
        for s in sources:
            hide |= out[s] if s in out else is_small(frame[s], threshold).to_numpy()
        out[c] = hide.to_numpy() | (out[c].to_numpy() if c in out else False)
    return out


def masked(frame: pd.DataFrame, *, counts: Sequence[str],
           derived: Mapping[str, Sequence[str]] | None = None,
           threshold: int = THRESHOLD) -> pd.DataFrame:
    """A copy with hidden cells set to NaN (numeric columns become float; a
    text column, such as a funnel plot's ``outside``, keeps its other values):
    the data to hand a figure."""
    hide = small_cells(frame, counts=counts, derived=derived, threshold=threshold)
    out = frame.copy()
    for c in hide.columns:
        if hide[c].any():
            number = pd.to_numeric(out[c], errors="coerce")
            if (number.isna() & out[c].notna()).any():
                out[c] = out[c].astype(object).mask(hide[c].to_numpy())
            else:
                out[c] = number.astype(float).mask(hide[c].to_numpy())
    return out


def displayed(frame: pd.DataFrame, *, counts: Sequence[str],
              derived: Mapping[str, Sequence[str]] | None = None,
              formats: Mapping[str, Callable[[object], str]] | None = None,
              threshold: int = THRESHOLD) -> pd.DataFrame:
    """A copy for reading: hidden cells are ``<5``; the others keep their
    value, or are formatted with ``formats[column]`` when given."""
    hide = small_cells(frame, counts=counts, derived=derived, threshold=threshold)
    formats = dict(formats or {})
    out = frame.copy()
    for c in hide.columns:
        fmt = formats.get(c)
        values = [SMALL if h else (fmt(v) if fmt else v) for v, h in zip(frame[c], hide[c])]
        out[c] = pd.Series(values, index=frame.index, dtype=object)
    for c, fmt in formats.items():
        if c not in hide.columns and c in out:
            out[c] = frame[c].map(fmt)
    return out
