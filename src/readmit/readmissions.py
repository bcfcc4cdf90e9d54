"""Index stays, 30-day readmissions and readmission rates.

The rule (definitions.md: Stays, Index stays, Readmission) is DuckDB SQL in
``readmit/sql``; these functions bind its parameters, build the models in the
extract's connection and return small results as pandas DataFrames.
"""
from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from readmit import sql
from readmit.errors import ParameterError

if TYPE_CHECKING:
    from readmit.loader import Extract

#: The columns of ``readmit readmissions`` and :func:`index_stays`, in order.
INDEX_STAY_COLUMNS = [
    "lopenr", "admitted_at", "discharged_at", "institusjonID", "sector", "age",
    "los_days", "ukp_days", "readmitted", "hours_to_readmission",
    "days_to_readmission", "died_in_window", "eligible",
]

#: What :func:`readmission_rates` may group by, and the mart column behind each.
GROUPINGS = {
    "year": "year",
    "institusjonID": '"institusjonID"',
    "sector": "sector",
    "age_band": "age_band",
    "sex": "sex",
    "icd_chapter": "icd_chapter",
    "elderly_group": "elderly_group",
    "ready_for_discharge": "ready_for_discharge",
}

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
    end_date: date | str | None = None,
    window: str = "hours",
    link: str = "first",
    exclude_planned_conditions: bool = False,
    elderly_group: str | None = None,
) -> dict[str, Any]:
    """Validate the readmission rule's parameters and return them as SQL bindings.

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
    >>> rule_parameters(window="days", link="latest")["window"]
    'days'
    """
    if window_days < 1:
        raise ParameterError(f"--window-days must be at least 1, not {window_days}")
    if transfer_hours < 0:
        raise ParameterError(f"--transfer-hours must not be negative, not {transfer_hours}")
    if min_age is not None and min_age < 0:
        raise ParameterError(f"--min-age must not be negative, not {min_age}")
    if sector is not None and sector not in SECTORS:
        raise ParameterError(f"--sector must be one of {', '.join(SECTORS)}, not {sector!r}")
    if isinstance(end_date, str):
        try:
            end_date = date.fromisoformat(end_date)
        except ValueError:
            raise ParameterError(f"--end-date must be YYYY-MM-DD, not {end_date!r}") from None
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
        "window": window,
        "link": link,
        "exclude_planned_conditions": bool(exclude_planned_conditions),
        "elderly_group": elderly_group,
    }


def build_index_stays(extract: Extract, *, upto: str = "mart_readmission_stays",
                      **rule: Any) -> dict[str, Any]:
    """Build the models up to ``upto`` (default ``mart_readmission_stays``) in
    the extract's connection; return the parameter values used."""
    return sql.build(extract.con, rule_parameters(**rule), models=[upto])


def index_stays(extract: Extract, **rule: Any) -> pd.DataFrame:
    """One row per index stay with its 30-day readmission.

    Parameters
    ----------
    extract : readmit.Extract
        An extract opened with :func:`readmit.open`.
    **rule
        ``window_days`` (30), ``transfer_hours`` (8), ``min_age`` (None),
        ``sector`` (None: every sector, each followed within itself;
        'somatic' | 'vop' | 'tsb': only that sector; 'all': followed across
        sectors), ``keep_deaths`` (False), ``end_date`` (the latest discharge),
        ``window`` ('hours'), ``link`` ('first'), ``exclude_planned_conditions``
        (False), ``elderly_group`` (None): see :func:`rule_parameters`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INDEX_STAY_COLUMNS`, sorted by person and admission.

    Examples
    --------
    >>> import readmit
    >>> ex = readmit.open("data/synthetic/helse-vest")          # doctest: +SKIP
    >>> stays = index_stays(ex, min_age=67)                      # doctest: +SKIP
    >>> stays.loc[stays.eligible == 1, "readmitted"].mean()      # doctest: +SKIP
    """
    build_index_stays(extract, upto="mart_index_stays", **rule)
    cols = ", ".join(f'"{c}"' for c in INDEX_STAY_COLUMNS)
    return extract.con.sql(
        f"SELECT {cols} FROM mart_index_stays ORDER BY lopenr, admitted_at"
    ).df()


