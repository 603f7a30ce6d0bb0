"""Doors of the agency's full lifecycle (seed 002): the development and acceptance cycle,
REM, EXC, the états set by hand, and the external provider tier.

Each one is a transition of the same django-fsm graph (``tickets.models.lifecycle``), run
through ``_core.act`` like the core doors: the status and the état change, the event records
both, the notifications follow from the event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ProviderOrganisation
from tickets import permissions as perms
from tickets import timers
from tickets.exceptions import ActionForbidden, ActionRefused
from tickets.models import EventAction, MessageKind, Ticket, TicketEvent
from tickets.status import MANUAL_ETATS, WAITING_REQUESTER, Etat
from tickets.workflow._core import FileInput, act, required


def _move(ticket: Ticket, actor: Any, transition: str, action: str, text: str, expected_version: int | None):
    """A step of the cycle; an optional comment is a public reply the institution reads."""
    text = (text or "").strip()
    return act(
        ticket=ticket, actor=actor, action=action, transition=transition, expected_version=expected_version,
        message_kind=MessageKind.PUBLIC_REPLY if text else None, text=text,
    )  # fmt: skip


def ticket_start_development(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """ADV → DEV (état INI: development planned)."""
    return _move(ticket, actor, "start_development", EventAction.START_DEVELOPMENT, text, expected_version)


def ticket_take_into_account(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """DEV → PEC: developed, to pass to the qualification environment."""
    return _move(ticket, actor, "take_into_account", EventAction.TAKE_INTO_ACCOUNT, text, expected_version)


def ticket_start_acceptance(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """PEC → CTR (état EC): the project concerned tests it."""
    return _move(ticket, actor, "start_acceptance", EventAction.START_ACCEPTANCE, text, expected_version)


def ticket_await_documentation(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """PEC, CTR → TND: no error, the functional documentation is to be updated."""
    return _move(ticket, actor, "await_documentation", EventAction.AWAIT_DOCUMENTATION, text, expected_version)


def ticket_complete(*, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None) -> TicketEvent:
    """CTR, TND → TER: the cycle is over (no requester timer: seed 002 sets none here)."""
    return _move(ticket, actor, "complete", EventAction.COMPLETE, text, expected_version)


def ticket_await_replacement(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """ECT, ATD, ADV → REM: the software is being replaced."""
    return _move(ticket, actor, "await_replacement", EventAction.AWAIT_REPLACEMENT, text, expected_version)


def ticket_change_etat(
    *, ticket: Ticket, actor: Any, etat: str, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """Set the état of ECT (INT, EXP), DEV (INI, EC, SUS, CLO) or CTR (EC, CLO) by hand;
    EXT and AVA are the provider doors' own."""
    if etat not in MANUAL_ETATS.get(ticket.status, ()):
        raise ActionRefused(
            _("L'état « %(etat)s » n'existe pas pour le statut %(status)s.") % {"etat": etat, "status": ticket.status}
        )
    if etat == ticket.etat:
        raise ActionRefused(_("La demande est déjà dans cet état."))
    if ticket.etat in (Etat.EXT, Etat.AVA):
        raise ActionRefused(_("Le prestataire traite la demande : reprenez-la d'abord."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.CHANGE_ETAT, transition="change_etat",
        expected_version=expected_version, etat=etat, reason=(text or "").strip(),
    )  # fmt: skip


# --- The external provider tier ----------------------------------------------------------


def ticket_hand_to_provider(
    *,
    ticket: Ticket,
    actor: Any,
    provider: ProviderOrganisation,
    text: str,
    files: Sequence[FileInput] = (),
    expected_version: int | None = None,
) -> TicketEvent:
    """ECT (INT, EXP) → ECT/EXT: the provider's members now see the DA; ``text`` is the
    agency's brief to them, never shown to the institution."""
    text = required(text, _("Écrivez la consigne pour le prestataire."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.HAND_TO_PROVIDER, transition="hand_to_provider",
        expected_version=expected_version, fields={"provider": provider}, etat=Etat.EXT,
        changes={"provider": [None, str(provider)]}, message_kind=MessageKind.TO_PROVIDER, text=text, files=files,
    )  # fmt: skip


def ticket_provider_answer(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ECT/EXT → ECT/AVA: the provider's answer waits for the agency's validation; the
    institution sees nothing of it until then."""
    text = required(text, _("Écrivez la réponse du prestataire."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.PROVIDER_ANSWER, transition="provider_answer",
        expected_version=expected_version, etat=Etat.AVA, message_kind=MessageKind.PROVIDER_ANSWER, text=text,
        files=files,
    )  # fmt: skip


def ticket_send_back_to_provider(
    *, ticket: Ticket, actor: Any, text: str, expected_version: int | None = None
) -> TicketEvent:
    """ECT/AVA → ECT/EXT: the agency refuses the provider's answer, with its reason."""
    text = required(text, _("Expliquez au prestataire ce qui ne convient pas."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.SEND_BACK, transition="send_back_to_provider",
        expected_version=expected_version, etat=Etat.EXT, message_kind=MessageKind.TO_PROVIDER, text=text,
    )  # fmt: skip


def ticket_take_back_from_provider(
    *, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None
) -> TicketEvent:
    """ECT/EXT or AVA → ECT/INT: the agency's consultant handles the DA again; the provider no longer sees it."""
    return act(
        ticket=ticket, actor=actor, action=EventAction.TAKE_BACK, transition="take_back_from_provider",
        expected_version=expected_version, fields={"provider": None}, etat=Etat.INT,
        changes={"provider": [str(ticket.provider), None]}, reason=(text or "").strip(),
    )  # fmt: skip


def ticket_validate_provider_answer(
    *, ticket: Ticket, actor: Any, text: str, files: Sequence[FileInput] = (), expected_version: int | None = None
) -> TicketEvent:
    """ECT/AVA → AVS: the agency proposes the answer (the provider's, as it validated or edited
    it) to the institution, whose timer starts as for any proposed answer."""
    text = required(text, _("Écrivez la réponse proposée."))
    return act(
        ticket=ticket, actor=actor, action=EventAction.VALIDATE_PROVIDER, transition="validate_provider_answer",
        expected_version=expected_version, message_kind=MessageKind.PROPOSED_ANSWER, text=text, files=files,
    )  # fmt: skip


def ticket_relaunch(*, ticket: Ticket, actor: Any, text: str = "", expected_version: int | None = None) -> TicketEvent:
    """An agent's manual relaunch (seed 002): the correspondent told the agency they will be
    away, so the requester timer starts again from today instead of closing the DA; the
    requester gets the reminder. ``text`` (why) stays in the history."""
    if not perms.is_service_staff(ticket, actor):
        raise ActionForbidden(_("Seul le service en charge peut relancer le demandeur."))
    if ticket.status not in WAITING_REQUESTER:
        raise ActionRefused(_("Seule une demande qui attend le demandeur (ARS, AVS) peut être relancée."))
    remind_at, expire_at = timers.compute_deadlines(ticket, timezone.now())
    return act(
        ticket=ticket, actor=actor, action=EventAction.RELAUNCH, expected_version=expected_version,
        fields={"remind_at": remind_at, "expire_at": expire_at, "reminded_at": None},
        changes={"expire_at": [_iso(ticket.expire_at), _iso(expire_at)]}, reason=(text or "").strip(),
    )  # fmt: skip


def _iso(value) -> str | None:
    return value.isoformat() if value else None
