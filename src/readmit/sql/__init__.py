"""Build readmit's SQL layers inside an extract's DuckDB connection.

The SQL lives in ``.sql`` files beside this module: ``staging/`` (typing,
renaming), ``intermediate/`` (stays, links) and ``marts/`` (one relation per
question). :func:`build` runs them in the order of ``build_order.txt`` and
creates each under its file's name: as a view when it is a staging model
(they only rename and type) or its header says ``-- Materialized: view``,
else as a table. Parameters are written ``$name`` in the SQL and bound at
execution, never formatted into the text (a view keeps the bound values as
typed constants; DuckDB writes them).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import duckdb

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_MATERIALIZED = re.compile(r"^--\s*Materialized:\s*(view|table)\b", re.IGNORECASE | re.MULTILINE)
_REFERENCE_TABLES = {
    "ref_icd10_chapters": "icd10_chapters.csv",
    "ref_elderly_groups": "elderly_groups.csv",
    "ref_readmission_exclusions": "readmission_exclusions.csv",
    "ref_institusjoner": "institusjoner.csv",
    "ref_kommuner": "kommuner.csv",
    "ref_catchment_split": "catchment_split.csv",
    "ref_ukp_satser": "ukp_satser.csv",
}

#: Defaults of definitions.md; every report prints the values it ran with.
DEFAULT_PARAMS: dict[str, Any] = {
    "window_days": 30,
    "transfer_hours": 8.0,
    "min_age": None,
    "sector": None,
    "follow_all_sectors": False,
    "keep_deaths": False,
    "end_date": None,
    "window": "hours",
    "link": "first",
    "exclude_planned_conditions": False,
    "elderly_group": None,
    "mortality_days": 213,
    "frequent_contacts": 10,
}


def build_order() -> list[str]:
    """The SQL files in build order, as paths relative to this package."""
    text = resources.files(__name__).joinpath("build_order.txt").read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def sql_text(name: str) -> str:
    """The SQL of one model, e.g. ``sql_text("intermediate/int_stays.sql")``."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def parameters_of(sql: str) -> set[str]:
    """Names of the ``$parameters`` a SQL text uses (comments excluded)."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return set(_PARAM.findall(code))


def materialization(filename: str, sql: str) -> str:
    """``"view"`` or ``"table"``: the model's ``-- Materialized:`` header line, else
    views for staging models and tables for the rest.

    Examples
    --------
    >>> materialization("marts/m.sql", "-- m\n-- Materialized: view (cheap)\nSELECT 1")
    'view'
    >>> materialization("intermediate/i.sql", "SELECT 1")
    'table'
    """
    found = _MATERIALIZED.search(sql)
    if found:
        return found.group(1).lower()
    return "view" if filename.startswith("staging/") else "table"


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``ref_*`` tables from the CSV files shipped in ``readmit/reference``
    (lines starting with ``#`` are comments: their source and matching rule)."""
    ref = resources.files("readmit").joinpath("reference")
    for table, filename in _REFERENCE_TABLES.items():
        with resources.as_file(ref.joinpath(filename)) as path:
            con.execute(
                f'CREATE OR REPLACE TABLE "{table}" AS '
                "SELECT * FROM read_csv($path, header = true, comment = '#', all_varchar = false)",
                {"path": str(path)},
            )


def build(
    con: duckdb.DuckDBPyConnection,
    params: Mapping[str, Any] | None = None,
    models: Iterable[str] | None = None,
    only: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Materialise the SQL models in build order.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection holding the loader's typed source tables.
    params : mapping, optional
        Overrides of :data:`DEFAULT_PARAMS`.
    models : iterable of str, optional
        Build only up to (and including) the last of these model names;
        default: everything.
    only : iterable of str, optional
        Rebuild just these models (in build order), reusing the others already
        built in ``con`` with the same parameters: for a parameter that only
        these models read (e.g. ``elderly_group``).

    Returns
    -------
    dict
        The parameter values the models were built with.

    Examples
    --------
    >>> import duckdb
    >>> from readmit import sql
    >>> sorted(sql.parameters_of("SELECT 1 WHERE x < $window_days -- $not_this"))
    ['window_days']
    """
    values = {**DEFAULT_PARAMS, **(params or {})}
    unknown = set(values) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"unknown SQL parameters: {sorted(unknown)}")
    load_reference(con)
    order = build_order()
    if models is not None:
        wanted = set(models)
        last = max(i for i, f in enumerate(order) if _model_name(f) in wanted)
        order = order[: last + 1]
    if only is not None:
        chosen = set(only)
        unknown_models = chosen - {_model_name(f) for f in order}
        if unknown_models:
            raise ValueError(f"unknown SQL models: {sorted(unknown_models)}")
        order = [f for f in order if _model_name(f) in chosen]
    for filename in order:
        text = sql_text(filename)
        bound = {k: values[k] for k in parameters_of(text)}
        name = _model_name(filename)
        if materialization(filename, text) == "view":
            # a view, so filters reach the source; DuckDB stores bound values as constants
            con.sql(text, params=bound).create_view(name, replace=True)
        else:
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS\n{text}', bound)
    return values


def _model_name(filename: str) -> str:
    return filename.rsplit("/", 1)[-1].removesuffix(".sql")
