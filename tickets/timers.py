"""Requester timers (ARS, AVS): when to remind, when to close automatically.

``on_status_change`` is called by every workflow action that changes the
status: entering a waiting-on-requester state sets ``remind_at`` and
``expire_at`` (reminder after N days, closure M days after the reminder,
N and M from the category or the settings); leaving it clears them. The
scheduler (``tickets.workflow.ticket_remind`` / ``ticket_expire``) selects
due rows through the partial indexes on these fields.

Working days come from ``helpdesk.workdays`` (public holidays) and
``accounts.calendars`` (each institution's closure periods); a category may
count calendar days instead.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from accounts.calendars import calendar_for_institution
from catalogue.models import TimerUnit
from helpdesk.workdays import PARIS, WorkCalendar, add_days, add_working_days
from tickets.status import WAITING_REQUESTER

if TYPE_CHECKING:
    from tickets.models import Ticket

TIMER_FIELDS = ("remind_at", "expire_at", "reminded_at")


def delays(ticket: Ticket) -> tuple[int, int]:
    category = ticket.category
    # 0 is a real value for the reminder ("no reminder"): only None means "the default".
    reminder = settings.GUICHET_REMINDER_DELAY_DAYS if category.reminder_delay is None else category.reminder_delay
    closure = category.closure_delay or settings.GUICHET_CLOSURE_DELAY_DAYS
    return reminder, closure


def compute_deadlines(ticket: Ticket, start: datetime.datetime) -> tuple[datetime.datetime | None, datetime.datetime]:
    """``(remind_at, expire_at)`` for a ticket entering ARS or AVS at ``start``;
    no reminder (None) when the category's reminder delay is 0."""
    reminder, closure = delays(ticket)
    if reminder == 0:
        return None, _deadline_after(ticket, start, closure)
    if ticket.category.timer_unit == TimerUnit.CALENDAR_DAYS:
        remind_at = start + datetime.timedelta(days=reminder)
        return remind_at, remind_at + datetime.timedelta(days=closure)
    calendar = calendar_for_institution(ticket.institution)
    remind_at = add_working_days(start, reminder, calendar)
    return remind_at, add_working_days(remind_at, closure, calendar)


def _deadline_after(ticket: Ticket, start: datetime.datetime, days: int) -> datetime.datetime:
    if ticket.category.timer_unit == TimerUnit.CALENDAR_DAYS:
        return start + datetime.timedelta(days=days)
    return add_working_days(start, days, calendar_for_institution(ticket.institution))


def on_status_change(ticket: Ticket, *, now: datetime.datetime | None = None) -> list[str]:
    """Set or clear the timers for the ticket's new status; return the fields to save."""
    now = now or timezone.now()
    if ticket.status in WAITING_REQUESTER:
        ticket.remind_at, ticket.expire_at = compute_deadlines(ticket, now)
    else:
        ticket.remind_at = ticket.expire_at = None
    ticket.reminded_at = None
    return list(TIMER_FIELDS)


def after_reminder(
    ticket: Ticket, now: datetime.datetime, *, calendar: WorkCalendar | None = None
) -> dict[str, datetime.datetime]:
    """The fields to change when the reminder goes out at ``now``.

    The closure comes M days after the *reminder*: a reminder sent late (the
    beat was down, or the reminder waited for the end of a closure period)
    pushes the closure back so that the requester still gets the full delay.
    ``calendar``: the institution's, if the caller already read it (a sweep).
    """
    _reminder, closure = delays(ticket)
    calendar = calendar or calendar_for_institution(ticket.institution)
    earliest = add_days(now, closure, unit=ticket.category.timer_unit, calendar=calendar)
    planned = ticket.expire_at
    if planned is None or earliest.astimezone(PARIS).date() > planned.astimezone(PARIS).date():
        return {"expire_at": earliest}
    return {}
