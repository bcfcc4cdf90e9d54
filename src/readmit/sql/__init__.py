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

from readmit import progress

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MATERIALIZED = re.compile(r"^--\s*Materialized:\s*(view|table)\b", re.IGNORECASE | re.MULTILINE)
_AS_WRITTEN = re.compile(r"^--\s*Join order:\s*as written\b", re.IGNORECASE | re.MULTILINE)
#: The optimizers a model whose header says "Join order: as written" is built
#: without: its joins run in the order of its text, the right side of each the
#: hash table (build side). The second is not in every DuckDB version.
AS_WRITTEN_OPTIMIZERS = ("join_order", "build_side_probe_side")
_REFERENCE_TABLES = {
    "ref_icd10_chapters": "icd10_chapters.csv",
    "ref_elderly_groups": "elderly_groups.csv",
    "ref_readmission_exclusions": "readmission_exclusions.csv",
    "ref_institusjoner": "institusjoner.csv",
    "ref_kommuner": "kommuner.csv",
    "ref_catchment_split": "catchment_split.csv",
    "ref_ukp_satser": "ukp_satser.csv",
    "ref_charlson_icd10": "charlson_icd10.csv",
    "ref_elixhauser_icd10": "elixhauser_icd10.csv",
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
    "first_year": None,
    "last_year": None,
    "window": "hours",
    "link": "first",
    "exclude_planned_conditions": False,
    "elderly_group": None,
    "mortality_days": 213,
    "frequent_contacts": 10,
    # comorbidity (int_stay_comorbidity): SKDE's CoMorbIndex.sas by default
    "charlson_weights": "charlson",
    "comorbidity_hierarchy": False,
    "comorbidity_lookback_days": 365,
    "comorbidity_index_stay": False,
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
    r"""``"view"`` or ``"table"``: the model's ``-- Materialized:`` header line, else
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
    """Create the ``ref_*`` tables in ``main`` from the CSV files shipped in
    ``readmit/reference`` (once per connection; lines starting with ``#`` are
    comments: their source and matching rule)."""
    ref = resources.files("readmit").joinpath("reference")
    have = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND database_name = current_database()").fetchall()}
    for table, filename in _REFERENCE_TABLES.items():
        if table in have:
            continue
        with resources.as_file(ref.joinpath(filename)) as path:
            con.execute(
                f'CREATE OR REPLACE TABLE main."{table}" AS '
                "SELECT * FROM read_csv($path, header = true, all_varchar = false, comment = '#')",
                {"path": str(path)},
            )


def dependencies() -> dict[str, set[str]]:
    """Each model's name -> the models its SQL reads (from its text, comments excluded).

    Examples
    --------
    >>> sorted(dependencies()["int_stays"])
    ['int_stay_episodes']
    """
    order = [_model_name(f) for f in build_order()]
    names = set(order)
    deps: dict[str, set[str]] = {}
    for filename in build_order():
        code = "\n".join(line.split("--", 1)[0] for line in sql_text(filename).splitlines())
        words = set(_WORD.findall(code))
        deps[_model_name(filename)] = (words & names) - {_model_name(filename)}
    return deps


def parameter_closure() -> dict[str, set[str]]:
    """Each model's name -> the parameters it or any model it reads uses.

    Examples
    --------
    >>> sorted(parameter_closure()["int_stays"])
    ['transfer_hours']
    """
    deps = dependencies()
    own = {_model_name(f): parameters_of(sql_text(f)) for f in build_order()}
    out: dict[str, set[str]] = {}
    for name in (_model_name(f) for f in build_order()):   # build order: deps come first
        out[name] = set(own[name]).union(*(out[d] for d in deps[name]))
    return out


def required_models(models: Iterable[str]) -> list[str]:
    """``models`` and every model they read, directly or not, in build order.

    Examples
    --------
    >>> required_models(["int_stays"])
    ['stg_episodes', 'int_stay_episodes', 'int_stays']
    """
    deps = dependencies()
    unknown = sorted(set(models) - set(deps))
    if unknown:
        raise ValueError(f"unknown SQL models: {unknown}")
    wanted: set[str] = set()
    todo = list(models)
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted.add(name)
            todo.extend(deps[name])
    return [_model_name(f) for f in build_order() if _model_name(f) in wanted]


def build(
    con: duckdb.DuckDBPyConnection,
    params: Mapping[str, Any] | None = None,
    models: Iterable[str] | None = None,
    *,
    schema: str = "main",
    built: set[str] | None = None,
) -> dict[str, Any]:
    """Materialise SQL models, and the models they read, in build order.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection holding the loader's typed source tables (in ``main``).
    params : mapping, optional
        Overrides of :data:`DEFAULT_PARAMS`.
    models : iterable of str, optional
        The models wanted; those they read are built first. Default: all.
    schema : str
        The DuckDB schema the models are created in (created if needed).
        Source and ``ref_*`` tables stay in ``main``; a model's SQL names
        other models without a schema and finds them in its own.
    built : set of str, optional
        Models already built in ``schema`` with the same ``params``: they are
        skipped, and the names of the models built now are added to it.

    Returns
    -------
    dict
        The parameter values the models were built with.

    Examples
    --------
    >>> import readmit
    >>> from readmit.datasets import example_extract
    >>> with readmit.open(example_extract()) as ex:
    ...     done = set()
    ...     _ = build(ex.con, models=["int_stays"], schema="demo", built=done)
    ...     sorted(done)
    ['int_stay_episodes', 'int_stays', 'stg_episodes']
    """
    values = {**DEFAULT_PARAMS, **(params or {})}
    unknown = set(values) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"unknown SQL parameters: {sorted(unknown)}")
    load_reference(con)
    names = required_models(models) if models is not None else \
        [_model_name(f) for f in build_order()]
    files = {_model_name(f): f for f in build_order()}
    done = built if built is not None else set()
    old_path = con.execute("SELECT current_setting('search_path')").fetchall()[0][0]
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(schema)}")
    con.execute("SET search_path = $path", {"path": f"{schema},main"})
    todo = [n for n in names if n not in done]
    try:
        with progress.bar("building the readmission rule", total=len(todo), unit="model") as bar:
            for name in todo:
                filename = files[name]
                text = sql_text(filename)
                bound = {k: values[k] for k in parameters_of(text)}
                bar.describe(f"building {name}")
                with bar.watch(con):
                    if materialization(filename, text) == "view":
                        # a view, so filters reach the source; DuckDB keeps bound values
                        con.sql(text, params=bound).create_view(name, replace=True)  # in $schema
                    else:
                        create_table(con, f"{_ident(schema)}.{_ident(name)}", text, bound,
                                     joins_as_written=bool(_AS_WRITTEN.search(text)))
                done.add(name)
    finally:
        con.execute("SET search_path = $path", {"path": old_path or "main"})
    return values


def create_table(con: duckdb.DuckDBPyConnection, table: str, text: str,
                 params: Mapping[str, Any], *, joins_as_written: bool = False) -> None:
    """``CREATE OR REPLACE TABLE table AS text``.

    When DuckDB runs out of memory with several threads, the table is built
    once more with one (DuckDB's own advice: each thread holds its own
    partitions of a join or aggregate; at 10^8 episodes under a 4 GB limit,
    the earlier form of int_stay_comorbidity fitted with one thread and not
    with two). With ``joins_as_written`` (a model's header says "Join order:
    as written") it is built without :data:`AS_WRITTEN_OPTIMIZERS`. Settings
    are restored either way.
    """
    sql = f"CREATE OR REPLACE TABLE {table} AS\n{text}"
    disabled = _setting(con, "disabled_optimizers") if joins_as_written else None
    if joins_as_written:
        for names in (AS_WRITTEN_OPTIMIZERS, AS_WRITTEN_OPTIMIZERS[:1]):
            try:
                _set(con, "disabled_optimizers", ",".join(filter(None, (disabled, *names))))
                break
            except duckdb.Error:   # an optimizer this DuckDB does not have
                continue
    try:
        try:
            con.execute(sql, params)
            return
        except duckdb.OutOfMemoryException:
            threads = int(_setting(con, "threads"))
            if threads <= 1:
                raise
        con.execute("SET threads = 1")
        try:
            con.execute(sql, params)
        finally:
            con.execute(f"SET threads = {threads}")
    finally:
        if joins_as_written:
            _set(con, "disabled_optimizers", disabled)


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return str(con.execute(f"SELECT current_setting('{name}')").fetchall()[0][0] or "")


def _set(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    con.execute(f"SET {name} = '" + value.replace("'", "''") + "'")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _model_name(filename: str) -> str:
    return filename.rsplit("/", 1)[-1].removesuffix(".sql")


def build_models(
    con: duckdb.DuckDBPyConnection,
    models: Iterable[str],
    params: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Rebuild exactly the named models, in build order, over models already built.

    For changing the options of a few late models without rebuilding what
    they read (e.g. the comorbidity models over ``int_stays``); their inputs
    and the ``ref_*`` tables must exist in ``con`` (built by :func:`build`).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    models : iterable of str
        Model names, e.g. ``["int_stay_comorbidity"]``.
    params : mapping, optional
        Overrides of :data:`DEFAULT_PARAMS`.

    Returns
    -------
    dict
        The parameter values the models were built with.
    """
    values = {**DEFAULT_PARAMS, **(params or {})}
    unknown = set(values) - set(DEFAULT_PARAMS)
    if unknown:
        raise ValueError(f"unknown SQL parameters: {sorted(unknown)}")
    wanted = set(models)
    order = [f for f in build_order() if _model_name(f) in wanted]
    missing = wanted - {_model_name(f) for f in order}
    if missing:
        raise ValueError(f"unknown SQL models: {sorted(missing)}")
    for filename in order:
        text = sql_text(filename)
        bound = {k: values[k] for k in parameters_of(text)}
        if materialization(filename, text) == "view":
            con.sql(text, params=bound).create_view(_model_name(filename), replace=True)
        else:
            create_table(con, _ident(_model_name(filename)), text, bound,
                         joins_as_written=bool(_AS_WRITTEN.search(text)))
    return values
