"""NPR's own spellings of readmit's column names: one mapping the analyst extends.

A real delivery names its columns as NPR or SKDE wrote them that year (``LNr``
or ``pid`` for ``lopenr``, ``dodDato_DSF_190619`` for ``doddato``). The
shipped mapping ``aliases.yaml`` (beside this module) lists those spellings;
:func:`column_aliases` puts the analyst's own in front of it, and
:func:`match_columns` finds each of a table's columns in a file's header.
Case never matters; a spelling ending in ``*`` matches any ending.

Examples
--------
>>> column_aliases({"lopenr": "PersonID"})["lopenr"][:2]
('PersonID', 'LNr')
>>> match_columns(["lopenr", "doddato"], ["LNr", "dodDato_DSF_190619", "x"],
...               column_aliases())
{'lopenr': 'LNr', 'doddato': 'dodDato_DSF_190619'}
"""
from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Union

import yaml

from readmit.errors import ParameterError, StructuralError
from readmit.extract.schema import column_names

__all__ = ["shipped_aliases", "column_aliases", "aliases_file", "match_columns", "AliasesArg"]

#: What ``aliases=`` accepts: a mapping (column -> a spelling or a list of
#: spellings) or the path of a YAML file holding one.
AliasesArg = Union[Mapping[str, Union[str, Sequence[str]]], str, os.PathLike, None]


@lru_cache(maxsize=1)
def shipped_aliases() -> dict[str, tuple[str, ...]]:
    """The mapping shipped in ``readmit/extract/aliases.yaml``.

    Examples
    --------
    >>> shipped_aliases()["lopenr"]
    ('LNr', 'pid')
    """
    text = resources.files("readmit.extract").joinpath("aliases.yaml").read_text("utf-8")
    return _validated(yaml.safe_load(text) or {}, source="readmit/extract/aliases.yaml")


def column_aliases(aliases: AliasesArg = None) -> dict[str, tuple[str, ...]]:
    """The shipped aliases with ``aliases`` (the analyst's) tried first.

    Parameters
    ----------
    aliases : mapping or path, optional
        ``{"lopenr": "PersonID"}`` or ``{"lopenr": ["PersonID", "pnr"]}``, or
        the path of a YAML file of that shape. Keys are readmit's column
        names (extract.md).

    Returns
    -------
    dict
        Column name -> spellings, the analyst's first.

    Raises
    ------
    ParameterError
        An unknown column name, a spelling that is not text, or a file that
        cannot be read.

    Examples
    --------
    >>> column_aliases({"nosuch": "x"})
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: aliases: 'nosuch' is not a column of the extract (extract.md)
    """
    merged = dict(shipped_aliases())
    if aliases is None:
        return merged
    if isinstance(aliases, (str, os.PathLike)):
        given = aliases_file(aliases)
    elif isinstance(aliases, Mapping):
        given = _validated(aliases, source="aliases")
    else:
        raise ParameterError(f"aliases must be a mapping of column names to spellings or the "
                             f"path of a YAML file, not {type(aliases).__name__}")
    for column, spellings in given.items():
        merged[column] = spellings + tuple(s for s in merged.get(column, ()) if s not in spellings)
    return merged


def aliases_file(path: str | os.PathLike) -> dict[str, tuple[str, ...]]:
    """The aliases of a YAML file (``column: [spelling, ...]``), checked.

    Raises
    ------
    ParameterError
        The file cannot be read, or holds an unknown column or a bad spelling.
    """
    path = Path(path)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        detail = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ParameterError(f"aliases: cannot read {path} ({detail})") from None
    return _validated(loaded, source=str(path))


def match_columns(wanted: Sequence[str], header: Sequence[str],
                  aliases: Mapping[str, Sequence[str]], *, file: str = "file") -> dict[str, str]:
    """Which header name holds each wanted column: its own name, else an alias.

    Parameters
    ----------
    wanted : sequence of str
        readmit's column names of the table.
    header : sequence of str
        The file's column names as written.
    aliases : mapping
        From :func:`column_aliases`.
    file : str
        The file's name, for messages.

    Returns
    -------
    dict
        Wanted column -> the header name it was found under (only the found).

    Raises
    ------
    StructuralError
        A column present twice under its own name, or an alias pattern that
        matches several columns.

    Examples
    --------
    >>> match_columns(["lopenr"], ["LOPENR", "pid"], {"lopenr": ("pid",)})
    {'lopenr': 'LOPENR'}
    """
    found: dict[str, str] = {}
    taken: set[str] = set()
    by_lower: dict[str, list[str]] = {}
    for name in header:
        by_lower.setdefault(name.strip().lower(), []).append(name)
    for column in wanted:
        own = by_lower.get(column.lower(), [])
        if len(own) > 1:
            raise StructuralError(f"{file}: column {column} appears {len(own)} times "
                                  f"({', '.join(own)})")
        if own:
            found[column] = own[0]
            taken.add(own[0])
    for column in wanted:
        if column in found:
            continue
        for spelling in aliases.get(column, ()):
            hits = [h for h in header if h not in taken and _matches(h, spelling)]
            if len(hits) > 1:
                raise StructuralError(
                    f"{file}: the alias {spelling} of {column} matches {len(hits)} columns "
                    f"({', '.join(hits)}); name one with aliases={{{column!r}: ...}}")
            if hits:
                found[column] = hits[0]
                taken.add(hits[0])
                break
    return found


def _matches(name: str, spelling: str) -> bool:
    name, spelling = name.strip().lower(), spelling.strip().lower()
    if spelling.endswith("*"):
        return fnmatch.fnmatchcase(name, spelling)
    return name == spelling


def _validated(mapping: object, *, source: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(mapping, Mapping):
        raise ParameterError(f"aliases: {source} must map column names to spellings")
    known = {c.lower(): c for c in column_names()}
    out: dict[str, tuple[str, ...]] = {}
    for key, value in mapping.items():
        column = known.get(str(key).lower())
        if column is None:
            raise ParameterError(f"aliases: {key!r} is not a column of the extract (extract.md)")
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, Sequence) or not values \
                or not all(isinstance(v, str) and v.strip() for v in values):
            raise ParameterError(f"aliases: the spellings of {column} must be text or a list "
                                 f"of text, not {value!r}")
        out[column] = tuple(v.strip() for v in values)
    return out
