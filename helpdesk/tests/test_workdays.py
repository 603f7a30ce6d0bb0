"""The working-day calendar, against real French calendars (2024–2027)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from accounts.calendars import calendar_for_institution
from accounts.models import ClosurePeriod, Institution
from helpdesk.workdays import (
    CALENDAR_DAYS,
    PARIS,
    WORKING_DAYS,
    WorkCalendar,
    add_calendar_days,
    add_days,
    add_working_days,
    is_working_day,
    next_working_day_outside_closure,
    resolve_holiday_region,
    working_days_between,
)

METROPOLE = WorkCalendar()
ALSACE = WorkCalendar.for_region("Alsace")  # 6AE
MOSELLE = WorkCalendar.for_region("57")
NEW_YEAR_CLOSURE = WorkCalendar(closures=((date(2025, 12, 22), date(2026, 1, 2)),))
SUMMER_CLOSURE = WorkCalendar(closures=((date(2025, 7, 28), date(2025, 8, 22)),))
D = date


@pytest.mark.parametrize(
    ("label", "calendar", "start", "n", "expected"),
    [
        ("plain week", METROPOLE, D(2025, 3, 10), 5, D(2025, 3, 17)),
        ("Saturday start", METROPOLE, D(2025, 3, 15), 1, D(2025, 3, 17)),
        ("Sunday start", METROPOLE, D(2025, 3, 16), 5, D(2025, 3, 21)),
        ("Friday start", METROPOLE, D(2025, 3, 14), 5, D(2025, 3, 21)),
        ("Good Friday is worked in metropolitan France", METROPOLE, D(2025, 4, 17), 1, D(2025, 4, 18)),
        ("Easter Monday", METROPOLE, D(2025, 4, 18), 1, D(2025, 4, 22)),
        ("ARS 5 days across Easter", METROPOLE, D(2025, 4, 14), 5, D(2025, 4, 22)),
        ("Alsace: Good Friday and Easter Monday", ALSACE, D(2025, 4, 17), 1, D(2025, 4, 22)),
        ("Alsace: ARS 5 days across Easter", ALSACE, D(2025, 4, 14), 5, D(2025, 4, 23)),
        ("Moselle: Good Friday", MOSELLE, D(2025, 4, 17), 1, D(2025, 4, 22)),
        ("1 May", METROPOLE, D(2025, 4, 30), 1, D(2025, 5, 2)),
        ("8 May", METROPOLE, D(2025, 5, 7), 1, D(2025, 5, 9)),
        ("Ascension", METROPOLE, D(2025, 5, 28), 1, D(2025, 5, 30)),
        ("Whit Monday", METROPOLE, D(2025, 6, 6), 1, D(2025, 6, 10)),
        ("14 July", METROPOLE, D(2025, 7, 11), 1, D(2025, 7, 15)),
        ("15 August", METROPOLE, D(2025, 8, 14), 1, D(2025, 8, 18)),
        ("1 November", METROPOLE, D(2024, 10, 31), 1, D(2024, 11, 4)),
        ("11 November", METROPOLE, D(2025, 11, 10), 1, D(2025, 11, 12)),
        ("Christmas, 26 December worked", METROPOLE, D(2025, 12, 24), 1, D(2025, 12, 26)),
        ("Alsace: 26 December", ALSACE, D(2025, 12, 24), 1, D(2025, 12, 29)),
        ("Moselle: 26 December", MOSELLE, D(2025, 12, 24), 1, D(2025, 12, 29)),
        ("New Year's Day", METROPOLE, D(2025, 12, 31), 1, D(2026, 1, 2)),
        ("closure across New Year", NEW_YEAR_CLOSURE, D(2025, 12, 19), 1, D(2026, 1, 5)),
        ("5 days across the New Year closure", NEW_YEAR_CLOSURE, D(2025, 12, 18), 5, D(2026, 1, 8)),
        ("start inside the closure", NEW_YEAR_CLOSURE, D(2025, 12, 24), 1, D(2026, 1, 5)),
        ("summer closure", SUMMER_CLOSURE, D(2025, 7, 25), 5, D(2025, 8, 29)),
        ("zero days", METROPOLE, D(2025, 3, 15), 0, D(2025, 3, 15)),
        ("backwards across Easter", METROPOLE, D(2025, 4, 22), -1, D(2025, 4, 18)),
    ],
)
def test_add_working_days_real_dates(label, calendar, start, n, expected):
    assert add_working_days(start, n, calendar) == expected


@pytest.mark.parametrize(
    ("calendar", "a", "b", "expected"),
    [
        (METROPOLE, D(2025, 3, 31), D(2025, 4, 30), 21),  # April 2025: 22 weekdays − Easter Monday
        (METROPOLE, D(2025, 4, 30), D(2025, 5, 31), 19),  # May 2025: 22 weekdays − 1, 8, 29 May
        (ALSACE, D(2025, 3, 31), D(2025, 4, 30), 20),  # − Good Friday as well
        (METROPOLE, D(2025, 12, 19), D(2026, 1, 5), 9),  # − 25 Dec, 1 Jan
        (NEW_YEAR_CLOSURE, D(2025, 12, 19), D(2026, 1, 5), 1),
        (METROPOLE, D(2025, 3, 17), D(2025, 3, 17), 0),
        (METROPOLE, D(2025, 3, 21), D(2025, 3, 14), -5),
    ],
)
def test_working_days_between_real_dates(calendar, a, b, expected):
    assert working_days_between(a, b, calendar) == expected


OVERLAPPING_CLOSURES = WorkCalendar.for_region(
    "Alsace",
    closures=[(D(2025, 12, 22), D(2026, 1, 2)), (D(2025, 12, 30), D(2026, 1, 9)), (D(2026, 1, 10), D(2026, 1, 12)),
              (D(2025, 5, 1), D(2025, 5, 1)), (D(2024, 7, 29), D(2024, 8, 16))],
)  # fmt: skip


def _walked_working_days(first: date, last: date, calendar: WorkCalendar) -> int:
    """The definition, day by day: working days in ``(first, last]``."""
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    return sum(1 for day in days if is_working_day(day, calendar))


@pytest.mark.parametrize("calendar", [METROPOLE, ALSACE, NEW_YEAR_CLOSURE, SUMMER_CLOSURE, OVERLAPPING_CLOSURES])
def test_working_days_between_counts_what_walking_the_days_counts(calendar):
    # Every span of up to 9 days starting on each day of 2024–2026, and a few spans of years.
    for start in range(3 * 366):
        for length in (0, 1, 2, 3, 6, 9):
            first = D(2024, 1, 1) + timedelta(days=start)
            last = first + timedelta(days=length)
            assert working_days_between(first, last, calendar) == _walked_working_days(first, last, calendar)
    for first, last in [(D(2023, 11, 3), D(2026, 2, 27)), (D(2024, 12, 31), D(2026, 1, 1))]:
        assert working_days_between(first, last, calendar) == _walked_working_days(first, last, calendar)
        assert working_days_between(last, first, calendar) == -_walked_working_days(first, last, calendar)


@pytest.mark.parametrize("n", [0, 1, 5, 10, 23])
def test_working_days_between_inverts_add_working_days(n):
    for start in (D(2025, 4, 14), D(2025, 12, 20), D(2025, 5, 1)):
        assert working_days_between(start, add_working_days(start, n, NEW_YEAR_CLOSURE), NEW_YEAR_CLOSURE) == n


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (METROPOLE, D(2025, 4, 21), False),  # Easter Monday
        (METROPOLE, D(2025, 4, 18), True),  # Good Friday
        (ALSACE, D(2025, 4, 18), False),
        (METROPOLE, D(2025, 12, 26), True),
        (ALSACE, D(2025, 12, 26), False),
        (METROPOLE, D(2025, 3, 15), False),  # Saturday
        (NEW_YEAR_CLOSURE, D(2025, 12, 29), False),  # a Monday inside the closure
        (METROPOLE, D(2025, 12, 29), True),
    ],
)
def test_is_working_day_real_dates(calendar, day, expected):
    assert is_working_day(day, calendar) == expected


def paris(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Spring forward on Sunday 30 March 2025: 10:00 CET → 10:00 CEST.
        (paris(2025, 3, 28, 10), 1, paris(2025, 3, 31, 10)),
        # Fall back on Sunday 26 October 2025: 16:30 CEST → 16:30 CET.
        (paris(2025, 10, 24, 16, 30), 1, paris(2025, 10, 27, 16, 30)),
        # A UTC instant is read in Paris: 23:30 UTC on Friday is Saturday 00:30 in Paris.
        (datetime(2025, 3, 28, 23, 30, tzinfo=UTC), 1, paris(2025, 3, 31, 0, 30)),
    ],
)
def test_add_working_days_keeps_local_time_across_dst(start, n, expected):
    result = add_working_days(start, n, METROPOLE)
    assert result == expected
    assert (result.tzinfo, result.time()) == (PARIS, expected.time())


def test_add_working_days_dst_changes_the_utc_offset():
    before = paris(2025, 3, 28, 10)
    after = add_working_days(before, 1, METROPOLE)
    assert (before.utcoffset().total_seconds(), after.utcoffset().total_seconds()) == (3600, 7200)
    # Same-tzinfo subtraction in Python is wall-clock; compare the instants in UTC.
    assert (after.astimezone(UTC) - before.astimezone(UTC)).total_seconds() == 3 * 86400 - 3600


def test_add_calendar_days_keeps_local_time_across_dst():
    assert add_calendar_days(paris(2025, 10, 20, 9), 15) == paris(2025, 11, 4, 9)
    assert add_calendar_days(paris(2025, 10, 25, 9), 1).time() == time(9)
    # 02:30 does not exist on 30 March 2025: the same instant is 03:30 CEST.
    assert add_calendar_days(paris(2025, 3, 29, 2, 30), 1) == paris(2025, 3, 30, 3, 30)


def test_add_working_days_rejects_naive_datetime():
    with pytest.raises(ValueError):
        add_working_days(datetime(2025, 3, 28, 10), 1, METROPOLE)


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (SUMMER_CLOSURE, D(2025, 8, 5), D(2025, 8, 25)),
        (SUMMER_CLOSURE, D(2025, 7, 26), D(2025, 7, 26)),  # a Saturday outside: unchanged
        (NEW_YEAR_CLOSURE, D(2025, 12, 25), D(2026, 1, 5)),
        (WorkCalendar(closures=((D(2025, 12, 24), D(2025, 12, 31)),)), D(2025, 12, 30), D(2026, 1, 2)),
        (ALSACE, D(2025, 12, 26), D(2025, 12, 26)),  # a holiday is no closure
    ],
)
def test_next_working_day_outside_closure_real_dates(calendar, day, expected):
    assert next_working_day_outside_closure(day, calendar) == expected


def test_next_working_day_outside_closure_keeps_time_of_day():
    assert next_working_day_outside_closure(paris(2025, 8, 5, 14, 15), SUMMER_CLOSURE) == paris(2025, 8, 25, 14, 15)


@pytest.mark.parametrize(
    ("calendar", "start", "n", "unit", "expected"),
    [
        # Caen: solved tickets close after 15 calendar days…
        (METROPOLE, paris(2025, 12, 15, 9), 15, CALENDAR_DAYS, paris(2025, 12, 30, 9)),
        # …but not while the service is closed.
        (NEW_YEAR_CLOSURE, paris(2025, 12, 15, 9), 15, CALENDAR_DAYS, paris(2026, 1, 5, 9)),
        (METROPOLE, paris(2025, 4, 14, 11), 5, WORKING_DAYS, paris(2025, 4, 22, 11)),
        (SUMMER_CLOSURE, paris(2025, 7, 21, 11), 5, WORKING_DAYS, paris(2025, 8, 25, 11)),
    ],
)
def test_add_days_by_unit(calendar, start, n, unit, expected):
    assert add_days(start, n, unit=unit, calendar=calendar) == expected


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("", None),
        ("Alsace-Moselle", "57"),
        ("57", "57"),
        ("moselle", "57"),
        ("67", "6AE"),
        ("6AE", "6AE"),
        ("Guadeloupe", "971"),
        ("974", "974"),
        ("Zone B", None),
    ],
)
def test_resolve_holiday_region_accepts_codes_and_names(region, expected):
    assert resolve_holiday_region(region) == expected


def test_resolve_holiday_region_rejects_unknown():
    with pytest.raises(ValueError):
        resolve_holiday_region("Bavière")


@pytest.mark.django_db
def test_calendar_for_institution_loads_own_and_global_closures(
    institution, other_institution, django_assert_num_queries
):
    institution.holiday_region = "Alsace-Moselle"
    institution.save()
    ClosurePeriod.objects.create(label="Agence", institution=None, start=D(2025, 12, 22), end=D(2026, 1, 2))
    ClosurePeriod.objects.create(label="Été", institution=institution, start=D(2025, 7, 28), end=D(2025, 8, 22))
    ClosurePeriod.objects.create(label="Autre", institution=other_institution, start=D(2025, 5, 5), end=D(2025, 5, 9))
    with django_assert_num_queries(1):
        calendar = calendar_for_institution(institution)
    assert calendar == WorkCalendar(
        subdivision="57",
        closures=((D(2025, 7, 28), D(2025, 8, 22)), (D(2025, 12, 22), D(2026, 1, 2))),
    )
    assert calendar_for_institution(None) == WorkCalendar(closures=((D(2025, 12, 22), D(2026, 1, 2)),))


@pytest.mark.django_db
def test_calendar_for_institution_unknown_region_is_metropolitan(caplog):
    institution = Institution.objects.create(name="Typo", code="typo", holiday_region="Atlantis")
    assert calendar_for_institution(institution) == WorkCalendar()
    assert "unknown holiday region" in caplog.text


def test_closure_added_after_deadline_moves_it():
    """A deadline computed before the closure was declared still moves out of it."""
    deadline = add_days(paris(2025, 7, 21, 11), 5, unit=WORKING_DAYS, calendar=METROPOLE)
    assert deadline == paris(2025, 7, 28, 11)
    assert next_working_day_outside_closure(deadline, SUMMER_CLOSURE) == paris(2025, 8, 25, 11)
