"""Where the loader used to live (readmit 0.1): see :mod:`readmit.extract`.

``from readmit.loader import Extract, open`` keeps working.
"""
from __future__ import annotations

from readmit.extract import Extract, open  # noqa: A004
from readmit.extract.check import check_command

__all__ = ["Extract", "open", "check_command"]
