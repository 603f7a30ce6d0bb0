"""The rows of the agent's lists (queue, staff search) as plain values, computed once per page.

A list shows 50 tickets of a dozen columns; in the template each ``ticket.service.name``
is a failed dictionary lookup before the attribute, each label a lazy translation, each
``{% url %}`` a reverse and each date three formattings: 17–30 ms of the queue's time at
1,000,000 tickets (issue 22). Here the labels are translated once per status and priority,
the ticket address is reversed once, the dates are converted once, and the template reads
dictionary keys. What a row shows does not change: the templates keep the markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone

from tickets.agent.ages import RowTiming
from tickets.models import Ticket
from tickets.priority import priority_label
from tickets.status import TicketStatus

_PLACEHOLDER = 987654321


def _ticket_url() -> tuple[str, str]:
    """The agent ticket page's address around its reference (reversed once, not once a row)."""
    prefix, _, suffix = reverse("agent:ticket", args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    return prefix, suffix


def ticket_rows(
    tickets: Iterable[Ticket],
    *,
    dates: dict[str, str],
    timings: dict[int, RowTiming] | None = None,
    short_status: dict[Any, Any] | None = None,
) -> list[dict[str, Any]]:
    """One dictionary of display values per ticket (``select_related`` category, service, requester,
    assignee and institution, as the lists load them). ``dates``: the last activity in local time under
    each key, in a format of the ``date`` filter (``{"activity_day": "d/m H:i"}``); ``timings`` adds the
    working-day age and timer; ``short_status`` the short status badges."""
    prefix, suffix = _ticket_url()
    status_labels = {value: str(label) for value, label in TicketStatus.choices}
    short = {value: str(label) for value, label in (short_status or {}).items()}
    priorities: dict[tuple[int, bool | None], str] = {}
    rows = []
    for ticket in tickets:
        key = (ticket.priority, ticket.is_blocking)
        if key not in priorities:
            priorities[key] = priority_label(priority=ticket.priority, is_blocking=ticket.is_blocking)
        activity = timezone.localtime(ticket.last_activity_at)
        institution = ticket.institution
        row = {
            "ticket": ticket,
            "reference": ticket.reference,
            "version": ticket.version,
            "url": f"{prefix}{ticket.reference}{suffix}",
            "title": ticket.title,
            "requester": str(ticket.requester),
            "institution_name": institution.name if institution else "",
            "institution_short": institution.short_label if institution else "",
            "service_name": ticket.service.name,
            "category_name": ticket.category.name,
            "domain": ticket.domain,
            "priority": ticket.priority,
            "priority_label": priorities[key],
            "status_class": ticket.status.lower(),
            "status_label": status_labels.get(ticket.status, ticket.status),
            "short_status": short.get(ticket.status, status_labels.get(ticket.status, ticket.status)),
            "assignee": str(ticket.assignee) if ticket.assignee_id else "",
            "activity_iso": activity.isoformat(),
        }
        for key, date_format in dates.items():
            row[key] = formats.date_format(activity, date_format)
        if timings is not None:
            timing = timings[ticket.pk]
            row["age"], row["closes_in"] = timing.age, timing.closes_in
        rows.append(row)
    return rows
