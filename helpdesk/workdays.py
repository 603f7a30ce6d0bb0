"""The working-day calendar: French public holidays, regional variants and
closure periods, for the requester timers (reminders, automatic closures).

Rules, exact to the day, in Europe/Paris:

- A *working day* is Monday to Friday, not a public holiday of the
  institution's region, and not inside one of its closure periods (or a
  global one). Closure days are days on which requester timers do not run.
- ``add_working_days(start, n)`` is the n-th working day strictly after
  ``start``'s day (the day of the event itself never counts);
  ``working_days_between(a, b)`` counts the working days in ``(a, b]``, so
  ``working_days_between(a, add_working_days(a, n)) == n``.
- Dates in, dates out. An aware datetime comes back in Europe/Paris with the
  same *local* time of day, whatever DST did in between. Naive datetimes are
  refused: with ``USE_TZ`` they are always a bug.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TypeVar
from zoneinfo import ZoneInfo

import holidays
from holidays.countries.france import France

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
WORKING_DAYS = "working"  # = catalogue.models.TimerUnit.WORKING_DAYS
CALENDAR_DAYS = "calendar"  # = catalogue.models.TimerUnit.CALENDAR_DAYS

# What an administrator may type in Institution.holiday_region, mapped to the
# subdivision codes of holidays==0.109 for France. "57" (Moselle) and "6AE"
# (Alsace) both add Good Friday and 26 December. The school-holiday zones A/B/C
# change no public holiday, so they mean metropolitan France here. Overseas
# departments and collectivities keep their own code (971 Guadeloupe…).
_REGION_ALIASES: dict[str, str | None] = {
    "": None,
    "fr": None,
    "metropole": None,
    "métropole": None,
    "zone a": None,
    "zone b": None,
    "zone c": None,
    "alsace-moselle": "57",
    "alsace moselle": "57",
    "67": "6AE",
    "68": "6AE",
    "bas-rhin": "6AE",
    "haut-rhin": "6AE",
}

Day = TypeVar("Day", date, datetime)


def resolve_holiday_region(region: str) -> str | None:
    """The ``holidays`` subdivision code for ``region`` (None = metropolitan France).

    Accepts the package's codes ("57", "6AE", "971"…), its aliases ("Moselle",
    "Alsace", "Guadeloupe"…, case-insensitive) and a few usual spellings
    ("alsace-moselle", "67", "68"). Raises ``ValueError`` for anything else.
    """
    key = (region or "").strip()
    if key.lower() in _REGION_ALIASES:
        return _REGION_ALIASES[key.lower()]
    for code in France.subdivisions:
        if code.lower() == key.lower():
            return None if code.startswith("Zone") else code
    for alias, code in France.subdivisions_aliases.items():
        if alias.lower() == key.lower():
            return code
    raise ValueError(f"Unknown French holiday region: {region!r}")


@lru_cache(maxsize=256)
def _public_holidays(subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.France(subdiv=subdivision, years=year, categories=("public",)).keys())


@dataclass(frozen=True)
class WorkCalendar:
    """Public holidays of one region plus a set of closure periods (inclusive ranges)."""

    subdivision: str | None = None
    closures: tuple[tuple[date, date], ...] = field(default=())

    @classmethod
    def for_region(cls, region: str = "", *, closures: Iterable[tuple[date, date]] = ()) -> WorkCalendar:
        return cls(subdivision=resolve_holiday_region(region), closures=tuple(sorted(closures)))

    def is_public_holiday(self, day: date) -> bool:
        return day in _public_holidays(self.subdivision, day.year)

    def closure_containing(self, day: date) -> tuple[date, date] | None:
        for start, end in self.closures:
            if start <= day <= end:
                return start, end
        return None

    def is_closed(self, day: date) -> bool:
        return self.closure_containing(day) is not None


# --- Day arithmetic -----------------------------------------------------------


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("A naive datetime has no place in the working-day calendar; make it aware.")
        return value.astimezone(PARIS).date()
    return value


def _with_date(original: Day, day: date) -> Day:
    """``day`` at ``original``'s local Paris time of day (a datetime if it was one)."""
    if not isinstance(original, datetime):
        return day
    local = original.astimezone(PARIS)
    moved = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=PARIS).replace(fold=local.fold)
    # A wall time that does not exist (the spring-forward gap) is normalised
    # to the instant it designates, e.g. 02:30 → 03:30 CEST.
    return moved.astimezone(ZoneInfo("UTC")).astimezone(PARIS)


