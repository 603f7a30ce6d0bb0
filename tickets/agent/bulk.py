"""Bulk actions on the queue: each ticket goes through its own workflow door, one at a time.

A refused ticket is reported with the door's reason, never skipped silently;
the others are done (each door is its own transaction). Each ticket carries
the version the agent saw on the queue page: a ticket changed since then is
refused with ``StaleTicket`` (the agent acted on what they no longer see).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets import workflow as wf
from tickets.models import Ticket

BULK_ACTIONS = {
    "take": gettext_lazy("Prendre en charge"),
    "assign": gettext_lazy("Confier à"),
    "priority": gettext_lazy("Requalifier la priorité"),
    "transfer": gettext_lazy("Transférer vers la catégorie"),
}
MAX_TICKETS = 200


@dataclass
class BulkResult:
    reference: int
    title: str
    done: bool
    message: str = ""
    stale: bool = False


def run_bulk(
    *,
    user: Any,
    action: str,
    tickets: list[tuple[int, int]],
    assignee: Any = None,
    priority: int | None = None,
    category: Any = None,
    reason: str = "",
) -> list[BulkResult]:
    """``tickets``: ``(reference, version seen)`` pairs, at most ``MAX_TICKETS``."""
    tickets = tickets[:MAX_TICKETS]
    found = {
        t.reference: t
        for t in Ticket.objects.visible_to(user)
        .filter(reference__in=[reference for reference, _version in tickets])
        .select_related("category", "service", "assignee", "requester")
    }
    results = []
    for reference, version in tickets:
        ticket = found.get(reference)
        if ticket is None:
            results.append(BulkResult(reference, "", False, _("Demande introuvable.")))
            continue
        try:
            _run_one(
                ticket,
                user,
                action,
                assignee=assignee,
                priority=priority,
                category=category,
                reason=reason,
                version=version,
            )
        except wf.ActionRefused as exc:
            results.append(BulkResult(reference, ticket.title, False, exc.message, isinstance(exc, wf.StaleTicket)))
        else:
            results.append(BulkResult(reference, ticket.title, True))
    return results


def _run_one(ticket: Ticket, user: Any, action: str, *, assignee, priority, category, reason, version) -> None:
    if action == "take":
        wf.ticket_take(ticket=ticket, actor=user, expected_version=version)
    elif action == "assign":
        wf.ticket_assign(ticket=ticket, actor=user, assignee=assignee, expected_version=version)
    elif action == "priority":
        wf.ticket_requalify(ticket=ticket, actor=user, priority=priority, text=reason, expected_version=version)
    elif action == "transfer":
        wf.ticket_transfer(ticket=ticket, actor=user, category=category, text=reason, expected_version=version)
    else:
        raise ValueError(action)