def _group_columns(by: Sequence[str] | str) -> list[str]:
    names = [b.strip() for b in by.split(",")] if isinstance(by, str) else list(by)
    names = [n for n in names if n]
    bad = [n for n in names if n not in GROUPINGS]
    if bad:
        raise ParameterError(
            f"cannot group by {', '.join(bad)}; choose from {', '.join(GROUPINGS)}"
        )
    return names


def readmission_rates(
    extract: Extract, by: Sequence[str] | str = ("year",), **rule: Any
) -> pd.DataFrame:
    """Readmission rates with Wilson 95% intervals.

    Parameters
    ----------
    extract : readmit.Extract
    by : sequence of str or comma-separated str
        Any of :data:`GROUPINGS` (year of discharge, trust, sector, age band,
        sex, ICD-10 chapter, elderly-indicator group, ready for discharge).
    **rule
        As :func:`index_stays`.

    Returns
    -------
    pandas.DataFrame
        The grouping columns, ``n_index`` (eligible index stays),
        ``n_readmitted``, ``rate``, ``ci_low``, ``ci_high``, and
        ``n_died_excluded`` (index stays left out for a death in the window)
        and ``n_incomplete`` (left out for incomplete follow-up).

    Examples
    --------
    >>> readmission_rates(ex, by="year,sector")                  # doctest: +SKIP
    """
    names = _group_columns(by)
    build_index_stays(extract, upto="mart_index_stays", **rule)
    return rates_of_built(extract.con, names)


def rates_of_built(con, by: Sequence[str] | str) -> pd.DataFrame:
    """:func:`readmission_rates` over a ``mart_index_stays`` already built in ``con``."""
    names = _group_columns(by)
    group_sql = ", ".join(f"{GROUPINGS[n]} AS \"{n}\"" for n in names)
    select = f"{group_sql}, " if names else ""
    keys = ", ".join(GROUPINGS[n] for n in names)
    group_by = f"GROUP BY {keys} ORDER BY {keys}" if names else ""
    out = con.sql(
        f"""
        SELECT {select}
               CAST(count(*) FILTER (WHERE eligible = 1) AS BIGINT) AS n_index,
               CAST(count(*) FILTER (WHERE eligible = 1 AND readmitted = 1) AS BIGINT)
                   AS n_readmitted,
               CAST(count(*) FILTER (WHERE eligible = 0 AND died_in_window = 1
                                           AND readmitted = 0) AS BIGINT) AS n_died_excluded,
               CAST(count(*) FILTER (WHERE eligible = 0 AND NOT (died_in_window = 1
                                           AND readmitted = 0)) AS BIGINT) AS n_incomplete
        FROM mart_index_stays
        {group_by}
        """
    ).df()
    return with_wilson_interval(out)


def with_wilson_interval(counts: pd.DataFrame) -> pd.DataFrame:
    """Add ``rate``, ``ci_low`` and ``ci_high`` (Wilson 95%) to a frame with
    ``n_index`` and ``n_readmitted``.

    Examples
    --------
    >>> r = with_wilson_interval(pd.DataFrame({"n_index": [100], "n_readmitted": [12]}))
    >>> round(float(r.rate[0]), 2), round(float(r.ci_low[0]), 4)
    (0.12, 0.0699)
    """
    out = counts.copy()
    n = out["n_index"].astype(float)
    k = out["n_readmitted"].astype(float)
    out["rate"] = (k / n).where(n > 0)
    low, high = proportion_confint(k, n.where(n > 0), alpha=0.05, method="wilson")
    out["ci_low"], out["ci_high"] = low, high
    front = [c for c in out.columns if c not in {"n_died_excluded", "n_incomplete"}]
    return out[front + ["n_died_excluded", "n_incomplete"]]


