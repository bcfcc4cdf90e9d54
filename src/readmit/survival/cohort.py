"""The six-month mortality cohort (definitions.md, Six-month mortality).

One row per person: the discharge of the person's first index stay in the
period, followed to ``doddato``. Time is ``doddato`` − discharge date in whole
days; follow-up ends at min(horizon, end of data − discharge date); a death
on the last day of follow-up counts. With ``every_stay=True`` every index
stay is a row (a person may have several; the Cox model then clusters its
standard errors on the person).

The rows come from the SQL model ``mart_survival_cohort`` (one row per index
stay, built once per rule); the horizon is applied by the query here, so
every horizon shares that table.

Examples
--------
>>> import readmit
>>> from readmit.survival import mortality_cohort
>>> ex = readmit.open(readmit.datasets.example_extract())
>>> r = readmit.Readmissions(ex)
>>> cohort = mortality_cohort(r)
>>> bool(cohort["lopenr"].is_unique), int(cohort["days"].max()) <= 182
(True, True)
>>> ex.close()
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from readmit.errors import ParameterError
from readmit.rule import grouping_names

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["mortality_cohort", "COHORT_COLUMNS", "SURVIVAL_GROUPS", "DEFAULT_HORIZON_DAYS"]

#: definitions.md: six months.
DEFAULT_HORIZON_DAYS = 182

#: What the survival tables may be grouped by, and the SQL expression of each.
SURVIVAL_GROUPS = {
    "readmitted": "CAST(readmitted AS BOOLEAN)",
    "ready_for_discharge": "CAST(ready_for_discharge AS BOOLEAN)",
    "age_band": "age_band",
    "sector": "sector",
    "institusjonID": '"institusjonID"',
    "frequent_user": "CAST(frequent_user AS BOOLEAN)",
    "sex": "sex",
}

#: The columns of :func:`mortality_cohort`, in order.
COHORT_COLUMNS = [
    "lopenr", "stay_id", "discharge_date", "year", "age", "age_band", "sex", "sector",
    "institusjonID", "los_days", "ukp_days", "ready_for_discharge", "readmitted",
    "prior_acute_stays", "frequent_user", "comorbidity_score", "follow_up_days", "days", "died",
]
_FLAGS = ("ready_for_discharge", "readmitted", "frequent_user", "died")


def check_horizon(horizon_days: Any) -> int:
    """``horizon_days`` as an int, or ParameterError naming it.

    Examples
    --------
    >>> check_horizon(182)
    182
    >>> check_horizon(0)
    Traceback (most recent call last):
    ...
    readmit.errors.ParameterError: horizon_days must be a whole number of days >= 1, not 0
    """
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 1:
        raise ParameterError(f"horizon_days must be a whole number of days >= 1, "
                             f"not {horizon_days!r}")
    return int(horizon_days)


def group_name(by: str | None) -> str | None:
    """The canonical name of one grouping of :data:`SURVIVAL_GROUPS` (any case;
    ``trust`` means ``institusjonID``), or None.

    Examples
    --------
    >>> group_name("Trust"), group_name(None)
    ('institusjonID', None)
    """
    if by is None:
        return None
    if not isinstance(by, str):
        raise ParameterError(f"by must be one grouping name (one of {', '.join(SURVIVAL_GROUPS)}) "
                             f"or None, not {by!r}")
    names = grouping_names(by, allowed=SURVIVAL_GROUPS, name="by")
    if len(names) != 1:
        raise ParameterError(f"by must be one grouping name, not {by!r}")
    return names[0]


def cohort_query(columns: str, *, where: str = "", tail: str = "") -> str:
    """The query over ``mart_survival_cohort`` with the horizon applied.

    Binds ``$horizon`` (days) and ``$every_stay`` (bool). In ``columns``,
    ``where`` and ``tail`` the names ``days`` (follow-up time) and ``died``
    (0/1) may be used, besides the model's columns.
    """
    return f"""
        WITH cohort AS (
            SELECT *,
                   least(follow_up_days, $horizon)                         AS end_day,
                   coalesce(death_days <= least(follow_up_days, $horizon), false) AS death_seen
            FROM mart_survival_cohort
            WHERE first_in_period OR $every_stay
        ),
        timed AS (
            SELECT * EXCLUDE (end_day, death_seen),
                   CASE WHEN death_seen THEN death_days ELSE end_day END    AS days,
                   CAST(death_seen AS INTEGER)                              AS died
            FROM cohort
        )
        SELECT {columns} FROM timed {'WHERE ' + where if where else ''} {tail}"""


def query_params(horizon_days: int, every_stay: bool,
                 extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The parameters of :func:`cohort_query`."""
    if not isinstance(every_stay, bool):
        raise ParameterError(f"every_stay must be True or False, not {every_stay!r}")
    return {"horizon": check_horizon(horizon_days), "every_stay": every_stay, **(extra or {})}


def mortality_cohort(rule: Readmissions, *, horizon_days: int = DEFAULT_HORIZON_DAYS,
                     every_stay: bool = False) -> pd.DataFrame:
    """One row per person (or per index stay) followed for death after discharge
    (person-level: keep it inside the secure server).

    Parameters
    ----------
    rule : readmit.Readmissions
        The readmission rule; its filters (``min_age``, ``sector``, ``years``,
        ``end_date``) choose the index stays and its ``window_days`` the
        readmitted flag.
    horizon_days : int, default 182
        Follow-up ends this many days after the discharge date (or at the end
        of the data, if sooner). A death on the last day counts.
    every_stay : bool, default False
        Every index stay instead of each person's first in the period.

    Returns
    -------
    pandas.DataFrame
        :data:`COHORT_COLUMNS`: ``days`` (follow-up in whole days, 0 when the
        stay ends on the last day of the data) and ``died`` (bool, a death on
        or before ``days``); the covariates ``age``, ``sex`` (``male``,
        ``female`` or missing), ``sector``, ``institusjonID`` (the discharging
        trust), ``los_days``, ``ukp_days`` (0 without a ready-for-discharge
        date), ``prior_acute_stays`` (acute stays admitted in the 365 days
        before the admission), ``readmitted`` (within ``window_days``),
        ``frequent_user`` (4 or more acute stays admitted in the 365 days
        ending with this admission, this one included when acute),
        ``comorbidity_score`` (the stay's Charlson index, :mod:`readmit.comorbidity`) and ``follow_up_days`` (end of data −
        discharge date). Sorted by person and discharge.

    Examples
    --------
    >>> mortality_cohort(r, horizon_days=30)["days"].max() <= 30            # doctest: +SKIP
    True
    """
    cols = ", ".join(f'"{c}"' for c in COHORT_COLUMNS)
    frame = rule.frame(cohort_query(cols, tail="ORDER BY lopenr, discharge_date, stay_id"),
                       query_params(horizon_days, every_stay))
    for c in _FLAGS:
        frame[c] = frame[c].astype(bool)
    return frame
