"""The readmission rule bound to an extract: :class:`Readmissions`.

An analyst opens an extract once, binds the rule's parameters once, and asks
every question of that object::

    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> r = readmit.Readmissions(ex, min_age=67)
    >>> r.rates(by="sector").columns.tolist()[:4]
    ['sector', 'n_index', 'n_readmitted', 'rate']
    >>> ex.close()

The SQL models (``readmit/sql``) are built in the extract's DuckDB connection
the first time a question needs them, in a schema of their own named after
the parameters, so two rule objects with different parameters never overwrite
each other's tables, and two with the same parameters share them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from readmit import sql
from readmit.errors import ParameterError

if TYPE_CHECKING:
    import duckdb

    from readmit.extract import Extract

__all__ = ["Readmissions", "rule_parameters", "INDEX_STAY_COLUMNS", "GROUPINGS", "SECTORS"]

#: The columns of ``readmit readmissions`` and :meth:`Readmissions.index_stays`, in order.
INDEX_STAY_COLUMNS = [
    "lopenr", "admitted_at", "discharged_at", "institusjonID", "sector", "age",
    "los_days", "ukp_days", "readmitted", "hours_to_readmission",
    "days_to_readmission", "died_in_window", "eligible",
]
#: Extra columns of :meth:`Readmissions.index_stays` with ``all_columns=True``.
ATTRIBUTE_COLUMNS = [
    "stay_id", "readmission_stay_id", "admission_date", "discharge_date", "year", "sex",
    "age_band", "main_condition", "icd_chapter", "elderly_group", "ready_for_discharge",
    "urgency", "municipality", "cost_weight", "death_date",
]
_FLAGS = ("readmitted", "died_in_window", "eligible", "ready_for_discharge")
_DAY_COUNTS = ("age", "los_days", "ukp_days", "days_to_readmission", "year")

#: What :meth:`Readmissions.rates` may group by, and the SQL expression behind each.
GROUPINGS = {
    "year": "year",
    "institusjonID": '"institusjonID"',
    "sector": "sector",
    "age_band": "age_band",
    "sex": "CASE sex WHEN 1 THEN 'male' WHEN 2 THEN 'female' ELSE 'unknown' END",
    "icd_chapter": "icd_chapter",
    "elderly_group": "elderly_group",
    "ready_for_discharge": "CAST(ready_for_discharge AS BOOLEAN)",
}
#: Other spellings accepted for grouping names (any case).
GROUPING_ALIASES = {"trust": "institusjonID", "institusjonid": "institusjonID"}

SECTORS = ("somatic", "vop", "tsb", "all")

#: Staging models over an optional table: a model reading one needs rows of that table,
#: else :meth:`Readmissions.build` raises :class:`readmit.errors.MissingTableError`.
OPTIONAL_SOURCES = {"stg_emergency_contacts": "akuttkontakter",
                    "stg_care_plans": "handlingsplaner"}


def rule_parameters(
    *,
    window_days: int = 30,
    transfer_hours: float = 8.0,
    min_age: int | None = None,
    sector: str | None = None,
    keep_deaths: bool = False,
    end_date: dt.date | str | None = None,
    years: tuple[int, int] | Sequence[int] | str | None = None,
) -> dict[str, Any]:
    """Validate the rule's parameters; return them as SQL bindings.

    Errors name the Python parameter (``window_days``), never a CLI flag.

    Examples
    --------
    >>> rule_parameters(sector="all")["follow_all_sectors"]
    True
    >>> rule_parameters(years="2015-2017")["first_year"], rule_parameters(years=2016)["last_year"]
    (2015, 2016)
    >>> rule_parameters(window_days=0)
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: window_days must be at least 1, not 0
    """
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise ParameterError(f"window_days must be at least 1, not {window_days!r}")
    if isinstance(transfer_hours, bool) or not isinstance(transfer_hours, (int, float)) \
            or transfer_hours < 0:
        raise ParameterError(f"transfer_hours must be a number of hours >= 0, not {transfer_hours!r}")
    if min_age is not None and (isinstance(min_age, bool) or not isinstance(min_age, int)
                                or min_age < 0):
        raise ParameterError(f"min_age must be a whole number >= 0 or None, not {min_age!r}")
    if sector is not None and sector not in SECTORS:
        raise ParameterError(f"sector must be one of {', '.join(SECTORS)} or None, not {sector!r}")
    if isinstance(end_date, dt.datetime):
        end_date = end_date.date()
    if isinstance(end_date, str):
        try:
            end_date = dt.date.fromisoformat(end_date)
        except ValueError:
            raise ParameterError(f"end_date must be a date (YYYY-MM-DD), not {end_date!r}") from None
    elif end_date is not None and not isinstance(end_date, dt.date):
        raise ParameterError(f"end_date must be a date (YYYY-MM-DD), not {end_date!r}")
    first, last = year_range(years, name="years")
    return {
        "window_days": int(window_days),
        "transfer_hours": float(transfer_hours),
        "min_age": min_age,
        "sector": sector,
        "follow_all_sectors": sector == "all",
        "keep_deaths": bool(keep_deaths),
        "end_date": end_date,
        "first_year": first,
        "last_year": last,
    }


def year_range(years: Any, *, name: str = "years") -> tuple[int | None, int | None]:
    """``(first, last)`` from ``None``, a year, ``(first, last)`` or ``"2014-2019"``.

    Examples
    --------
    >>> year_range("2014-2019"), year_range(2018), year_range(None)
    ((2014, 2019), (2018, 2018), (None, None))
    """
    if years is None:
        return None, None
    try:
        if isinstance(years, str):
            first, _, last = years.partition("-")
            lo, hi = int(first), int(last or first)
        elif isinstance(years, int) and not isinstance(years, bool):
            lo = hi = years
        else:
            lo, hi = (int(y) for y in years)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a year, (first, last) or 'YYYY-YYYY', "
                             f"not {years!r}") from None
    if hi < lo:
        raise ParameterError(f"{name}: the last year {hi} is before the first {lo}")
    return lo, hi


def grouping_names(by: Sequence[str] | str | None, *, allowed: Mapping[str, str] = GROUPINGS,
                   name: str = "by") -> list[str]:
    """Canonical grouping names from a list or a comma-separated string, any case.

    Examples
    --------
    >>> grouping_names("Year, trust")
    ['year', 'institusjonID']
    """
    if by is None:
        return []
    names = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by)
    lookup = {k.lower(): k for k in allowed}
    lookup.update({k: v for k, v in GROUPING_ALIASES.items() if v in allowed})
    out, bad = [], []
    for n in (n for n in names if n):
        canonical = lookup.get(n.lower())
        (out if canonical else bad).append(canonical or n)
    if bad:
        raise ParameterError(f"{name}: cannot group by {', '.join(map(repr, bad))}; "
                             f"choose from {', '.join(allowed)}")
    return out


class Readmissions:
    """The 30-day readmission rule (definitions.md) bound to an opened extract.

    Build it once; every method reuses the SQL models it built.

    Parameters
    ----------
    extract : readmit.Extract
        From :func:`readmit.open`.
    window_days : int, default 30
        A readmission is admitted at most this many days (×24 h) after discharge.
    transfer_hours : float, default 8
        Episodes less than this many hours apart form one stay.
    min_age : int, optional
        Only index stays of patients this old or older (67: the elderly indicator).
    sector : {"somatic", "vop", "tsb", "all"}, optional
        Only index stays of this sector; ``"all"`` follows readmissions across
        sectors. Default: every sector, each followed within itself.
    keep_deaths : bool, default False
        Keep index stays whose patient died in the window, as not readmitted.
    end_date : date or "YYYY-MM-DD", optional
        The end of the data; default the latest discharge in the extract.
    years : (int, int), int or "YYYY-YYYY", optional
        Only index stays discharged in these years.

    Attributes
    ----------
    extract : readmit.Extract
    parameters : dict
        The rule's parameters as given (every report prints them).
    schema : str
        The DuckDB schema holding this rule's models.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open(readmit.datasets.example_extract())
    >>> r = readmit.Readmissions(ex)
    >>> stays = r.index_stays()
    >>> bool(stays.loc[stays.eligible, "readmitted"].dtype == bool)
    True
    >>> r.period()
    (2017, 2019)
    >>> ex.close()
    """

    def __init__(
        self,
        extract: Extract,
        *,
        window_days: int = 30,
        transfer_hours: float = 8.0,
        min_age: int | None = None,
        sector: str | None = None,
        keep_deaths: bool = False,
        end_date: dt.date | str | None = None,
        years: tuple[int, int] | int | str | None = None,
    ) -> None:
        from readmit.extract import Extract

        if not isinstance(extract, Extract):
            raise ParameterError(f"extract must be an Extract from readmit.open(), "
                                 f"not {type(extract).__name__}")
        self.extract = extract
        self._sql_params = rule_parameters(
            window_days=window_days, transfer_hours=transfer_hours, min_age=min_age,
            sector=sector, keep_deaths=keep_deaths, end_date=end_date, years=years)
        self.parameters = {
            "window_days": window_days, "transfer_hours": transfer_hours, "min_age": min_age,
            "sector": sector, "keep_deaths": keep_deaths,
            "end_date": self._sql_params["end_date"] or extract.end_date,
            "years": (None if self._sql_params["first_year"] is None else
                      (self._sql_params["first_year"], self._sql_params["last_year"])),
        }
        key = json.dumps(self._sql_params, sort_keys=True, default=str)
        self.schema = "rule_" + hashlib.sha1(key.encode()).hexdigest()[:10]
        self._built: set[str] = extract._built_models.setdefault(self.schema, set())

    # -- the models -----------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The extract's DuckDB connection."""
        return self.extract.con

    @property
    def end_date(self) -> dt.date:
        """The end of the data the rule uses (``end_date`` or the latest discharge)."""
        return self.parameters["end_date"]

    def build(self, *models: str) -> None:
        """Build ``models`` (and what they read) unless they are built already.

        A model that reads ``akuttkontakter`` or ``handlingsplaner`` (through
        :data:`OPTIONAL_SOURCES`) raises a one-line
        :class:`readmit.errors.MissingTableError` when the extract has none.

        Examples
        --------
        >>> r.build("mart_index_stays")                                  # doctest: +SKIP
        """
        missing = [m for m in models if m not in self._built]
        if missing:
            for model in sql.required_models(missing):   # optional tables: one clear line
                if model in OPTIONAL_SOURCES:
                    self.extract.require(OPTIONAL_SOURCES[model],
                                         analysis=next(m for m in missing if model in
                                                       sql.required_models([m])))
            sql.build(self.con, self._sql_params, models=missing, schema=self.schema,
                      built=self._built)

    def relation(self, model: str) -> duckdb.DuckDBPyRelation:
        """One SQL model as a DuckDB relation, built first if needed.

        Examples
        --------
        >>> r.relation("mart_index_stays").count("*").fetchall()        # doctest: +SKIP
        """
        self.build(model)
        return self.con.table(f"{self.schema}.{model}")

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> duckdb.DuckDBPyRelation:
        """Run a query over this rule's models, naming them without a schema.

        The models a query names are built first. Parameters bind as ``$name``.

        Examples
        --------
        >>> r.sql("SELECT count(*) AS n FROM mart_index_stays WHERE sector = $s",
        ...       {"s": "somatic"}).fetchall()                           # doctest: +SKIP
        """
        names = _models_named(query)
        self.build(*names)
        if names:   # relations bind lazily, so the names are qualified, not looked up
            pattern = r'(?<![\w."])(' + "|".join(names) + r')(?![\w"])'
            query = re.sub(pattern, lambda m: f"{self.schema}.{m.group(1)}", query)
        return self.con.sql(query, params=dict(params) if params else None)

    def frame(self, query: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """:meth:`sql` fetched as a DataFrame (for small results)."""
        return self.sql(query, params).df()

    # -- questions --------------------------------------------------------------------
    def index_stays(self, *, all_columns: bool = False) -> pd.DataFrame:
        """One row per index stay with its readmission (person-level: keep it
        inside the secure server).

        Parameters
        ----------
        all_columns : bool, default False
            Add the attributes used for grouping and modelling
            (:data:`ATTRIBUTE_COLUMNS`).

        Returns
        -------
        pandas.DataFrame
            :data:`INDEX_STAY_COLUMNS`, sorted by person and admission; the
            flags ``readmitted``, ``died_in_window`` and ``eligible`` are
            booleans, day counts nullable integers (``Int64``).

        Examples
        --------
        >>> r.index_stays().dtypes["eligible"]                          # doctest: +SKIP
        dtype('bool')
        """
        cols = INDEX_STAY_COLUMNS + (ATTRIBUTE_COLUMNS if all_columns else [])
        frame = self.frame(f"SELECT {', '.join(_q(c) for c in cols)} FROM mart_index_stays "
                           "ORDER BY lopenr, admitted_at, stay_id")
        return typed_index_stays(frame)

    def rates(self, by: Sequence[str] | str | None = ("year",)) -> pd.DataFrame:
        """Readmission rates with Wilson 95% intervals.

        Parameters
        ----------
        by : sequence of str or comma-separated str
            Any of :data:`GROUPINGS`, in any case (``"trust"`` also means
            ``institusjonID``). ``None`` or ``[]``: one row overall.

        Returns
        -------
        pandas.DataFrame
            The grouping columns; ``n_index`` (eligible index stays),
            ``n_readmitted``, ``rate``, ``ci_low``, ``ci_high``;
            ``n_died_excluded`` (left out for a death in the window) and
            ``n_incomplete`` (left out for incomplete follow-up). A group with
            no eligible index stay has no row.

        Examples
        --------
        >>> r.rates(by=["year", "sector"]).head()                       # doctest: +SKIP
        """
        names = grouping_names(by)
        return rates_table(self, names, drop_empty=True)

    def burden(self, by: Sequence[str] | str | None = ("year", "institusjonID", "sector")
               ) -> pd.DataFrame:
        """Readmission stays, their bed days and ready-for-discharge days.

        Each stay that is the first readmission of an eligible index stay
        counts once, under its own discharge year, trust and sector.

        Parameters
        ----------
        by : sequence of str
            Any of ``year``, ``institusjonID``, ``sector``.

        Returns
        -------
        pandas.DataFrame
            The grouping columns, ``n_readmissions``, ``bed_days``, ``ukp_days``.

        Examples
        --------
        >>> r.burden(by=["year"]).columns.tolist()                      # doctest: +SKIP
        ['year', 'n_readmissions', 'bed_days', 'ukp_days']
        """
        allowed = {k: GROUPINGS[k] for k in ("year", "institusjonID", "sector")}
        names = grouping_names(by, allowed=allowed)
        cols = ", ".join(f"{allowed[n]} AS {_q(n)}" for n in names)
        keys = ", ".join(allowed[n] for n in names)
        tail = f"GROUP BY {keys} ORDER BY {keys}" if names else ""
        return self.frame(
            f"""SELECT {cols + ', ' if names else ''}
                       CAST(count(*) AS BIGINT) AS n_readmissions,
                       CAST(coalesce(sum(bed_days), 0) AS BIGINT) AS bed_days,
                       CAST(coalesce(sum(ukp_days), 0) AS BIGINT) AS ukp_days
                FROM mart_readmission_stays {tail}""")

    def period(self) -> tuple[int, int] | None:
        """First and last discharge year with an eligible index stay (None if none).

        Examples
        --------
        >>> r.period()                                                  # doctest: +SKIP
        (2014, 2019)
        """
        lo, hi = self.sql("SELECT min(year), max(year) FROM mart_index_stays "
                          "WHERE eligible = 1").fetchall()[0]
        return None if lo is None else (int(lo), int(hi))

    # -- display ----------------------------------------------------------------------
    def __repr__(self) -> str:
        given = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items()
                          if v is not None and k != "end_date")
        return f"Readmissions({self.extract.path.name!r}, {given}, end_date={self.end_date})"


