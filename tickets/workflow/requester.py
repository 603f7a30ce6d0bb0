"""Requester-side doors: the requester, or a correspondent of their institution (and, for
adding information, anyone who sees the ticket)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from tickets import permissions as perms
from tickets.exceptions import ActionForbidden
from tickets.models import EventAction, MessageKind, Ticket, TicketEvent
from tickets.workflow._core import FileInput, act, check_open, required


def ticket_answer(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ARS → ECT: the requester (or a correspondent) answers the question."""
    text = required(text, _("Écrivez votre réponse."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.ANSWER, transition="answer",
        expected_version=expected_version, message_kind=MessageKind.REQUESTER_INFO, text=text, files=files,
    )  # fmt: skip


def ticket_approve(*, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None) -> TicketEvent:
    """AVS → TER: the answer is validated (and may be published to the knowledge base)."""
    text = (text or "").strip()
    return act(
        ticket=ticket, actor=actor, action=EventAction.APPROVE, transition="approve",
        expected_version=expected_version, message_kind=MessageKind.REQUESTER_INFO if text else None, text=text,
    )  # fmt: skip


def ticket_refuse(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """AVS → ECT: the answer does not solve the problem; the reason is required."""
    text = required(text, _("Expliquez pourquoi la réponse ne vous convient pas."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.REFUSE, transition="refuse",
        expected_version=expected_version, reason=text, message_kind=MessageKind.REQUESTER_INFO, text=text,
        files=files,
    )  # fmt: skip


def ticket_withdraw(*, ticket: Ticket, actor: Any, text: str, expected_version: int | None = None) -> TicketEvent:
    """NEW, ECT, ARS → ABN: the requester gives up; the reason is required."""
    text = required(text, _("Indiquez pourquoi vous abandonnez la demande."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.WITHDRAW, transition="withdraw",
        expected_version=expected_version, reason=text,
    )  # fmt: skip


def ticket_add_information(
    *,
    ticket: Ticket,
    actor: Any,
    text: str,
    files: Sequence[FileInput] = (),
    expected_version: int | None = None,
    sender_verified: bool = True,
) -> TicketEvent:
    """Anyone who sees an open ticket may add a dated piece of information; the status does not change.

    ``sender_verified=False``: a mail in ``actor``'s name whose sender could not
    be authenticated (``inbound.authentication``); the message is flagged."""
    if actor is None or not Ticket.objects.visible_to(actor).filter(pk=ticket.pk).exists():
        raise ActionForbidden(_("Vous n'avez pas le droit de faire cette action sur cette demande."))
    if perms.is_provider_only(ticket, actor):
        raise ActionForbidden(_("Répondez à l'agence : elle valide la réponse avant de la transmettre."))
    check_open(ticket)
    text = required(text, _("Le message est vide."))
    staff_only = perms.is_service_staff(ticket, actor) and not perms.is_requester_side(ticket, actor)
    kind = MessageKind.PUBLIC_REPLY if staff_only else MessageKind.REQUESTER_INFO
    return act(
        ticket=ticket, actor=actor, action=EventAction.ADD_INFORMATION, expected_version=expected_version,
        message_kind=kind, text=text, files=files, sender_verified=sender_verified,
    )  # fmt: skip
