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
WINDOWS = ("hours", "days")
LINKS = ("first", "latest")



def rule_parameters(
    *,
    window_days: int = 30,
    transfer_hours: float = 8.0,
    min_age: int | None = None,
    sector: str | None = None,
    keep_deaths: bool = False,
    end_date: dt.date | str | None = None,
    years: tuple[int, int] | Sequence[int] | str | None = None,
    window: str = "hours",
    link: str = "first",
    exclude_planned_conditions: bool = False,
    elderly_group: str | None = None,
) -> dict[str, Any]:
    """Validate the rule's parameters; return them as SQL bindings.

    Errors name the Python parameter (``window_days``), never a CLI flag.
    ``window``, ``link`` and ``exclude_planned_conditions`` choose between
    readmit's rule (the defaults, definitions.md) and SKDE's variant
    (``window="days", link="latest"``; docs/skde-differences.md):

    - ``window="hours"``: a readmission is admitted after the discharge and at
      most ``window_days`` * 24 h after it; ``"days"``: 0 < admission date -
      discharge date < ``window_days`` (days 1-29: a same-day readmission and
      day 30 do not count).
    - ``link="first"``: an index stay's readmission is the first acute stay
      after it; ``"latest"``: each acute stay is a readmission of the latest
      index stay before it only (when within that stay's window).
    - ``exclude_planned_conditions``: acute stays whose main condition is on
      FHI's 2016 list (reference/readmission_exclusions.csv) are never
      readmissions.
    - ``elderly_group``: only index stays whose main condition is in this
      group of the elderly indicator ('all': any of the 11 groups).

    Examples
    --------
    >>> rule_parameters(sector="all")["follow_all_sectors"]
    True
    >>> rule_parameters(years="2015-2017")["first_year"], rule_parameters(years=2016)["last_year"]
    (2015, 2016)
    >>> rule_parameters(window="days", link="latest")["window"]
    'days'
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
    if window not in WINDOWS:
        raise ParameterError(f"window must be one of {', '.join(WINDOWS)}, not {window!r}")
    if link not in LINKS:
        raise ParameterError(f"link must be one of {', '.join(LINKS)}, not {link!r}")
    if window == "days" and window_days < 2:
        raise ParameterError("window='days' counts days 1 to window_days - 1: "
                             f"window_days must be at least 2, not {window_days}")
    if elderly_group is not None:
        from readmit.indicator import elderly_group_names

        if elderly_group not in ("all", *elderly_group_names()):
            raise ParameterError(
                f"elderly_group must be 'all' or one of {', '.join(elderly_group_names())}, "
                f"not {elderly_group!r}")
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
        "window": window,
        "link": link,
        "exclude_planned_conditions": bool(exclude_planned_conditions),
        "elderly_group": elderly_group,
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
    window : {"hours", "days"}, default "hours"
        ``"days"``: SKDE's window, 0 < admission date - discharge date < ``window_days``.
    link : {"first", "latest"}, default "first"
        ``"latest"``: SKDE's link, an acute stay readmits only the latest index
        stay before it.
    exclude_planned_conditions : bool, default False
        Acute stays whose main condition is on FHI's 2016 list are never readmissions.
    elderly_group : str, optional
        Only index stays in this group of the elderly indicator ('all': any of the 11).

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
        window: str = "hours",
        link: str = "first",
        exclude_planned_conditions: bool = False,
        elderly_group: str | None = None,
    ) -> None:
        from readmit.extract import Extract

        if not isinstance(extract, Extract):
            raise ParameterError(f"extract must be an Extract from readmit.open(), "
                                 f"not {type(extract).__name__}")
        self.extract = extract
        self._sql_params = rule_parameters(
            window_days=window_days, transfer_hours=transfer_hours, min_age=min_age,
            sector=sector, keep_deaths=keep_deaths, end_date=end_date, years=years,
            window=window, link=link, exclude_planned_conditions=exclude_planned_conditions,
            elderly_group=elderly_group)
        self.parameters = {
            "window_days": window_days, "transfer_hours": transfer_hours, "min_age": min_age,
            "sector": sector, "keep_deaths": keep_deaths,
            "end_date": self._sql_params["end_date"] or extract.end_date,
            "years": (None if self._sql_params["first_year"] is None else
                      (self._sql_params["first_year"], self._sql_params["last_year"])),
            "window": window, "link": link,
            "exclude_planned_conditions": exclude_planned_conditions,
            "elderly_group": elderly_group,
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

    def build(self, *models: str, options: Mapping[str, Any] | None = None) -> str:
        """Build ``models`` (and what they read) unless they are built already;
        return the schema they are in.

        Parameters
        ----------
        *models : str
        options : mapping, optional
            Model parameters beyond the rule's (e.g. the comorbidity options
            ``charlson_weights``). Models that read them are built in a schema
            of their own beside the rule's, keyed by the options; the models
            they read that do not depend on the options are the rule's own,
            shared through views, never rebuilt.

        Examples
        --------
        >>> r.build("mart_index_stays")                                  # doctest: +SKIP
        'rule_01536e6fc8'
        """
        changed = _changed_options(options, self._sql_params)
        if not changed:
            missing = [m for m in models if m not in self._built]
            if missing:
                sql.build(self.con, self._sql_params, models=missing, schema=self.schema,
                          built=self._built)
            return self.schema
        key = json.dumps(changed, sort_keys=True, default=str)
        schema = f"{self.schema}_{hashlib.sha1(key.encode()).hexdigest()[:8]}"
        built = self.extract._built_models.setdefault(schema, set())
        missing = [m for m in models if m not in built]
        if not missing:
            return schema
        uses = sql.parameter_closure()
        needed = sql.required_models(missing)
        shared = [m for m in needed if not (uses[m] & set(changed)) and m not in built]
        if shared:
            self.build(*shared)
            self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {_q(schema)}")
            for m in shared:   # the rule's own models, seen from the options' schema
                self.con.execute(f"CREATE OR REPLACE VIEW {_q(schema)}.{_q(m)} AS "
                                 f"SELECT * FROM {_q(self.schema)}.{_q(m)}")
                built.add(m)
        sql.build(self.con, {**self._sql_params, **changed}, models=missing, schema=schema,
                  built=built)
        return schema

    def relation(self, model: str, *, options: Mapping[str, Any] | None = None
                 ) -> duckdb.DuckDBPyRelation:
        """One SQL model as a DuckDB relation, built first if needed.

        Examples
        --------
        >>> r.relation("mart_index_stays").count("*").fetchall()        # doctest: +SKIP
        """
        schema = self.build(model, options=options)
        return self.con.table(f"{schema}.{model}")

    def sql(self, query: str, params: Mapping[str, Any] | None = None, *,
            options: Mapping[str, Any] | None = None) -> duckdb.DuckDBPyRelation:
        """Run a query over this rule's models, naming them without a schema.

        The models a query names are built first. Parameters bind as ``$name``;
        ``options`` are model parameters beyond the rule's (see :meth:`build`).

        Examples
        --------
        >>> r.sql("SELECT count(*) AS n FROM mart_index_stays WHERE sector = $s",
        ...       {"s": "somatic"}).fetchall()                           # doctest: +SKIP
        """
        names = _models_named(query)
        schema = self.build(*names, options=options)
        if names:   # relations bind lazily, so the names are qualified, not looked up
            pattern = r'(?<![\w."])(' + "|".join(names) + r')(?![\w"])'
            query = re.sub(pattern, lambda m: f"{schema}.{m.group(1)}", query)
        return self.con.sql(query, params=dict(params) if params else None)

    def frame(self, query: str, params: Mapping[str, Any] | None = None, *,
              options: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """:meth:`sql` fetched as a DataFrame (for small results)."""
        return self.sql(query, params, options=options).df()

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

    # -- analyses (readmit.analyses): trend, length of stay, time to readmission,
    # -- ready for discharge; each table has a figure function beside it
    def trend(self, *, by: Sequence[str] | str | None = None) -> pd.DataFrame:
        """Rate and ready-for-discharge stays by year: :func:`readmit.analyses.trend.trend`
        (figure: :func:`readmit.trend_figure`)."""
        from readmit.analyses.trend import trend
        return trend(self, by=by)

    def rates_by_los_band(self, *, by: Sequence[str] | str | None = ("sector",)
                          ) -> pd.DataFrame:
        """Readmission share by length-of-stay band:
        :func:`readmit.analyses.length_of_stay.rates_by_los_band`
        (figure: :func:`readmit.rates_by_los_band_figure`)."""
        from readmit.analyses.length_of_stay import rates_by_los_band
        return rates_by_los_band(self, by=by)

    def los_vs_readmission(self) -> pd.DataFrame:
        """Mean length of stay and readmission share per year, trust and sector:
        :func:`readmit.analyses.length_of_stay.los_vs_readmission`
        (figure: :func:`readmit.los_vs_readmission_figure`, the bubble chart)."""
        from readmit.analyses.length_of_stay import los_vs_readmission
        return los_vs_readmission(self)

    def time_to_readmission(self, *, by: str | None = None, horizon_days: int = 365
                            ) -> pd.DataFrame:
        """Cumulative incidence of readmission, death competing (Aalen–Johansen):
        :func:`readmit.analyses.time_to_readmission.time_to_readmission`
        (figure: :func:`readmit.time_to_readmission_figure`)."""
        from readmit.analyses.time_to_readmission import time_to_readmission
        return time_to_readmission(self, by=by, horizon_days=horizon_days)

    def days_to_readmission_by_los(self, *, sectors: Sequence[str] | str = ("vop", "tsb"),
                                   horizon_days: int = 365) -> pd.DataFrame:
        """Days to readmission by the length of the previous stay:
        :func:`readmit.analyses.time_to_readmission.days_to_readmission_by_los`
        (figure: :func:`readmit.days_to_readmission_by_los_figure`)."""
        from readmit.analyses.time_to_readmission import days_to_readmission_by_los
        return days_to_readmission_by_los(self, sectors=sectors, horizon_days=horizon_days)

    def ready_for_discharge(self, *, by: Sequence[str] | str = ("year", "institusjonID",
                                                                 "sector")) -> pd.DataFrame:
        """Ready-for-discharge days, payment and readmission of the ready:
        :func:`readmit.analyses.ready_for_discharge.ready_for_discharge`
        (figure: :func:`readmit.ready_for_discharge_figure`)."""
        from readmit.analyses.ready_for_discharge import ready_for_discharge
        return ready_for_discharge(self, by=by)
    # -- frequent users (readmit.frequent) --------------------------------------------
    def resource_concentration(self, *, measure: str | None = None) -> pd.DataFrame:
        """Top 1/5/10 % shares and Gini per year and sector: :func:`readmit.frequent.resource_concentration`."""
        from readmit.frequent import resource_concentration
        return resource_concentration(self, measure=measure)

    def lorenz_curve(self, *, measure: str = "bed_days", year: int | None = None,
                     points: int = 100) -> pd.DataFrame:
        """The Lorenz curve of use: :func:`readmit.frequent.lorenz_curve`."""
        from readmit.frequent import lorenz_curve
        return lorenz_curve(self, measure=measure, year=year, points=points)

    def top_user_persistence(self, *, top_percent: int = 5,
                             measure: str | None = None) -> pd.DataFrame:
        """Top users still top the next year: :func:`readmit.frequent.top_user_persistence`."""
        from readmit.frequent import top_user_persistence
        return top_user_persistence(self, top_percent=top_percent, measure=measure)

    def heavy_user_shares(self) -> pd.DataFrame:
        """Heavy users' shares by year: :func:`readmit.frequent.heavy_user_shares`."""
        from readmit.frequent import heavy_user_shares
        return heavy_user_shares(self)

    def heavy_user_persons(self, *, year: int | None = None) -> pd.DataFrame:
        """Persons with stays, heavy users flagged (person-level): :func:`readmit.frequent.heavy_user_persons`."""
        from readmit.frequent import heavy_user_persons
        return heavy_user_persons(self, year=year)

    def heavy_user_table_one(self, *, year: int | None = None, suppress: bool = False,
                             lang: str = "nb") -> pd.DataFrame:
        """Table 1 of heavy users and others: :func:`readmit.frequent.heavy_user_table_one`."""
        from readmit.frequent import heavy_user_table_one
        return heavy_user_table_one(self, year=year, suppress=suppress, lang=lang)

    def frequent_callers(self, *, threshold: int = 10, rolling: bool = False) -> pd.DataFrame:
        """AMK and legevakt frequent users by year: :func:`readmit.frequent.frequent_callers`."""
        from readmit.frequent import frequent_callers
        return frequent_callers(self, threshold=threshold, rolling=rolling)

    def frequent_caller_contacts(self, *, threshold: int = 10,
                                 rolling: bool = False) -> pd.DataFrame:
        """Their contacts by urgency and outcome: :func:`readmit.frequent.frequent_caller_contacts`."""
        from readmit.frequent import frequent_caller_contacts
        return frequent_caller_contacts(self, threshold=threshold, rolling=rolling)

    def frequent_caller_trend(self, *, threshold: int = 10, rolling: bool = False) -> pd.DataFrame:
        """Their contacts per month: :func:`readmit.frequent.frequent_caller_trend`."""
        from readmit.frequent import frequent_caller_trend
        return frequent_caller_trend(self, threshold=threshold, rolling=rolling)

    def care_plan_effects(self, *, months: int = 12, threshold: int = 10) -> pd.DataFrame:
        """Naive and difference-in-differences rate ratios: :func:`readmit.frequent.care_plan_effects`."""
        from readmit.frequent import care_plan_effects
        return care_plan_effects(self, months=months, threshold=threshold)

    def care_plan_panel(self, *, months: int = 12, threshold: int = 10) -> pd.DataFrame:
        """Person-month contacts around care plans (person-level): :func:`readmit.frequent.care_plan_panel`."""
        from readmit.frequent import care_plan_panel
        return care_plan_panel(self, months=months, threshold=threshold)

    def frequent_users(self, *, threshold: int = 10, rolling: bool = False) -> pd.DataFrame:
        """One row per frequent user (person-level): :func:`readmit.frequent.frequent_users`."""
        from readmit.frequent import frequent_users
        return frequent_users(self, threshold=threshold, rolling=rolling)
    # -- survival after discharge (readmit.survival) ------------------------------------
    def mortality_cohort(self, *, horizon_days: int = 182, every_stay: bool = False
                         ) -> pd.DataFrame:
        """Person-level: :func:`readmit.survival.mortality_cohort` of this rule."""
        from readmit.survival import mortality_cohort
        return mortality_cohort(self, horizon_days=horizon_days, every_stay=every_stay)

    def survival(self, by: str | None = None, *, days: Sequence[int] = (30, 90, 182),
                 every_stay: bool = False) -> pd.DataFrame:
        """Survival at ``days`` after discharge: :func:`readmit.survival.survival_at`."""
        from readmit.survival import survival_at
        return survival_at(self, by=by, days=days, every_stay=every_stay)

    def survival_curves(self, by: str | None = None, *, horizon_days: int = 182,
                        every_stay: bool = False) -> pd.DataFrame:
        """Kaplan–Meier curves: :func:`readmit.survival.survival_curves`."""
        from readmit.survival import survival_curves
        return survival_curves(self, by=by, horizon_days=horizon_days, every_stay=every_stay)

    def logrank_test(self, by: str, *, horizon_days: int = 182, every_stay: bool = False
                     ) -> pd.DataFrame:
        """Log-rank test across groups: :func:`readmit.survival.logrank_test`."""
        from readmit.survival import logrank_test
        return logrank_test(self, by=by, horizon_days=horizon_days, every_stay=every_stay)

    def cox(self, *, covariates: Sequence[str] | None = None,
            strata: Sequence[str] | str | None = None, horizon_days: int = 182,
            every_stay: bool = False):
        """Cox model of death after discharge: :func:`readmit.survival.cox_model`
        (``covariates=None``: the default set)."""
        from readmit.survival import COX_COVARIATES, cox_model
        return cox_model(self, covariates=COX_COVARIATES if covariates is None else covariates,
                         strata=strata, horizon_days=horizon_days, every_stay=every_stay)

    def deaths_averted(self, *, mortality_reduction: float,
                       target: Sequence[str] = ("ready_for_discharge", "readmitted"),
                       year: int | None = None, trust: str | None = None,
                       horizon_days: int = 182) -> pd.DataFrame:
        """Deaths averted per year: :func:`readmit.survival.deaths_averted`."""
        from readmit.survival import deaths_averted
        return deaths_averted(self, mortality_reduction=mortality_reduction, target=target,
                              year=year, trust=trust, horizon_days=horizon_days)

    # -- comparison (readmit.comparison): risk model, observed against expected, funnel
    def risk_model(self, *, covariates: Sequence[str] | None = None,
                   charlson_weights: str = "charlson", comorbidity_hierarchy: bool = False,
                   include_index_stay: bool = True) -> Any:
        """The case-mix model, one logistic regression per sector:
        :func:`readmit.comparison.risk_model`."""
        from readmit.comparison import COVARIATES, risk_model
        return risk_model(self, covariates=COVARIATES if covariates is None else covariates,
                          charlson_weights=charlson_weights,
                          comorbidity_hierarchy=comorbidity_hierarchy,
                          include_index_stay=include_index_stay)

    def observed_expected(self, *, unit: str = "institusjonID", by_year: bool = False,
                          year: int | None = None, sector: str | None = None,
                          model: Any = None) -> pd.DataFrame:
        """O, E, O/E and the standardised rate per unit:
        :func:`readmit.comparison.observed_expected` (``model``: a
        :meth:`risk_model` of this rule; default the default model)."""
        from readmit.comparison import observed_expected
        return observed_expected(self._model(model), unit=unit, by_year=by_year, year=year,
                                 sector=sector)

    def funnel(self, *, unit: str = "institusjonID", year: int | None = None,
               sector: str | None = None, overdispersion: str = "additive",
               sr_method: str = "SHMI", trim_by: float = 0.1,
               model: Any = None) -> pd.DataFrame:
        """O/E per unit with funnel limits: :func:`readmit.comparison.funnel`
        (figure: :func:`readmit.funnel_figure`)."""
        from readmit.comparison import funnel
        return funnel(self._model(model), unit=unit, year=year, sector=sector,
                      overdispersion=overdispersion, sr_method=sr_method, trim_by=trim_by)

    def lace_rates(self, *, charlson_weights: str = "charlson",
                   comorbidity_hierarchy: bool = False,
                   include_index_stay: bool = True) -> pd.DataFrame:
        """Readmission share by LACE score: :func:`readmit.comparison.lace_rates`
        (figure: :func:`readmit.lace_figure`)."""
        from readmit.comparison import lace_rates
        return lace_rates(self, charlson_weights=charlson_weights,
                          comorbidity_hierarchy=comorbidity_hierarchy,
                          include_index_stay=include_index_stay)

    def _model(self, model: Any) -> Any:
        """``model`` if it is a risk model of this rule, else this rule (to fit the default)."""
        if model is None:
            return self
        from readmit.comparison import RiskModel
        if not isinstance(model, RiskModel) or model.rule is not self:
            raise ParameterError("model must be a RiskModel of this rule (r.risk_model())")
        return model


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

def _changed_options(options: Mapping[str, Any] | None,
                     rule: Mapping[str, Any]) -> dict[str, Any]:
    """The options that differ from the rule's parameters (and the defaults)."""
    if not options:
        return {}
    unknown = sorted(set(options) - set(sql.DEFAULT_PARAMS))
    if unknown:
        raise ParameterError(f"unknown model options: {', '.join(unknown)}")
    base = {**sql.DEFAULT_PARAMS, **rule}
    return {k: v for k, v in options.items() if base[k] != v}


def _models_named(query: str) -> list[str]:
    global _MODEL_NAMES
    if _MODEL_NAMES is None:
        _MODEL_NAMES = set(sql.dependencies())
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query))
    return sorted(words & _MODEL_NAMES)


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