def typed_index_stays(frame: pd.DataFrame) -> pd.DataFrame:
    """Flags as booleans and day counts as nullable integers (``Int64``)."""
    out = frame.copy()
    for c in _FLAGS:
        if c in out:
            out[c] = out[c].astype(bool)
    for c in _DAY_COUNTS:
        if c in out:
            out[c] = out[c].astype("Int64")
    return out


def rates_table(rule: Readmissions, names: list[str], *, drop_empty: bool) -> pd.DataFrame:
    """Counts by ``names`` over ``mart_index_stays`` with the Wilson interval."""
    group_sql = ", ".join(f"{GROUPINGS[n]} AS {_q(n)}" for n in names)
    keys = ", ".join(GROUPINGS[n] for n in names)
    group_by = f"GROUP BY {keys}" if names else ""
    having = "HAVING count(*) FILTER (WHERE eligible = 1) > 0" if drop_empty else ""
    order = f"ORDER BY {keys}" if names else ""
    out = rule.frame(
        f"""
        SELECT {group_sql + ', ' if names else ''}
               CAST(count(*) FILTER (WHERE eligible = 1) AS BIGINT) AS n_index,
               CAST(count(*) FILTER (WHERE eligible = 1 AND readmitted = 1) AS BIGINT)
                   AS n_readmitted,
               CAST(count(*) FILTER (WHERE eligible = 0 AND died_in_window = 1
                                           AND readmitted = 0) AS BIGINT) AS n_died_excluded,
               CAST(count(*) FILTER (WHERE eligible = 0 AND NOT (died_in_window = 1
                                           AND readmitted = 0)) AS BIGINT) AS n_incomplete
        FROM mart_index_stays
        {group_by} {having} {order}
        """)
    return with_wilson_interval(out)


