"""Keep the queue's cached status counts fresh: every ticket event forgets its service's counts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from catalogue.models import Service
from tickets.agent.queue import forget_counts
from tickets.signals import ticket_event_recorded, ticket_events_recorded


@receiver(ticket_event_recorded, dispatch_uid="agent_forget_queue_counts")
def forget_queue_counts(sender: Any, event: Any, **kwargs: Any) -> None:
    service_ids = [event.ticket.service_id]
    if "service" in event.changes:
        # A transfer: the old service's counts change too, and the event holds
        # its name only; forget every service (rare, and cheap to recount).
        service_ids = list(Service.objects.values_list("pk", flat=True))
    # After commit only: a cache call inside the action's transaction could
    # hold its locks for a Redis timeout, and a reader that cached the old
    # counts before the commit does not keep them. ``forget_counts`` never
    # raises; ``robust`` keeps even a surprise from touching the request.
    transaction.on_commit(lambda: forget_counts(service_ids), robust=True)


@receiver(ticket_events_recorded, dispatch_uid="agent_forget_queue_counts_batch")
def forget_queue_counts_of_batch(sender: Any, events: list[Any], **kwargs: Any) -> None:
    """A batch door's events (the sweeps): each service's counts forgotten once, after commit."""
    service_ids = sorted({event.ticket.service_id for event in events})
    if any("service" in event.changes for event in events):
        service_ids = list(Service.objects.values_list("pk", flat=True))
    if service_ids:
        transaction.on_commit(lambda: forget_counts(service_ids), robust=True)