def is_working_day(day: date | datetime, calendar: WorkCalendar) -> bool:
    """Monday to Friday, not a public holiday, not in a closure period."""
    d = _local_date(day)
    return d.weekday() < 5 and not calendar.is_public_holiday(d) and not calendar.is_closed(d)


def add_working_days(start: Day, n: int, calendar: WorkCalendar) -> Day:
    """The n-th working day after ``start`` (before it if ``n`` is negative);
    ``n == 0`` returns ``start`` unchanged."""
    day = _local_date(start)
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    if remaining == 0:
        return start
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, calendar):
            remaining -= 1
    return _with_date(start, day)


def _weekdays_before(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to ``day`` excluded."""
    weeks, rest = divmod(day.toordinal() - 1, 7)
    return weeks * 5 + min(rest, 5)


def _weekdays_in(first: date, last: date) -> int:
    """Mondays to Fridays in ``[first, last]`` (0 when ``last`` is before ``first``)."""
    return max(0, _weekdays_before(last + timedelta(days=1)) - _weekdays_before(first))


@lru_cache(maxsize=256)
def _merged_closures(closures: tuple[tuple[date, date], ...]) -> tuple[tuple[date, date], ...]:
    """The closure periods with overlapping or touching ones joined, in order."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(closures):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def working_days_between(a: date | datetime, b: date | datetime, calendar: WorkCalendar) -> int:
    """Working days in ``(a, b]`` by local date; negative when ``b`` is before ``a``.

    Counted, not walked: the weekdays of the span, less the weekdays inside closure periods,
    less the public holidays on a weekday outside them — the queue computes a ticket's age
    on each of its rows, and walking two years day by day cost 1 ms a row (issue 22)."""
    first, last = _local_date(a), _local_date(b)
    if last < first:
        return -working_days_between(b, a, calendar)
    start = first + timedelta(days=1)
    if last < start:
        return 0
    count = _weekdays_in(start, last)
    merged = _merged_closures(calendar.closures)
    closures = [(max(s, start), min(e, last)) for s, e in merged if s <= last and e >= start]
    count -= sum(_weekdays_in(s, e) for s, e in closures)
    for year in range(start.year, last.year + 1):
        for day in _public_holidays(calendar.subdivision, year):
            if start <= day <= last and day.weekday() < 5 and not any(s <= day <= e for s, e in closures):
                count -= 1
    return count


def add_calendar_days(start: Day, n: int) -> Day:
    """``n`` calendar days later, keeping the local time of day across DST."""
    return _with_date(start, _local_date(start) + timedelta(days=n))


def next_working_day_outside_closure(day: Day, calendar: WorkCalendar) -> Day:
    """``day`` itself unless it falls inside a closure period; then the first
    working day after that closure (and any closure or holiday that follows).

    Used for deadlines, so that no automatic closure happens while an agency
    is closed, even when the closure was declared after the deadline was set.
    """
    d = _local_date(day)
    if not calendar.is_closed(d):
        return day
    while not is_working_day(d, calendar):
        d += timedelta(days=1)
    return _with_date(day, d)


def add_days(start: Day, n: int, *, unit: str, calendar: WorkCalendar) -> Day:
    """A timer deadline: ``n`` working or calendar days after ``start``
    (``unit`` is a ``catalogue.TimerUnit`` value), moved out of any closure."""
    if unit == WORKING_DAYS:
        deadline = add_working_days(start, n, calendar)
    elif unit == CALENDAR_DAYS:
        deadline = add_calendar_days(start, n)
    else:
        raise ValueError(f"Unknown timer unit: {unit!r}")
    return next_working_day_outside_closure(deadline, calendar)
