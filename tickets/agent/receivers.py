"""Keep the queue's cached status counts fresh: every ticket event forgets its service's counts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from catalogue.models import Service
from tickets.agent.queue import forget_counts
from tickets.signals import ticket_event_recorded


@receiver(ticket_event_recorded, dispatch_uid="agent_forget_queue_counts")
def forget_queue_counts(sender: Any, event: Any, **kwargs: Any) -> None:
    service_ids = [event.ticket.service_id]
    if "service" in event.changes:
        # A transfer: the old service's counts change too, and the event holds
        # its name only; forget every service (rare, and cheap to recount).
        service_ids = list(Service.objects.values_list("pk", flat=True))
    # Now (a reader in this request sees fresh counts) and after commit (a
    # reader that cached the old counts meanwhile does not keep them).
    forget_counts(service_ids)
    transaction.on_commit(lambda: forget_counts(service_ids))