def with_wilson_interval(counts: pd.DataFrame, *, n: str = "n_index",
                         k: str = "n_readmitted") -> pd.DataFrame:
    """Add ``rate``, ``ci_low`` and ``ci_high`` (Wilson 95%) after column ``k``.

    Examples
    --------
    >>> r = with_wilson_interval(pd.DataFrame({"n_index": [100, 0], "n_readmitted": [12, 0]}))
    >>> round(float(r.ci_low[0]), 4), round(float(r.ci_high[0]), 4), bool(pd.isna(r.rate[1]))
    (0.07, 0.1981, True)
    """
    from statsmodels.stats.proportion import proportion_confint

    out = counts.copy()
    nn = out[n].astype(float)
    kk = out[k].astype(float)
    rate = (kk / nn).where(nn > 0)
    low, high = proportion_confint(kk, nn.where(nn > 0), alpha=0.05, method="wilson")
    at = list(out.columns).index(k) + 1
    for i, (name, values) in enumerate((("rate", rate), ("ci_low", low), ("ci_high", high))):
        out.insert(at + i, name, pd.Series(values, index=out.index, dtype=float))
    return out


_MODEL_NAMES: set[str] | None = None


def _models_named(query: str) -> list[str]:
    global _MODEL_NAMES
    if _MODEL_NAMES is None:
        _MODEL_NAMES = set(sql.dependencies())
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query))
    return sorted(words & _MODEL_NAMES)


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
