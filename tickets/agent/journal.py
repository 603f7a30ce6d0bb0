"""The journal: recent events of the tickets of my services, filterable by action and agent."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tickets.agent.queue import queue_services
from tickets.models import Ticket, TicketEvent


def journal_events(*, user: Any, action: str = "", actor_id: int | None = None) -> QuerySet[TicketEvent]:
    service_ids = queue_services(user).values("pk")
    tickets = Ticket.objects.visible_to(user).filter(service_id__in=service_ids)
    qs = TicketEvent.objects.filter(ticket__in=tickets)
    if action:
        qs = qs.filter(action=action)
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    return qs.select_related("ticket", "ticket__service", "actor").order_by("-created", "-pk")
