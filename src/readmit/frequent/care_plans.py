"""What individual care plans (handlingsplaner) change, without crediting
regression to the mean to the plan.

Frequent users are found when their use is high, and high use falls back
towards each person's mean whatever is done. So the planned group's
contacts before and after the plan's start are set beside a comparison
group: frequent users who never had a plan, each given a pseudo-start at the
same point of their own contact history — the same number of days after
they first qualified as frequent users as the planned group's starts were
after theirs. The difference-in-differences rate ratio is the planned
group's after/before ratio over the comparison group's.

The steps, each a function:

1. :func:`care_plan_panel` - person-month contact counts in the ``months``
   before and after each (pseudo-)start (person-level);
2. :func:`care_plan_rate_ratios` - the naive before/after rate ratios of both
   groups and the difference in differences, with 95 % intervals from a
   Poisson model of the person-month counts with person-clustered
   (sandwich) errors;
3. :func:`care_plan_monthly` - the groups' contacts per month around the
   (pseudo-)start, for :func:`readmit.frequent.care_plan_figure`.

:func:`care_plan_effects` runs 1 and 2.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from readmit.errors import ReadmitError
from readmit.frequent._common import require_care_plans, whole_number

if TYPE_CHECKING:
    from readmit.rule import Readmissions

__all__ = ["care_plan_panel", "care_plan_rate_ratios", "care_plan_monthly", "care_plan_effects",
           "PANEL_COLUMNS", "EFFECT_COLUMNS", "ESTIMATES", "MONTH_DAYS", "CARE_PLAN_SUPPRESSION",
           "CARE_PLAN_MONTHLY_SUPPRESSION"]

#: The days of a month around a (pseudo-)start: a year's 365.25 days over 12.
MONTH_DAYS = 365.25 / 12
#: The columns of :func:`care_plan_panel`.
PANEL_COLUMNS = ["lopenr", "planned", "start", "month", "after", "n_contacts", "days"]
#: The columns of ``readmit analyse EXTRACT_DIR care-plans`` and :func:`care_plan_rate_ratios`.
EFFECT_COLUMNS = ["estimate", "n_persons", "rate_ratio", "ci_low", "ci_high"]
#: Its rows, in order.
ESTIMATES = ["plan_before_after", "comparison_before_after", "difference_in_differences"]
#: Small numbers of :func:`care_plan_rate_ratios`: a ratio is hidden when either
#: group behind it has 1-4 persons, and so is the difference in differences' count
#: of persons (the planned group's count shown beside it would give the other's).
CARE_PLAN_SUPPRESSION = {
    "counts": ["n_persons", "n_plan", "n_comparison"],
    "derived": {c: ["n_persons", "n_plan", "n_comparison"]
                for c in ("n_persons", "rate_ratio", "ci_low", "ci_high")},
}
#: Small numbers of :func:`care_plan_monthly`: a month's rate is computed from
#: its persons and their contacts.
CARE_PLAN_MONTHLY_SUPPRESSION = {
    "counts": ["n_persons", "n_contacts"],
    "derived": {"person_days": ["n_persons"],
                **{c: ["n_persons", "n_contacts"] for c in ("rate", "ci_low", "ci_high")}},
}

_PANEL_SQL = """
WITH coverage AS (
    SELECT CAST(min(contacted_at) AS DATE) AS first_day,
           CAST(max(contacted_at) AS DATE) AS last_day
    FROM stg_emergency_contacts
),
contacts AS (
    SELECT person_id, contact_id, service, contacted_at
    FROM stg_emergency_contacts
    WHERE contacted_at IS NOT NULL
),
numbered AS (
    SELECT person_id, contacted_at,
           row_number() OVER (PARTITION BY person_id, service, year(contacted_at)
                              ORDER BY contacted_at, contact_id) AS nth
    FROM contacts
),
qualified AS (
    -- first qualifying as a frequent user: the $threshold-th contact of a
    -- calendar year with one service
    SELECT person_id, CAST(min(contacted_at) AS DATE) AS qualified_on
    FROM numbered WHERE nth = $threshold GROUP BY person_id
),
plans AS (
    SELECT person_id, min(start_date) AS start FROM stg_care_plans GROUP BY person_id
),
candidates AS (
    SELECT q.person_id, q.qualified_on, p.start, p.person_id IS NOT NULL AS planned,
           s.death_date
    FROM qualified AS q
    LEFT JOIN plans AS p USING (person_id)
    LEFT JOIN stg_persons AS s USING (person_id)
),
window_days AS (
    SELECT CAST(ceil(-$months * $month_days) AS INTEGER) AS lo,    -- first day before
           CAST(ceil($months * $month_days) AS INTEGER) AS hi      -- first day after the window
),
eligible_plans AS (
    -- whole windows inside the contact data, alive at the start
    SELECT c.*, date_diff('day', c.qualified_on, c.start) AS lag_days
    FROM candidates AS c, coverage AS v, window_days AS w
    WHERE c.planned
      AND c.start + w.lo >= v.first_day AND c.start + (w.hi - 1) <= v.last_day
      AND (c.death_date IS NULL OR c.death_date >= c.start)
),
lags AS (
    SELECT lag_days, row_number() OVER (ORDER BY lag_days, person_id) AS i
    FROM eligible_plans
),
comparison AS (
    -- never planned; spread evenly over the planned group's lags, in an
    -- arbitrary but fixed order of persons (the MD5 of lopenr): person j of
    -- m takes lag i = floor((j - 0.5) * n / m) + 1 of n (n read here, so
    -- that the join below is on equality, a hash join)
    SELECT c.*, row_number() OVER (ORDER BY md5(CAST(c.person_id AS VARCHAR)), c.person_id) AS j,
           count(*) OVER () AS m,
           (SELECT count(*) FROM eligible_plans) AS n
    FROM candidates AS c WHERE NOT c.planned
),
pseudo AS (
    SELECT c.person_id, c.qualified_on + CAST(l.lag_days AS INTEGER) AS start, false AS planned,
           c.death_date
    FROM comparison AS c
    JOIN lags AS l ON l.i = CAST(floor((c.j - 0.5) * c.n / c.m) AS BIGINT) + 1
),
persons AS (
    SELECT person_id, start, planned, death_date FROM eligible_plans
    UNION ALL
    SELECT p.person_id, p.start, p.planned, p.death_date
    FROM pseudo AS p, coverage AS v, window_days AS w
    WHERE p.start + w.lo >= v.first_day AND p.start + (w.hi - 1) <= v.last_day
      AND (p.death_date IS NULL OR p.death_date >= p.start)
),
months AS (
    SELECT p.*, k AS month,
           CAST(ceil(k * $month_days) AS INTEGER) AS first_day,
           CAST(ceil((k + 1) * $month_days) AS INTEGER) AS end_day,
           coalesce(date_diff('day', p.start, p.death_date), 1000000) AS death_day
    FROM persons AS p, range(-$months, $months) AS t(k)
),
counted AS (
    SELECT p.person_id,
           CAST(floor(date_diff('day', p.start, CAST(e.contacted_at AS DATE)) / $month_days)
                AS BIGINT) AS month,
           count(*) AS n_contacts
    FROM persons AS p, window_days AS w
    JOIN contacts AS e ON e.person_id = p.person_id
    WHERE CAST(e.contacted_at AS DATE) >= p.start + w.lo
      AND CAST(e.contacted_at AS DATE) < p.start + w.hi
    GROUP BY ALL
)
SELECT m.person_id AS lopenr, m.planned, m.start, m.month, m.month >= 0 AS after,
       CAST(coalesce(c.n_contacts, 0) AS BIGINT) AS n_contacts,
       least(m.end_day, m.death_day + 1) - m.first_day AS days
