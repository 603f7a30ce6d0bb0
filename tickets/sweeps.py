"""The scheduler's side of the requester timers: due reminders and automatic closures.

Each sweep reads only due rows, through the partial indexes of ``Ticket``
(``tickets_remind_due``, ``tickets_expire_due``: their cost follows the due
rows, not the whole table), in batches, and acts on each batch through the
workflow's batch doors ``tickets_remind`` / ``tickets_expire`` (one UPDATE per
group, history events and outbox mails in one INSERT each, same
transaction; see ``tickets.workflow.batch``).

Two beats may run the same sweep at once (a deploy overlapping, a beat on
two hosts). On PostgreSQL a batch is locked with ``SELECT … FOR UPDATE SKIP
LOCKED``, so concurrent sweeps take different tickets; everywhere, the
workflow's conditional save (``UPDATE … WHERE version = <loaded>``) and its
guards (not reminded yet, still waiting) refuse a second reminder or a
second closure. Either way: one reminder, one closure.

No timer fires inside a closure period of the ticket's institution (or a
global one): a deadline found inside one at sweep time — even a period added
after the deadline was set — is moved to the first working day after it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.calendars import calendar_for_institution
from helpdesk.workdays import PARIS, WorkCalendar, next_working_day_outside_closure
from tickets import workflow as wf
from tickets.models import Ticket
from tickets.status import WAITING_REQUESTER

logger = logging.getLogger(__name__)


@dataclass
class TimerReport:
    done: int = 0
    postponed: int = 0
    refused: int = 0


def due_for_reminder(now: datetime):
    """Waiting tickets whose reminder is due (the predicate of ``tickets_remind_due``)."""
    return Ticket.objects.filter(
        status__in=WAITING_REQUESTER, remind_at__isnull=False, reminded_at__isnull=True, remind_at__lte=now
    ).order_by("remind_at")


def due_for_expiry(now: datetime):
    """Waiting tickets whose automatic closure is due (the predicate of ``tickets_expire_due``).

    A ticket whose reminder has not gone out yet waits for it: nobody is
    closed without having been reminded (the reminder sweep runs first).
    """
    return (
        Ticket.objects.filter(status__in=WAITING_REQUESTER, expire_at__isnull=False, expire_at__lte=now)
        .exclude(remind_at__isnull=False, reminded_at__isnull=True)
        .order_by("expire_at")
    )


def postponed_deadline(deadline: datetime, now: datetime, calendar: WorkCalendar) -> datetime | None:
    """The new deadline if ``deadline`` (due by ``now``) falls in a closure
    period or today is a closure day; None if the timer may fire now."""
    moved = next_working_day_outside_closure(deadline, calendar)
    if moved <= now and calendar.is_closed(now.astimezone(PARIS).date()):
        moved = next_working_day_outside_closure(now, calendar)
    return moved if moved > now else None


def send_due_reminders(*, now: datetime | None = None, batch_size: int | None = None) -> TimerReport:
    return _sweep(due_for_reminder, "remind_at", wf.tickets_remind, now=now, batch_size=batch_size)


def expire_due_tickets(*, now: datetime | None = None, batch_size: int | None = None) -> TimerReport:
    return _sweep(
        due_for_expiry, "expire_at", lambda *, tickets, calendars: wf.tickets_expire(tickets=tickets),
        now=now, batch_size=batch_size,
    )  # fmt: skip


def _sweep(select, field: str, batch_door, *, now: datetime | None, batch_size: int | None, time_budget: float = 240.0):
    now = now or timezone.now()
    batch_size = batch_size or settings.GUICHET_TIMER_BATCH_SIZE
    report = TimerReport()
    calendars: dict[int | None, WorkCalendar] = {}
    skipped: set[int] = set()  # refused in this run: not selected again
    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline:
        with transaction.atomic():
            batch = _lock_batch(select(now).exclude(pk__in=skipped), batch_size)
            if not batch:
                break
            due = []
            for ticket in batch:
                if ticket.institution_id not in calendars:
                    calendars[ticket.institution_id] = calendar_for_institution(ticket.institution)
                moved = postponed_deadline(getattr(ticket, field), now, calendars[ticket.institution_id])
                if moved is None:
                    due.append(ticket)
                    continue
                # Conditional: a concurrent sweep or action that changed the row wins.
                try:
                    wf.ticket_postpone_timer(ticket=ticket, field=field, until=moved, expected_version=ticket.version)
                except wf.ActionRefused:
                    skipped.add(ticket.pk)
                else:
                    report.postponed += 1
            # The rest in sets: one UPDATE per group, the events and the mails in one INSERT each.
            outcome = batch_door(tickets=due, calendars=calendars)
            report.done += len(outcome.events)
            for ticket, exc in outcome.refused:  # changed meanwhile (stale, answered…): nothing to do
                logger.info("timers: %s refused on #%s (%s)", field, ticket.reference, exc)
                skipped.add(ticket.pk)
                report.refused += 1
    return report


def _lock_batch(queryset, batch_size: int) -> list[Ticket]:
    # What the sweep and its mails read: the delays (category), the calendar
    # (institution), the recipient (requester) — not the other relations.
    queryset = queryset.select_related("category", "institution", "requester")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset[:batch_size])
