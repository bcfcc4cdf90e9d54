"""The typed shape of an extract: files, columns, types, required values and code lists.

Written from ``shared/spec/extract.md`` and ``docs/CONTRACTS.md``. The loader
(:mod:`readmit.extract.loader`) turns these declarations into DuckDB SQL;
nothing here touches data.

Example
-------
>>> from readmit.extract.schema import TABLES
>>> [c.name for c in TABLES["pasienter"]]
['lopenr', 'fodselsar', 'kjonn', 'komnr', 'doddato']
"""
from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass
from importlib import resources

REQUIRED_FILES: tuple[str, ...] = ("episoder", "pasienter")
#: Absent, or present with a header and no rows: an empty table (extract.md).
OPTIONAL_FILES: tuple[str, ...] = ("akuttkontakter", "handlingsplaner")
ALL_FILES: tuple[str, ...] = REQUIRED_FILES + OPTIONAL_FILES

#: What each table holds, in words (messages about a table the extract lacks).
TABLE_CONTENTS: dict[str, str] = {
    "episoder": "episodes",
    "pasienter": "persons",
    "akuttkontakter": "contacts with AMK and legevakt",
    "handlingsplaner": "individual care plans",
}

#: The unique id of each file whose id must be unique (first occurrence kept).
UNIQUE_ID: dict[str, str] = {
    "episoder": "episode_lnr",
    "pasienter": "lopenr",
    "akuttkontakter": "kontakt_id",
}

#: Used only when the shipped reference file is missing (with a warning).
DEFAULT_INSTITUTIONS: tuple[str, ...] = ("HST", "HFO", "HBE", "HFD", "HDS")

_INTS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
         "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"}
_FLOATS = {"FLOAT", "DOUBLE"}
_DATE_FORMATS = "['%Y-%m-%d', '%d.%m.%Y']"
_TIME_FORMATS = "['%H:%M:%S', '%H:%M']"
_TIMESTAMP_FORMATS = ("['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', "
                      "'%Y-%m-%dT%H:%M', '%d.%m.%Y %H:%M:%S', '%d.%m.%Y %H:%M']")
_NUMBER = r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?"
UNPARSEABLE = {"INTEGER": "number", "BIGINT": "number", "DOUBLE": "number",
                "DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp"}

