"""readmit: hospital readmissions and frequent users in Norwegian health services.

Read an NPR-shaped extract into DuckDB with :func:`readmit.open`, then ask it
questions::

    >>> import readmit
    >>> ex = readmit.open("data/synthetic/helse-vest")      # doctest: +SKIP
    >>> readmit.readmission_rates(ex, by=["year"])           # doctest: +SKIP
"""
from __future__ import annotations

__version__ = "0.1.0"

from readmit.errors import StructuralError  # noqa: E402
from readmit.loader import Extract, open  # noqa: E402,A004

__all__ = ["Extract", "StructuralError", "open", "__version__"]


def __getattr__(name: str):
    # Analyses are imported lazily so `import readmit` stays cheap.
    if name in {"index_stays", "readmission_rates", "readmission_burden"}:
        from readmit import readmissions

        return getattr(readmissions, name)
    raise AttributeError(f"module 'readmit' has no attribute {name!r}")
