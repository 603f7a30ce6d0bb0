"""The common body of every door: checks, attachments, saving, the history row.

Private to ``tickets.workflow``: only its door modules import it. ``act``
is what a door calls for an existing ticket; ``ticket_file`` uses
``attach`` and ``record`` directly since it creates the row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, has_transition_perm

from helpdesk.rows import insert_one
from tickets import attachments as att
from tickets import timers
from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket
from tickets.models import Attachment, Message, PendingUpload, Ticket, TicketEvent
from tickets.signals import ticket_event_recorded
from tickets.status import CLOSED_STATES, OPEN_STATES, entering_etat

FileInput = att.CheckedFile | PendingUpload


def required(text: str | None, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused(message)
    return text


def check_version(ticket: Ticket, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != ticket.version:
        raise StaleTicket()


def check_transition(ticket: Ticket, name: str, actor: Any) -> None:
    method = getattr(ticket, name)
    meta = method._django_fsm
    if not meta.has_transition(ticket.status) or not meta.conditions_met(ticket, ticket.status):
        raise ActionRefused(
            _("Cette action n'est pas possible sur une demande « %(status)s ».")
            % {"status": ticket.get_status_display()}
        )
    if not has_transition_perm(method, actor):
        raise ActionForbidden(_("Vous n'avez pas le droit de faire cette action sur cette demande."))


def check_open(ticket: Ticket) -> None:
    if ticket.status not in OPEN_STATES:
        raise ActionRefused(_("Cette demande est close : déposez une demande de suite."))


def attach(
    ticket: Ticket,
    message: Message | None,
    actor: Any,
    files: Sequence[FileInput],
    stored: list[str],
    *,
    new_ticket: bool = False,
) -> None:
    """Store ``files`` on ``ticket`` (names of new storage files go to ``stored``
    so that the caller can delete them if the transaction rolls back). A ``new_ticket``
    (just filed) holds no file yet: its usage is not read."""
    if not files:
        return
    try:
        usage = {} if new_ticket else att.attachment_usage(ticket)
        att.check_limits([f.size for f in files], **usage)
    except ValidationError as exc:
        raise ActionRefused(exc.messages[0]) from exc
    for item in files:
        if isinstance(item, PendingUpload):
            if actor is None or item.user_id != actor.pk:
                raise ActionForbidden(_("Ce fichier ne vous appartient pas."))
            name = item.file.name
            item.delete()
        else:
            name = att.store(item)
            stored.append(name)
        insert_one(
            Attachment(
                ticket=ticket,
                message=message,
                file=name,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                uploaded_by=actor,
            )
        )


def save(ticket: Ticket, fields: set[str], now: datetime.datetime) -> None:
    ticket.version += 1
    ticket.last_activity_at = now
    try:
        ticket.save(update_fields=sorted(fields | {"version", "last_activity_at", "updated"}))
    except ConcurrentTransition as exc:
        raise StaleTicket() from exc


def record(
    ticket: Ticket,
    *,
    actor: Any,
    action: str,
    from_status: str,
    from_etat: str | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    message: Message | None = None,
    now: datetime.datetime,
) -> TicketEvent:
    event = TicketEvent(
        ticket=ticket,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=ticket.status,
        from_etat=ticket.etat if from_etat is None else from_etat,
        to_etat=ticket.etat,
        changes=changes or {},
        reason=reason,
        message=message,
        created=now,
    )
    insert_one(event)  # as TicketEvent.objects.create, the statement written once (issue 22)
    ticket_event_recorded.send(sender=Ticket, event=event)
    return event


def act(
    *,
    ticket: Ticket,
    actor: Any,
    action: str,
    transition: str | None = None,
    expected_version: int | None = None,
    fields: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    message_kind: str | None = None,
    text: str = "",
    files: Sequence[FileInput] = (),
    sender_verified: bool = True,
    etat: str | None = None,
) -> TicketEvent:
    """The common body of every action on an existing ticket.

    ``etat`` sets the sub-state after the transition (whose conditions read the état before
    the action); otherwise a change of status sets the état of the new status
    (``tickets.status.entering_etat``)."""
    check_version(ticket, expected_version)
    if transition:
        check_transition(ticket, transition, actor)
    stored: list[str] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            from_status, from_etat = ticket.status, ticket.etat
            to_save = set(fields or {})
            for name, value in (fields or {}).items():
                setattr(ticket, name, value)
            if transition:
                getattr(ticket, transition)()
                to_save |= {"status", *timers.on_status_change(ticket, now=now)}
                if ticket.status in CLOSED_STATES:
                    ticket.closed_at = now
                    to_save.add("closed_at")
                if etat is None and ticket.status != from_status:
                    lifecycle = ticket.category.lifecycle_in_force
                    etat = entering_etat(ticket.status, lifecycle, handed_to_provider=ticket.provider_id is not None)
            if etat is not None and etat != from_etat:
                ticket.etat = etat
                to_save.add("etat")
            save(ticket, to_save, now)
            message = None
            if message_kind:
                message = Message(
                    ticket=ticket, kind=message_kind, author=actor, body=text, created=now,
                    sender_verified=sender_verified,
                )  # fmt: skip
                insert_one(message)
            attach(ticket, message, actor, files, stored)
            return record(
                ticket, actor=actor, action=action, from_status=from_status, from_etat=from_etat, changes=changes,
                reason=reason, message=message, now=now,
            )  # fmt: skip
    except BaseException:
        ticket.refresh_from_db()
        for name in stored:
            default_storage.delete(name)
        raise


def name_of(user: Any) -> str | None:
    """A person as the history shows them (``User.__str__``), ``None`` for nobody."""
    return str(user) if user is not None else None


def json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
