"""Age and running requester timer of the queue's rows, in working days.

Each institution's calendar (public holidays of its region, closure periods)
comes from one query for the whole page, so the queue's query count does not
grow with its rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.calendars import calendars_for_institutions
from helpdesk.workdays import working_days_between
from tickets.models import Ticket
from tickets.status import WAITING_REQUESTER


@dataclass(frozen=True)
class RowTiming:
    age: int  # working days since filing (until closure for a closed ticket)
    closes_in: int | None  # working days before the automatic closure of an ARS/AVS ticket


def timings(tickets: list[Ticket], *, now: datetime.datetime | None = None) -> dict[int, RowTiming]:
    """``RowTiming`` of each ticket, by pk."""
    now = now or timezone.now()
    calendars = calendars_for_institutions([t.institution for t in tickets]) if tickets else {}
    result = {}
    for ticket in tickets:
        calendar = calendars[ticket.institution_id]
        end = ticket.closed_at or now
        closes_in = None
        if ticket.status in WAITING_REQUESTER and ticket.expire_at is not None:
            closes_in = max(0, working_days_between(now, ticket.expire_at, calendar))
        age = max(0, working_days_between(ticket.created, end, calendar))
        result[ticket.pk] = RowTiming(age=age, closes_in=closes_in)
    return result
