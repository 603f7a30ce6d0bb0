"""Each institution's working-day calendar: its region's public holidays and the closure periods kept here.

``helpdesk.workdays`` does the day arithmetic and knows no model; this module
reads the rows it needs.
"""

from __future__ import annotations

import logging

from django.db.models import Q

from accounts.models import ClosurePeriod, Institution
from helpdesk.workdays import WorkCalendar, resolve_holiday_region

logger = logging.getLogger(__name__)


def calendar_for_institution(institution: Institution | None) -> WorkCalendar:
    """The calendar of ``institution`` or, for None, metropolitan France with the global closures only.

    One query: the institution's closure periods and the global ones. An
    unknown ``holiday_region`` is logged and treated as metropolitan France,
    so that a typo in admin cannot stop the timer sweeps.
    """
    scope = Q(institution__isnull=True)
    subdivision = None
    if institution is not None:
        scope |= Q(institution_id=institution.pk)
        try:
            subdivision = resolve_holiday_region(institution.holiday_region)
        except ValueError:
            logger.warning("institution %s: unknown holiday region %r", institution.pk, institution.holiday_region)
    closures = ClosurePeriod.objects.filter(scope).values_list("start", "end")
    return WorkCalendar(subdivision=subdivision, closures=tuple(sorted(closures)))


def calendars_for_institutions(institutions: list[Institution | None]) -> dict[int | None, WorkCalendar]:
    """``calendar_for_institution`` for several institutions at once (one query), keyed by pk (None: none)."""
    wanted = {inst.pk: inst for inst in institutions if inst is not None}
    closures: dict[int | None, list[tuple]] = {None: [], **{pk: [] for pk in wanted}}
    rows = ClosurePeriod.objects.filter(Q(institution__isnull=True) | Q(institution_id__in=list(wanted)))
    for institution_id, start, end in rows.values_list("institution_id", "start", "end"):
        closures[institution_id].append((start, end))
    calendars = {None: WorkCalendar(closures=tuple(sorted(closures[None])))}
    for pk, institution in wanted.items():
        try:
            subdivision = resolve_holiday_region(institution.holiday_region)
        except ValueError:
            logger.warning("institution %s: unknown holiday region %r", pk, institution.holiday_region)
            subdivision = None
        calendars[pk] = WorkCalendar(subdivision=subdivision, closures=tuple(sorted(closures[None] + closures[pk])))
    return calendars
