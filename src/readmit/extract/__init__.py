"""Read an NPR-shaped extract into typed DuckDB tables, accounting for every row.

:func:`open` (``readmit.open``) is the only way any analysis reads data. It
finds the files of the extract (``episoder`` and ``pasienter``, required;
``akuttkontakter`` and ``handlingsplaner``, optional; each ``NAME.parquet``
or ``NAME.csv``), matches their column names to extract.md's (any case, or
an NPR spelling from :mod:`readmit.extract.aliases`), types every column in
DuckDB SQL, and splits the rows into typed tables and a ``rejects`` table.
Counts reconcile per file: ``read = kept + rejected``. The result is an
:class:`Extract`; with ``database=FILE`` it is kept in a DuckDB file and
reused while the extract is unchanged (:mod:`readmit.extract.database`).

Modules: :mod:`~readmit.extract.sources` (files and structure),
:mod:`~readmit.extract.csv` (CSV dialects), :mod:`~readmit.extract.schema`
(columns, types, codes), :mod:`~readmit.extract.aliases` (other spellings),
:mod:`~readmit.extract.loader` (typing, checks, the reasons of rejects),
:mod:`~readmit.extract.database` (the persistent database),
:mod:`~readmit.extract.check` (``readmit check``).

An analysis that needs an optional table calls :func:`require_table` (or
:meth:`Extract.require`) first; without the table it raises
:class:`readmit.errors.MissingTableError`, one line the CLI prints.

Examples
--------
>>> import readmit
>>> with readmit.open(readmit.datasets.example_extract()) as ex:
...     print(ex.counts["episoder"]["rejected"], ex.has("handlingsplaner"))
0 True
"""
from __future__ import annotations

from readmit.errors import MissingTableError
from readmit.extract.aliases import column_aliases, shipped_aliases
from readmit.extract.loaded import Extract, require_table
from readmit.extract.open import open  # noqa: A004
from readmit.extract.schema import ALL_FILES, OPTIONAL_FILES, REQUIRED_FILES

__all__ = ["open", "Extract", "require_table", "MissingTableError", "column_aliases",
           "shipped_aliases", "REQUIRED_FILES", "OPTIONAL_FILES", "ALL_FILES"]