SECONDARY_CONDITION = re.compile(r"tilstand_2_([0-9]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    """One column of a typed source table.

    Parameters
    ----------
    name : str
        The raw NPR name, spelled as extract.md spells it.
    type : str
        The DuckDB type of the typed column: ``VARCHAR``, ``INTEGER``,
        ``BIGINT``, ``DOUBLE``, ``DATE``, ``TIME`` or ``TIMESTAMP``.
    required : bool
        The column must be in the file and every row must have a value.
    codes : tuple or None
        The allowed values (integers, or strings matched case-insensitively);
        ``"institusjoner"`` means the codes of the shipped reference file.

    Examples
    --------
    >>> Column("sektor", "INTEGER", required=True, codes=(1, 2, 3)).required
    True
    """

    name: str
    type: str
    required: bool = False
    codes: tuple | str | None = None


_KJONN = (1, 2, 9)

EPISODER_HEAD: tuple[Column, ...] = (
    Column("lopenr", "VARCHAR", required=True),
    Column("episode_lnr", "BIGINT", required=True),
    Column("institusjonID", "VARCHAR", required=True, codes="institusjoner"),
    Column("sektor", "INTEGER", required=True, codes=(1, 2, 3)),
    # 8: an outpatient contact during an inpatient stay (NPR-melding 53.1.1); like 2
    # and 3 it never forms or splits a stay (the stays SQL reads care level 1 only)
    Column("omsorgsniva", "INTEGER", required=True, codes=(1, 2, 3, 8)),
    Column("innmateHast", "INTEGER", required=True, codes=(1, 2, 3, 4, 5)),
    Column("fraSted", "INTEGER"),
    Column("tilSted", "INTEGER"),
    Column("inndato", "DATE", required=True),
    Column("inntid", "TIME"),
    Column("utdato", "DATE", required=True),
    Column("uttid", "TIME"),
    Column("tilstand_1_1", "VARCHAR"),
)
# tilstand_2_1 ... tilstand_2_N (VARCHAR) go here, as many as the file has.
EPISODER_TAIL: tuple[Column, ...] = (
    Column("drg", "VARCHAR"),
    Column("korrvekt", "DOUBLE"),
    Column("uttilstand", "INTEGER", codes=(1, 2, 3)),
    Column("utskrklardato", "DATE"),
    Column("komnr", "VARCHAR"),
    Column("alder", "INTEGER"),
    Column("kjonn", "INTEGER", codes=_KJONN),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "episoder": EPISODER_HEAD + (Column("tilstand_2_1", "VARCHAR"),) + EPISODER_TAIL,
    "pasienter": (
        Column("lopenr", "VARCHAR", required=True),
        Column("fodselsar", "INTEGER"),
        Column("kjonn", "INTEGER", codes=_KJONN),
        Column("komnr", "VARCHAR"),
        Column("doddato", "DATE"),
    ),
    "akuttkontakter": (
        Column("lopenr", "VARCHAR", required=True),
        Column("kontakt_id", "BIGINT", required=True),
        Column("tjeneste", "VARCHAR", codes=("AMK", "LV")),
        Column("tidspunkt", "TIMESTAMP"),
        Column("hastegrad", "VARCHAR", codes=("akutt", "haster", "vanlig")),
        Column("utfall", "VARCHAR", codes=("ambulanse", "legevakt", "fastlege", "raad", "innlagt")),
    ),
    "handlingsplaner": (
        Column("lopenr", "VARCHAR", required=True),
        Column("startdato", "DATE"),
        Column("tjeneste", "VARCHAR", codes=("AMK", "LV", "begge")),
    ),
}


def columns_for(table: str, header: list[str]) -> tuple[Column, ...]:
    """The typed columns of ``table`` given the file's column names.

    For ``episoder`` the secondary conditions are as many ``tilstand_2_N``
    columns as the file has (at least ``tilstand_2_1``), in the order of N.

    Examples
    --------
    >>> [c.name for c in columns_for("episoder", ["TILSTAND_2_2", "lopenr"])][13:15]
    ['tilstand_2_1', 'tilstand_2_2']
    """
    if table != "episoder":
        return TABLES[table]
    numbers = {1}
    for name in header:
        m = SECONDARY_CONDITION.fullmatch(name.strip())
        if m and int(m.group(1)) >= 1:
            numbers.add(int(m.group(1)))
    secondary = tuple(Column(f"tilstand_2_{n}", "VARCHAR") for n in sorted(numbers))
    return EPISODER_HEAD + secondary + EPISODER_TAIL


def known_institutions() -> tuple[str, ...]:
    """The institusjonID codes of the shipped reference file ``institusjoner.csv``.

    Falls back to the five Helse Vest trusts of extract.md, with a warning,
    only if the file is missing from the installation.

    Examples
    --------
    >>> "HBE" in known_institutions()
    True
    """
    try:
        text = resources.files("readmit").joinpath("reference/institusjoner.csv").read_text("utf-8")
    except FileNotFoundError:
        warnings.warn("readmit/reference/institusjoner.csv is missing; using the five "
                      "Helse Vest trusts of extract.md", RuntimeWarning, stacklevel=2)
        return DEFAULT_INSTITUTIONS
    rows = csv.DictReader(text.splitlines())
    codes = {(r.get("institusjonID") or "").strip() for r in rows}
    return tuple(sorted(codes - {""}))


def typed_expr(col: Column, raw: str, src_type: str, p) -> str:
    """SQL turning the cleaned raw value ``raw`` (of type ``src_type``) into ``col.type``.

    Yields NULL where the value cannot be read; the caller flags that as
    unparseable when the raw value was not NULL. ``p(value)`` binds a value and
    returns its placeholder.

    Examples
    --------
    >>> typed_expr(Column("inndato", "DATE"), '"_raw_inndato"', "DATE", None)
    'CAST("_raw_inndato" AS DATE)'
    """
    text = src_type == "VARCHAR"
    ints = src_type in _INTS
    floats = src_type in _FLOATS or src_type.startswith("DECIMAL")
    temporal = src_type.startswith("TIMESTAMP") or src_type in {"DATE", "TIME"}
    t = col.type
    if t == "VARCHAR":
        if text:
            expr = raw
        elif floats:
            expr = (f"CASE WHEN {raw} = trunc({raw}) THEN CAST(TRY_CAST({raw} AS BIGINT) AS VARCHAR)"
                    f" ELSE CAST({raw} AS VARCHAR) END")
        else:
            expr = f"CAST({raw} AS VARCHAR)"
        if isinstance(col.codes, tuple):
            codes = [str(c) for c in col.codes]
            expr = (f"coalesce({p(codes)}[list_position({p([c.lower() for c in codes])}, "
                    f"lower({expr}))], {expr})")
        return expr
    if t in ("INTEGER", "BIGINT"):
        if text:
            return f"CASE WHEN regexp_full_match({raw}, '[+-]?[0-9]+') THEN TRY_CAST({raw} AS {t}) END"
        if floats:
            return f"CASE WHEN {raw} = trunc({raw}) THEN TRY_CAST({raw} AS {t}) END"
        return f"TRY_CAST({raw} AS {t})"
    if t == "DOUBLE":
        if text:
            return (f"TRY_CAST(CASE WHEN regexp_full_match({raw}, '{_NUMBER}') "
                    f"THEN replace({raw}, ',', '.') END AS DOUBLE)")
        return f"TRY_CAST({raw} AS DOUBLE)"
    if t == "DATE":
        if text:
            return f"CAST(try_strptime({raw}, {_DATE_FORMATS}) AS DATE)"
        return f"{'CAST' if temporal else 'TRY_CAST'}({raw} AS DATE)"
    if t == "TIME":
        if text:
            return f"CAST(try_strptime({raw}, {_TIME_FORMATS}) AS TIME)"
        return f"TRY_CAST({raw} AS TIME)"
    if t == "TIMESTAMP":
        if text:
            return f"try_strptime({raw}, {_TIMESTAMP_FORMATS})"
        return f"{'CAST' if temporal else 'TRY_CAST'}({raw} AS TIMESTAMP)"
    raise AssertionError(f"no conversion to {t}")  # pragma: no cover


def column_names() -> set[str]:
    """Every column name of every table (the raw NPR spellings of extract.md).

    Examples
    --------
    >>> {"lopenr", "doddato", "tilstand_2_1"} <= column_names()
    True
    """
    return {c.name for cols in TABLES.values() for c in cols}
