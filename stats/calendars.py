"""Working-day calendars by institution, for the statistics' delays (``stats.facts``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from accounts.models import ClosurePeriod, Institution
from helpdesk.workdays import WorkCalendar, resolve_holiday_region


class Calendars:
    """Working-day calendars by institution, built from two small queries at
    most per batch (institutions' regions, all closure periods) instead of one
    per ticket."""

    def __init__(self) -> None:
        self._closures: dict[int | None, list[tuple[date, date]]] | None = None
        self._calendars: dict[int | None, WorkCalendar] = {}

    def prepare(self, institution_ids: set[int | None]) -> None:
        missing = institution_ids - set(self._calendars)
        if not missing:
            return
        if self._closures is None:
            self._closures = defaultdict(list)
            for inst, start, end in ClosurePeriod.objects.values_list("institution_id", "start", "end"):
                self._closures[inst].append((start, end))
        regions = dict(Institution.objects.filter(pk__in=missing - {None}).values_list("pk", "holiday_region"))
        for inst in missing:
            try:
                subdivision = resolve_holiday_region(regions.get(inst, ""))
            except ValueError:  # a typo in admin: metropolitan France, as the timers do
                subdivision = None
            closures = self._closures[None] + (self._closures[inst] if inst is not None else [])
            self._calendars[inst] = WorkCalendar(subdivision=subdivision, closures=tuple(sorted(closures)))

    def __getitem__(self, institution_id: int | None) -> WorkCalendar:
        return self._calendars[institution_id]
