"""Small pieces for writing the loader's SQL: quoting, bound parameters, conversions."""
from __future__ import annotations

import re

__all__ = ["q", "Params", "first_line", "lossless", "PARAM", "INTS", "INT_KEYS"]

INTS = ("TINYINT", "SMALLINT", "INTEGER", "UTINYINT", "USMALLINT")
#: Integer types an id may have in a Parquet file.
INT_KEYS = {*INTS, "BIGINT", "UINTEGER", "UBIGINT", "HUGEINT"}
#: A ``$name`` parameter in SQL text.
PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
#: Source types that convert to the typed column's type without any failure.
_LOSSLESS = {
    "VARCHAR": {"VARCHAR", *INTS, "BIGINT", "UINTEGER", "UBIGINT", "HUGEINT"},
    "INTEGER": set(INTS),
    "BIGINT": {*INTS, "BIGINT", "UINTEGER"},
    "DOUBLE": {"FLOAT", "DOUBLE"},
    "DATE": {"DATE"},
    "TIME": {"TIME"},
    "TIMESTAMP": {"TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS"},
}


def lossless(source_type: str, typed: str) -> bool:
    """Whether a ``source_type`` column converts to ``typed`` without any failure.

    Examples
    --------
    >>> lossless("TINYINT", "INTEGER"), lossless("VARCHAR", "DATE")
    (True, False)
    """
    return source_type in _LOSSLESS[typed]


def q(identifier: str) -> str:
    """Quote an SQL identifier.

    Examples
    --------
    >>> q('institusjonID')
    '"institusjonID"'
    """
    return '"' + identifier.replace('"', '""') + '"'


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (DuckDB's are long)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class Params:
    """Collect bound parameters while SQL text is assembled: ``p(value) -> "$p3"``.

    Examples
    --------
    >>> p = Params()
    >>> p("HBE"), p.values
    ('$p0', {'p0': 'HBE'})
    """

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def __call__(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return "$" + name
