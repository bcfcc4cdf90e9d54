"""What the frequent-user analyses share: checks of their inputs and parameters."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from readmit.errors import ParameterError, ReadmitError

if TYPE_CHECKING:
    from readmit.rule import Readmissions

#: The measures of resource concentration (definitions.md, Frequent users).
MEASURES = ("bed_days", "drg_weight")
#: The services of ``akuttkontakter``: AMK and legevakt.
SERVICES = ("AMK", "LV")


def has_rows(rule: Readmissions, table: str) -> bool:
    """Whether the source table ``table`` exists in the extract and has a row."""
    found = rule.con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = $t", {"t": table}).fetchall()[0][0]
    if not found:
        return False
    return bool(rule.con.sql(f'SELECT 1 FROM main."{table}" LIMIT 1').fetchall())


def require_contacts(rule: Readmissions) -> None:
    """Raise :class:`ReadmitError` (one line) when the extract has no AMK or
    legevakt contacts (``akuttkontakter`` missing or empty)."""
    rule.extract.require("akuttkontakter", analysis="frequent users of AMK and legevakt")


def require_care_plans(rule: Readmissions) -> None:
    """Raise :class:`ReadmitError` when the extract has no care plans (``handlingsplaner``)."""
    require_contacts(rule)
    rule.extract.require("handlingsplaner", analysis="care plans")


def whole_number(value: Any, name: str, *, minimum: int = 1) -> int:
    """``value`` if it is a whole number >= ``minimum``; else ParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParameterError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return int(value)


def checked_measure(measure: str | None) -> str | None:
    """``measure`` if it is None or one of :data:`MEASURES`."""
    if measure is not None and measure not in MEASURES:
        raise ParameterError(f"measure must be one of {', '.join(MEASURES)} or None, "
                             f"not {measure!r}")
    return measure


def checked_service(service: str | None) -> str | None:
    """``service`` (``"AMK"`` or ``"LV"``, any case) or None for both."""
    if service is None:
        return None
    if not isinstance(service, str) or service.upper() not in SERVICES:
        raise ParameterError(f"service must be 'AMK', 'LV' or None (both), not {service!r}")
    return service.upper()


def year_bounds(rule: Readmissions) -> dict[str, int | None]:
    """The years the by-year tables report, as ``{"first_year": ..., "last_year": ...}``
    bindings: the rule's ``years``, or else the years of the readmission rates
    (:meth:`Readmissions.period`, computed cheaply): from the first discharge
    year in the extract to the year of the end of data less ``window_days`` -
    so a year holding only stays or contacts that spill over past the end of
    the data (a synthetic extract's 1 January) is not reported as a year."""
    p = rule._sql_params
    if p["first_year"] is not None:
        return {"first_year": p["first_year"], "last_year": p["last_year"]}
    first = rule.sql("SELECT min(year(discharge_date)) FROM stg_episodes").fetchall()[0][0]
    last = (rule.end_date - dt.timedelta(days=p["window_days"])).year
    return {"first_year": first, "last_year": last}


def year_filter(column: str = "year") -> str:
    """A SQL condition: ``column`` inside the rule's years (bound as ``$first_year`` and
    ``$last_year``; NULL: no bound)."""
    return (f"(CAST($first_year AS INTEGER) IS NULL OR {column} >= CAST($first_year AS INTEGER)) "
            f"AND (CAST($last_year AS INTEGER) IS NULL OR {column} <= CAST($last_year AS INTEGER))")