def readmission_burden(
    extract: Extract, by: Sequence[str] = ("year", "institusjonID", "sector"), **rule: Any
) -> pd.DataFrame:
    """Readmission stays, their bed days and ready-for-discharge days.

    Each stay that is the first readmission of an eligible index stay counts
    once, under its own discharge year, trust and sector.

    Returns
    -------
    pandas.DataFrame
        The grouping columns (any of year, institusjonID, sector),
        ``n_readmissions``, ``bed_days``, ``ukp_days``.

    Examples
    --------
    >>> readmission_burden(ex, by=["year"])                      # doctest: +SKIP
    """
    allowed = ("year", "institusjonID", "sector")
    names = list(by)
    bad = [n for n in names if n not in allowed]
    if bad:
        raise ParameterError(f"cannot group the burden by {', '.join(bad)}; choose from year, institusjonID, sector")
    build_index_stays(extract, **rule)
    cols = ", ".join(GROUPINGS[n] for n in names)
    select = f"{cols}, " if names else ""
    tail = f"GROUP BY {cols} ORDER BY {cols}" if names else ""
    return extract.con.sql(
        f"""SELECT {select} CAST(count(*) AS BIGINT) AS n_readmissions,
                   CAST(sum(bed_days) AS BIGINT) AS bed_days,
                   CAST(sum(ukp_days) AS BIGINT) AS ukp_days
            FROM mart_readmission_stays {tail}"""
    ).df()


# --- command line ---------------------------------------------------------

def _rule_from_args(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "window_days": args.window_days,
        "transfer_hours": args.transfer_hours,
        "min_age": args.min_age,
        "sector": args.sector,
        "keep_deaths": args.keep_deaths,
        "end_date": args.end_date,
        "window": args.window,
        "link": args.link,
        "exclude_planned_conditions": args.exclude_planned_conditions,
        "elderly_group": args.elderly_group,
    }


def readmissions_command(args: argparse.Namespace) -> int:
    """``readmit readmissions``: write one row per index stay to ``--out``.

    The table goes from DuckDB straight to the CSV file (no DataFrame), with
    timestamps as ISO 8601 text.
    """
    import readmit

    rule = _rule_from_args(args)
    with readmit.open(args.extract_dir) as ex:
        build_index_stays(ex, upto="mart_index_stays", **rule)
        cols = ", ".join(
            f"strftime(\"{c}\", '%Y-%m-%dT%H:%M:%S') AS \"{c}\""
            if c in ("admitted_at", "discharged_at") else f'"{c}"'
            for c in INDEX_STAY_COLUMNS
        )
        ex.con.sql(f"SELECT {cols} FROM mart_index_stays ORDER BY lopenr, admitted_at") \
            .write_csv(str(args.out), header=True)
        n, n_eligible, n_readmitted = ex.con.sql(
            "SELECT count(*), count(*) FILTER (WHERE eligible = 1),"
            " count(*) FILTER (WHERE eligible = 1 AND readmitted = 1) FROM mart_index_stays"
        ).fetchall()[0]
    print(f"{n} index stays, {n_eligible} eligible, {n_readmitted} readmitted within "
          f"{rule['window_days']} days -> {args.out}")
    return 0


def rates_command(args: argparse.Namespace) -> int:
    """``readmit rates``: write grouped rates with Wilson intervals to ``--out``
    (with ``--indicator elderly``: :func:`readmit.indicator.rates_indicator_command`)."""
    import readmit

    if getattr(args, "indicator", None):
        from readmit.indicator import rates_indicator_command

        return rates_indicator_command(args)

    _group_columns(args.by)
    rule_parameters(**_rule_from_args(args))
    with readmit.open(args.extract_dir) as ex:
        frame = readmission_rates(ex, by=args.by, **_rule_from_args(args))
    frame.to_csv(args.out, index=False)
    print(frame.to_string(index=False, max_rows=40))
    return 0
