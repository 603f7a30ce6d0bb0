"""Doors for Guichet itself, where no person acts: the timers' sweeps and the mail pipeline.

Their events have no actor, and ``tickets.permissions.is_scheduler`` guards
the transitions only they may fire.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import timers
from tickets.exceptions import ActionRefused
from tickets.models import EventAction, MessageKind, Ticket, TicketEvent
from tickets.status import TicketStatus
from tickets.workflow._core import act, required

TIMER_FIELDS = ("remind_at", "expire_at")
EXPIRY_TRANSITIONS = {TicketStatus.ARS: "expire_unanswered", TicketStatus.AVS: "expire_unvalidated"}


def check_remind(ticket: Ticket, now: datetime.datetime) -> None:
    """``ticket_remind``'s guards (shared with the batch door ``tickets_remind``)."""
    if ticket.status not in (TicketStatus.ARS, TicketStatus.AVS) or ticket.reminded_at is not None:
        raise ActionRefused(_("Cette demande n'attend pas de relance."))
    if ticket.remind_at is None or ticket.remind_at > now:
        raise ActionRefused(_("La relance n'est pas encore due."))


def ticket_remind(*, ticket: Ticket) -> TicketEvent:
    """Record that the requester was reminded (the notification outbox sends the mail)."""
    now = timezone.now()
    check_remind(ticket, now)
    fields = {"reminded_at": now, **timers.after_reminder(ticket, now)}  # a late reminder delays the closure
    return act(ticket=ticket, actor=None, action=EventAction.REMIND, fields=fields)


def ticket_expire(*, ticket: Ticket) -> TicketEvent:
    """The requester did not act in time: ARS → ABN, AVS → TER, both marked as closed automatically."""
    transition = EXPIRY_TRANSITIONS.get(ticket.status)
    if transition is None:
        raise ActionRefused(_("Cette demande n'attend rien du demandeur."))
    return act(
        ticket=ticket, actor=None, action=EventAction.EXPIRE, transition=transition,
        fields={"closed_automatically": True},
    )  # fmt: skip


def ticket_postpone_timer(
    *, ticket: Ticket, field: str, until: datetime.datetime, expected_version: int | None = None
) -> TicketEvent:
    """Move a due reminder or closure (``field``) out of a closure period, to ``until``.

    ``expected_version``: the version the sweep read; a ticket changed meanwhile is ``StaleTicket``.
    """
    if field not in TIMER_FIELDS:
        raise ValueError(f"ticket_postpone_timer moves {TIMER_FIELDS}, not {field!r}")
    if ticket.status not in (TicketStatus.ARS, TicketStatus.AVS) or getattr(ticket, field) is None:
        raise ActionRefused(_("Cette demande n'attend pas de relance."))
    return act(
        ticket=ticket, actor=None, action=EventAction.POSTPONE, expected_version=expected_version,
        fields={field: until}, changes={field: [getattr(ticket, field).isoformat(), until.isoformat()]},
    )  # fmt: skip


def ticket_add_system_note(*, ticket: Ticket, text: str, internal: bool = False) -> TicketEvent:
    """A note written by Guichet itself (email ingestion, bounces); the status does not change.

    Public notes are shown on the requester's page too; ``internal`` ones to the service only.
    """
    text = required(text, "empty system note")
    return act(
        ticket=ticket, actor=None, action=EventAction.SYSTEM_NOTE,
        message_kind=MessageKind.INTERNAL_NOTE if internal else MessageKind.SYSTEM, text=text,
    )  # fmt: skip
