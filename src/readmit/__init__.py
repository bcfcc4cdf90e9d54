"""readmit: hospital readmissions and frequent users in Norwegian health services.

Open an NPR-shaped extract with :func:`readmit.open`, bind the readmission
rule once with :class:`readmit.Readmissions`, and ask it questions; every
answer is a pandas DataFrame, with a plotly figure beside it.

Examples
--------
>>> import readmit
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> r.rates(by="sector")["sector"].tolist()
['somatic', 'tsb', 'vop']
>>> ex.close()
"""
from __future__ import annotations

__version__ = "0.1.0"

from readmit import datasets  # noqa: E402
from readmit.errors import (MissingTableError, ParameterError, ReadmitError,  # noqa: E402
                            StructuralError)
from readmit.extract import Extract, open, require_table  # noqa: E402,A004
from readmit.readmissions import (index_stays, readmission_burden,  # noqa: E402
                                  readmission_rates)
from readmit.rule import Readmissions  # noqa: E402

__all__ = [
    "open", "Extract", "Readmissions", "datasets", "require_table",
    "ReadmitError", "StructuralError", "ParameterError", "MissingTableError",
    # deprecated functions of 0.1: use Readmissions
    "index_stays", "readmission_rates", "readmission_burden",
    "__version__",
]


def __dir__() -> list[str]:
    return sorted(__all__)