FROM months AS m
LEFT JOIN counted AS c ON c.person_id = m.person_id AND c.month = m.month
WHERE least(m.end_day, m.death_day + 1) > m.first_day
ORDER BY m.planned DESC, m.person_id, m.month
"""


def care_plan_panel(rule: Readmissions, *, months: int = 12, threshold: int = 10) -> pd.DataFrame:
    """Person-month contact counts around each care plan's start and each
    comparison person's pseudo-start (person-level: keep it inside the secure server).

    The planned group: persons with a care plan (their first, if several)
    who qualified as frequent users at some point (``threshold`` contacts
    with AMK or with legevakt in a calendar year; the day of that contact is
    the day they qualified). The comparison group: persons who qualified and
    never had a plan; each is given one of the planned group's lags (days
    from qualifying to the plan's start), spread evenly over the lags in an
    arbitrary but fixed order (the MD5 hash of ``lopenr``), and the
    pseudo-start is their own qualifying
    day plus that lag. Both groups keep only (pseudo-)starts whose whole
    window lies inside the contact data and whose person was alive at the
    start. Contacts with either service count.

    Parameters
    ----------
    rule : readmit.Readmissions
    months : int, default 12
        Months before and after the start. A month is 365.25 / 12 days:
        month ``k`` holds the days ``d`` (contact day - start day) with
        ``floor(d / (365.25 / 12)) == k``; the start day is month 0.
    threshold : int, default 10
        Contacts in a calendar year that make a frequent user.

    Returns
    -------
    pandas.DataFrame
        :data:`PANEL_COLUMNS`: ``lopenr``, ``planned`` (bool), ``start``
        (the (pseudo-)start day), ``month`` (-months ... months - 1),
        ``after`` (bool: month >= 0), ``n_contacts`` and ``days`` (days of
        the month the person was alive: a death ends the follow-up; months
        after it have no row).

    Raises
    ------
    readmit.errors.ReadmitError
        When the extract has no contacts or no care plans.
    """
    require_care_plans(rule)
    months = whole_number(months, "months")
    threshold = whole_number(threshold, "threshold")
    frame = rule.frame(_PANEL_SQL, {"months": months, "threshold": threshold,
                                    "month_days": MONTH_DAYS})
    frame["planned"] = frame["planned"].astype(bool)
    frame["after"] = frame["after"].astype(bool)
    frame["start"] = pd.to_datetime(frame["start"])
    return frame[PANEL_COLUMNS]


def care_plan_rate_ratios(panel: pd.DataFrame) -> pd.DataFrame:
    """The naive before/after rate ratios and the difference in differences.

    A Poisson model of the person-month counts, ``log E[n] = log(days) + b0 +
    b1·after + b2·planned + b3·after·planned``, with person-clustered
    (sandwich) errors, so that overdispersion and each person's months being
    alike widen the intervals as they should. exp(b1 + b3) is the planned
    group's after/before rate ratio (the naive estimate), exp(b1) the
    comparison group's (regression to the mean and time trends) and exp(b3)
    the difference in differences.

    Parameters
    ----------
    panel : pandas.DataFrame
        :data:`PANEL_COLUMNS` (``start`` may be absent), as
        :func:`care_plan_panel` returns it.

    Returns
    -------
    pandas.DataFrame
        :data:`EFFECT_COLUMNS`, one row per :data:`ESTIMATES`, then
        ``n_plan`` and ``n_comparison``: the persons of each group behind
        the row (``n_persons`` is their sum; a difference in differences
        from 1-4 persons of either group is a small number).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> rows = [(p, p < 200, k, k >= 0, rng.poisson(3 * (0.5 if p < 200 and k >= 0 else 1)), 30)
    ...         for p in range(400) for k in range(-12, 12)]
    >>> panel = pd.DataFrame(rows, columns=["lopenr", "planned", "month", "after",
    ...                                     "n_contacts", "days"])
    >>> care_plan_rate_ratios(panel).round(1)[["estimate", "n_persons", "rate_ratio"]]
                        estimate  n_persons  rate_ratio
    0          plan_before_after        200         0.5
    1    comparison_before_after        200         1.0
    2  difference_in_differences        400         0.5
    """
    import statsmodels.api as sm

    data = panel[panel["days"] > 0]
    planned = data["planned"].astype(bool).to_numpy()
    n_planned = data.loc[planned, "lopenr"].nunique()
    n_comparison = data.loc[~planned, "lopenr"].nunique()
    if n_planned == 0 or n_comparison == 0:
        raise ReadmitError(
            f"care plans need both groups: {n_planned} planned and {n_comparison} comparison "
            "persons have whole windows in the contact data")
    after = data["after"].astype(bool).to_numpy().astype(float)
    x = np.column_stack([np.ones(len(data)), after, planned.astype(float),
                         after * planned.astype(float)])
    groups = pd.factorize(data["lopenr"])[0]
    fit = sm.GLM(data["n_contacts"].to_numpy(float), x, family=sm.families.Poisson(),
                 offset=np.log(data["days"].to_numpy(float))).fit(
        cov_type="cluster", cov_kwds={"groups": groups})
    beta, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    rows = []
    for name, weights, n_plan, n_comp in (
            ("plan_before_after", [0, 1, 0, 1], n_planned, 0),
            ("comparison_before_after", [0, 1, 0, 0], 0, n_comparison),
            ("difference_in_differences", [0, 0, 0, 1], n_planned, n_comparison)):
        w = np.asarray(weights, float)
        est, se = float(w @ beta), float(np.sqrt(w @ cov @ w))
        rows.append((name, n_plan + n_comp, np.exp(est), np.exp(est - 1.959964 * se),
                     np.exp(est + 1.959964 * se), n_plan, n_comp))
    return pd.DataFrame(rows, columns=[*EFFECT_COLUMNS, "n_plan", "n_comparison"])


def care_plan_monthly(panel: pd.DataFrame) -> pd.DataFrame:
    """Each group's contacts per person-month around the (pseudo-)start, with 95 %
    intervals: the table behind :func:`readmit.frequent.care_plan_figure`.

    Parameters
    ----------
    panel : pandas.DataFrame
        As :func:`care_plan_panel` returns it.

    Returns
    -------
    pandas.DataFrame
        ``group`` (``plan`` or ``comparison``), ``month``, ``n_persons``
        (followed that month), ``n_contacts``, ``person_days``, ``rate``
        (contacts per person per month of 365.25 / 12 days), ``ci_low``,
        ``ci_high`` (a ratio estimator's normal interval over persons, so
        that persons, not contacts, are the units).

    Examples
    --------
    >>> panel = pd.DataFrame({"lopenr": [1, 1, 2, 2], "planned": [True, True, False, False],
    ...                       "month": [-1, 0, -1, 0], "after": [False, True, False, True],
    ...                       "n_contacts": [4, 2, 6, 6], "days": [30, 30, 30, 15]})
    >>> care_plan_monthly(panel)[["group", "month", "n_contacts", "rate"]].round(2)
            group  month  n_contacts  rate
    0  comparison     -1           6  6.09
    1  comparison      0           6  12.18
    2        plan     -1           4  4.06
    3        plan      0           2  2.03
    """
    data = panel[panel["days"] > 0].copy()
    data["group"] = np.where(data["planned"].astype(bool), "plan", "comparison")
    rows = []
    for (group, month), g in data.groupby(["group", "month"], sort=True):
        n, d = g["n_contacts"].to_numpy(float), g["days"].to_numpy(float)
        m = len(g)
        ratio = n.sum() / d.sum()
        if m > 1:
            se = np.sqrt(((n - ratio * d) ** 2).sum() * m / (m - 1)) / d.sum()
        else:
            se = np.nan
        rows.append((group, int(month), g["lopenr"].nunique(), int(n.sum()), int(d.sum()),
                     ratio * MONTH_DAYS, max(0.0, (ratio - 1.959964 * se) * MONTH_DAYS),
                     (ratio + 1.959964 * se) * MONTH_DAYS))
    return pd.DataFrame(rows, columns=["group", "month", "n_persons", "n_contacts",
                                       "person_days", "rate", "ci_low", "ci_high"])


def care_plan_effects(rule: Readmissions, *, months: int = 12, threshold: int = 10
                      ) -> pd.DataFrame:
    """:func:`care_plan_rate_ratios` of :func:`care_plan_panel`: what care plans change.

    Parameters
    ----------
    rule : readmit.Readmissions
    months, threshold
        As :func:`care_plan_panel`.

    Returns
    -------
    pandas.DataFrame
        As :func:`care_plan_rate_ratios`.

    Examples
    --------
    The tiny example extract has four frequent users with a care plan and four without:

    >>> import readmit
    >>> with readmit.open(readmit.datasets.example_extract()) as ex:
    ...     effects = care_plan_effects(readmit.Readmissions(ex))
    >>> effects[["estimate", "n_plan", "n_comparison"]]
                        estimate  n_plan  n_comparison
    0          plan_before_after       4             0
    1    comparison_before_after       0             4
    2  difference_in_differences       4             4
    """
    return care_plan_rate_ratios(care_plan_panel(rule, months=months, threshold=threshold))
