"""The scheduler's batch doors: ``ticket_remind`` and ``ticket_expire`` for many tickets at once.

A sweep meets thousands of due tickets; one door call each costs a dozen
queries and a template rendering per ticket. These doors do the same
thing in sets: the same guards per ticket (in Python), then one
``UPDATE … WHERE id IN (…)`` per group of tickets getting the same values,
one INSERT of all the history events, and one ``ticket_events_recorded``
signal whose receivers write all the mails in one INSERT, each template
rendered once per language (``helpdesk.mail.queue_emails``).

Exactly once: the caller holds the rows' locks (the sweep's ``SELECT … FOR
UPDATE SKIP LOCKED``), and each UPDATE repeats the door's guards in its
WHERE (still waiting, not reminded yet, due). Should a row not match anyway
— changed by a writer that took no lock — the batch is undone and each
ticket goes through its own door, whose conditional save refuses what
changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.bulk import bulk_insert
from tickets import timers
from tickets.exceptions import ActionRefused
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.signals import ticket_events_recorded
from tickets.status import TicketStatus
from tickets.workflow._core import check_transition
from tickets.workflow.scheduler import EXPIRY_TRANSITIONS, check_remind, ticket_expire, ticket_remind


@dataclass
class BatchOutcome:
    """What a batch door did: one event per ticket acted on, and the tickets it refused."""

    events: list[TicketEvent] = field(default_factory=list)
    refused: list[tuple[Ticket, ActionRefused]] = field(default_factory=list)


class _RowChanged(Exception):
    """A row no longer matched the door's guards in the database: undo the batch."""


def tickets_remind(*, tickets: Sequence[Ticket], calendars: dict[Any, Any] | None = None) -> BatchOutcome:
    """``ticket_remind`` for each of ``tickets`` (locked by the caller).

    ``calendars``: institution id → ``WorkCalendar`` the caller already read.
    """
    now = timezone.now()
    outcome, due = _guarded(tickets, lambda ticket: check_remind(ticket, now))
    groups: dict[datetime | None, list[Ticket]] = {}
    for ticket in due:
        calendar = (calendars or {}).get(ticket.institution_id)
        groups.setdefault(timers.after_reminder(ticket, now, calendar=calendar).get("expire_at"), []).append(ticket)
    guard = Q(status__in=(TicketStatus.ARS, TicketStatus.AVS), reminded_at__isnull=True, remind_at__lte=now)
    writes = [
        (group, guard, {"reminded_at": now, **({"expire_at": expire_at} if expire_at else {})})
        for expire_at, group in groups.items()
    ]
    return _run(outcome, due, writes, now=now, action=EventAction.REMIND, door=ticket_remind)


def tickets_expire(*, tickets: Sequence[Ticket]) -> BatchOutcome:
    """``ticket_expire`` for each of ``tickets`` (locked by the caller): ARS → ABN, AVS → TER."""
    now = timezone.now()

    def check(ticket: Ticket) -> None:
        transition = EXPIRY_TRANSITIONS.get(ticket.status)
        if transition is None:
            raise ActionRefused(_("Cette demande n'attend rien du demandeur."))
        check_transition(ticket, transition, None)

    outcome, due = _guarded(tickets, check)
    writes = []
    for from_status in (TicketStatus.ARS, TicketStatus.AVS):
        group = [ticket for ticket in due if ticket.status == from_status]
        if group:
            transition = EXPIRY_TRANSITIONS[from_status]
            to_status = getattr(Ticket, transition)._django_fsm.get_transition(from_status).target
            # Leaving the waiting states clears every timer (``timers.on_status_change``).
            fields = {"status": to_status, "closed_at": now, "closed_automatically": True}
            fields |= dict.fromkeys(timers.TIMER_FIELDS)
            writes.append((group, Q(status=from_status, expire_at__lte=now), fields))
    return _run(outcome, due, writes, now=now, action=EventAction.EXPIRE, door=ticket_expire)


def _guarded(tickets: Sequence[Ticket], check: Callable[[Ticket], None]) -> tuple[BatchOutcome, list[Ticket]]:
    outcome, due = BatchOutcome(), []
    for ticket in tickets:
        try:
            check(ticket)
        except ActionRefused as exc:
            outcome.refused.append((ticket, exc))
        else:
            due.append(ticket)
    return outcome, due


def _run(
    outcome: BatchOutcome,
    due: list[Ticket],
    writes: list[tuple[list[Ticket], Q, dict[str, Any]]],
    *,
    now: datetime,
    action: str,
    door: Callable[..., TicketEvent],
) -> BatchOutcome:
    if not due:
        return outcome
    try:
        with transaction.atomic():
            for group, guard, fields in writes:
                changed = Ticket.objects.filter(guard, pk__in=[ticket.pk for ticket in group]).update(
                    version=F("version") + 1, last_activity_at=now, updated=now, **fields
                )
                if changed != len(group):
                    raise _RowChanged()
            from_statuses = {ticket.pk: ticket.status for ticket in due}
            for group, _guard, fields in writes:
                for ticket in group:
                    ticket.__dict__.update(fields)  # ``status`` is protected against setattr; the row is saved
                    ticket.version += 1
                    ticket.last_activity_at = ticket.updated = now
                    ticket._update_initial_state()  # a later save compares with the saved status
            events = bulk_insert(
                TicketEvent,
                [_event(ticket, action=action, from_status=from_statuses[ticket.pk], now=now) for ticket in due],
            )
            ticket_events_recorded.send(sender=Ticket, events=events)
    except _RowChanged:
        for ticket in due:
            ticket.refresh_from_db()
        return _one_by_one(outcome, due, door)
    except BaseException:
        for ticket in due:
            ticket.refresh_from_db()
        raise
    outcome.events += events
    return outcome


def _event(ticket: Ticket, *, action: str, from_status: str, now: datetime) -> TicketEvent:
    return TicketEvent(
        ticket=ticket, actor=None, action=action, from_status=from_status, to_status=ticket.status, changes={},
        created=now,
    )  # fmt: skip


def _one_by_one(outcome: BatchOutcome, due: list[Ticket], door: Callable[..., TicketEvent]) -> BatchOutcome:
    for ticket in due:
        try:
            outcome.events.append(door(ticket=ticket))
        except ActionRefused as exc:
            outcome.refused.append((ticket, exc))
    return outcome
