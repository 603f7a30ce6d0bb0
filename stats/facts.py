"""Keeps ``stats.TicketFact`` up to date: one row per ticket with its dimensions
and its delays in working days, recomputed from the ticket's history.

``on_ticket_event`` runs inside each workflow action's transaction (the
``ticket_event_recorded`` signal), so the row commits with the action.
``rebuild`` recomputes rows in bounded batches: for tickets loaded outside
the workflow (imports, benchmarks) and as the nightly repair
(``stats.tasks.refresh_facts``) of rows older than their ticket.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from helpdesk.workdays import working_days_between
from stats.indicators import REJECTION_ACTIONS, RESOLVED_STATES, RESPONSE_ACTIONS, Calendars
from stats.models import StatusSpan, TicketFact
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.status import CLOSED_STATES, WaitingOn, waiting_on

BATCH_SIZE = 1000
ASSIGN_ACTIONS = (EventAction.TAKE, EventAction.ASSIGN)
CLOSING_ACTIONS = (EventAction.APPROVE, EventAction.EXPIRE, EventAction.WITHDRAW, *REJECTION_ACTIONS)
TICKET_FIELDS = (
    "pk",
    "service_id",
    "category_id",
    "institution_id",
    "channel",
    "priority",
    "requester__profile",
    "assignee_id",
    "follow_up_of_id",
    "created",
    "closed_at",
    "status",
)
EVENT_FIELDS = ("ticket_id", "action", "to_status", "changes", "reason", "actor_id", "created")


def compute(row: dict[str, Any], events: list[dict[str, Any]], calendar) -> tuple[dict[str, Any], list[tuple]]:
    """The fact's columns for one ticket (``row``: ``TICKET_FIELDS``) and its events, oldest
    first; and its status changes ``[(moment, status), …]``."""
    created, closed_at, status = row["created"], row["closed_at"], row["status"]
    first_response = next((e["created"] for e in events if e["action"] in RESPONSE_ACTIONS), None)
    first_assigned = next((e["created"] for e in events if e["action"] in ASSIGN_ACTIONS), None)
    requalified = [e for e in events if e["action"] == EventAction.REQUALIFY]
    transfers = sum(1 for e in requalified if "service" in (e["changes"] or {}))
    history, waits = [], {WaitingOn.REQUESTER: 0, WaitingOn.SERVICE: 0}
    since, current = created, None
    for event in events:
        to_status = event["to_status"]
        if not to_status or to_status == current:
            continue
        if current is not None:
            who = waiting_on(current)
            if who in waits:
                waits[who] += working_days_between(since, event["created"], calendar)
        history.append((event["created"], to_status))
        since, current = event["created"], to_status
    closing = None
    if status in CLOSED_STATES:
        closing = next((e for e in reversed(events) if e["to_status"] == status), None)
    is_closed = closed_at is not None and status in CLOSED_STATES
    is_resolved = is_closed and status in RESOLVED_STATES
    columns = {
        "service_id": row["service_id"],
        "category_id": row["category_id"],
        "institution_id": row["institution_id"],
        "channel": row["channel"],
        "priority": row["priority"],
        "requester_profile": row["requester__profile"] or "",
        "assignee_id": row["assignee_id"],
        "is_follow_up": row["follow_up_of_id"] is not None,
        "created": created,
        "closed_at": closed_at,
        "status": status,
        "first_response_at": first_response,
        "first_assigned_at": first_assigned,
        "closing_action": closing["action"] if closing else "",
        "closing_reason": (closing["reason"] or "")[:300] if closing else "",
        "closed_by_id": closing["actor_id"] if closing else None,
        "response_days": None if first_response is None else working_days_between(created, first_response, calendar),
        # Resolved tickets only, like the resolution: the two waits add up to it.
        "resolution_days": working_days_between(created, closed_at, calendar) if is_resolved else None,
        "waiting_requester_days": waits[WaitingOn.REQUESTER] if is_resolved else None,
        "waiting_service_days": waits[WaitingOn.SERVICE] if is_resolved else None,
        "transfers": transfers,
        "requalifications": len(requalified) - transfers,
    }
    return columns, history


def refresh(ticket_ids: Iterable[int], calendars: Calendars | None = None) -> int:
    """Recompute the facts of these tickets (6 queries + the calendars'); returns how many."""
    ids = list(ticket_ids)
    rows = list(Ticket.objects.filter(pk__in=ids).values(*TICKET_FIELDS))
    if not rows:
        return 0
    events: dict[int, list[dict]] = defaultdict(list)
    for event in TicketEvent.objects.filter(ticket_id__in=ids).order_by("created", "pk").values(*EVENT_FIELDS):
        events[event["ticket_id"]].append(event)
    calendars = calendars or Calendars()
    calendars.prepare({row["institution_id"] for row in rows})
    # The profile copied when the fact was first written stays: anonymising the requester later
    # must not move the ticket out of its profile's figures.
    kept = dict(TicketFact.objects.filter(ticket_id__in=ids).exclude(requester_profile="").values_list(
        "ticket_id", "requester_profile"))  # fmt: skip
    now = timezone.now()
    facts, spans = [], []
    for row in rows:
        columns, history = compute(row, events[row["pk"]], calendars[row["institution_id"]])
        columns["requester_profile"] = kept.get(row["pk"], columns["requester_profile"])
        facts.append(TicketFact(ticket_id=row["pk"], refreshed_at=now, **columns))
        spans += _spans(row["pk"], history)
    fields = [f.name for f in TicketFact._meta.concrete_fields if f.name != "ticket"]
    TicketFact.objects.bulk_create(facts, update_conflicts=True, unique_fields=["ticket"], update_fields=fields)
    StatusSpan.objects.filter(ticket_id__in=ids).delete()
    StatusSpan.objects.bulk_create(spans)
    return len(facts)


def _spans(ticket_id: int, history: list[tuple]) -> Iterable[StatusSpan]:
    for i, (start, status) in enumerate(history):
        end = history[i + 1][0] if i + 1 < len(history) else None
        yield StatusSpan(ticket_id=ticket_id, status=status, start=start, end=end)


def on_ticket_event(sender: Any, event: TicketEvent, **kwargs: Any) -> None:
    refresh([event.ticket_id])


def rebuild(*, stale_only: bool = False, closed_since=None, batch_size: int = BATCH_SIZE) -> int:
    """Recompute every fact (or only missing and stale ones, or those of tickets open or
    closed since a date) in keyset batches; returns how many."""
    tickets = Ticket.objects.all()
    if closed_since is not None:
        tickets = tickets.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=closed_since))
    if stale_only:
        tickets = tickets.filter(Q(stats_fact__isnull=True) | Q(updated__gt=F("stats_fact__refreshed_at")))
    calendars, done, last = Calendars(), 0, 0
    while True:
        ids = list(tickets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return done
        done += refresh(ids, calendars)
        last = ids[-1]


def on_closure_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A closure period added, changed or removed changes the working days counted
    from its first day on: those tickets' facts are recomputed after the commit."""
    from django.db import transaction

    from stats.tasks import refresh_after_closure_change

    start = instance.start.isoformat()
    transaction.on_commit(lambda: refresh_after_closure_change.delay(start))
