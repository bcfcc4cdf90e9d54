"""Numbers as a Norwegian or English reader expects them.

Bokmål: a space between thousands (a no-break space in HTML is not needed:
plain spaces keep CSV and hover text simple), a comma before decimals, and a
space before the per cent sign. English: commas between thousands, a point
before decimals.

Examples
--------
>>> integer(1234567, lang="nb"), integer(1234567, lang="en")
('1 234 567', '1,234,567')
>>> nok(302_904_000, lang="nb"), nok(302_904_000, lang="en")
('302,9 mill. kr', 'NOK 302.9 million')
>>> percent(None), number(float("nan"))
('–', '–')
"""
from __future__ import annotations

import math

from readmit.figures.i18n import check_lang

#: How a suppressed small count (1-4) and what is computed from it is shown.
SMALL = "<5"
_MISSING = "–"


def _missing(x) -> bool:
    if x is None or isinstance(x, str):
        return x is None
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def number(x, decimals: int = 0, *, lang: str = "nb") -> str:
    """``x`` with ``decimals`` decimals and grouped thousands."""
    check_lang(lang)
    if isinstance(x, str):
        return x
    if _missing(x):
        return _MISSING
    text = f"{float(x):,.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", " ").replace(".", ",").replace("-", "−")
    return text


def integer(x, *, lang: str = "nb") -> str:
    """A count: ``1 234`` (nb), ``1,234`` (en)."""
    return number(x, 0, lang=lang)


def percent(share, decimals: int = 1, *, lang: str = "nb") -> str:
    """A share (0.119) as per cent: ``11,9 %`` (nb), ``11.9%`` (en)."""
    if isinstance(share, str):
        return share
    if _missing(share):
        return _MISSING
    text = number(100 * float(share), decimals, lang=lang)
    return f"{text} %" if lang == "nb" else f"{text}%"


def nok(amount, *, lang: str = "nb") -> str:
    """Money: millions above 10 million, else whole kroner."""
    if isinstance(amount, str):
        return amount
    if _missing(amount):
        return _MISSING
    if abs(float(amount)) >= 10e6:
        m = number(float(amount) / 1e6, 1, lang=lang)
        return f"{m} mill. kr" if lang == "nb" else f"NOK {m} million"
    return f"{integer(amount, lang=lang)} kr" if lang == "nb" else f"NOK {integer(amount, lang=lang)}"
