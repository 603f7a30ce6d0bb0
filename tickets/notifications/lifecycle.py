"""Who is told what along the agency's full lifecycle (seed 002) and its provider tier.

Imported at the end of ``rules`` (whose helpers it uses) and merged into its ``RULES``
and ``SILENT_ACTIONS``, so that ``test_rules`` still sees every action once.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.notifications.compose import TicketMail, ticket_url
from tickets.notifications.rules import _handlers, _name, _to_each, _to_requester, closed, proposed, reminded
from tickets.status import REQUESTER_EXPLANATIONS


def _provider_members(ticket: Ticket) -> list[User]:
    if ticket.provider_id is None:
        return []
    return list(ticket.provider.members.filter(is_active=True).order_by("pk"))


def to_provider(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    """Handed over, or the answer sent back: the provider's members have work to do."""
    if event.action == EventAction.HAND_TO_PROVIDER:
        subject = _("L'agence vous confie une demande")
        text = _("%(actor)s vous confie la demande « %(title)s » :")
    else:
        subject = _("L'agence vous renvoie votre réponse")
        text = _("%(actor)s vous renvoie votre réponse sur la demande « %(title)s » :")

    def build_for(user: User):
        return lambda: {
            "subject": subject,
            "paragraphs": [text % {"actor": _name(event.actor), "title": ticket.title}],
            "quote": event.message.body if event.message else "",
            "action_label": _("Voir la demande"),
            "action_url": ticket_url(user, ticket.reference),
        }

    return _to_each(_provider_members(ticket), event, "provider_work", build_for, optional="")


def provider_answered(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    """The agency validates the provider's answer before the institution sees it."""
    return _to_each(
        _handlers(ticket),
        event,
        "provider_answered",
        lambda user: (
            lambda: {
                "subject": _("Réponse du prestataire à valider"),
                "paragraphs": [
                    _(
                        "%(actor)s a répondu pour le prestataire sur la demande « %(title)s ». Validez-la ou "
                        "renvoyez-la avant que l'établissement ne la voie."
                    )
                    % {"actor": _name(event.actor), "title": ticket.title},
                ],
                "quote": event.message.body if event.message else "",
            }
        ),
        optional="",
    )


def moved(event: TicketEvent, ticket: Ticket) -> list[TicketMail]:
    """A step of the development cycle: the institution reads where its DA stands."""

    def build() -> dict[str, Any]:
        return {
            "subject": _("Votre demande passe au statut %(code)s") % {"code": ticket.status},
            "paragraphs": [
                _("Votre demande « %(title)s » est maintenant « %(status)s ».")
                % {"title": ticket.title, "status": ticket.get_status_display()},
                str(REQUESTER_EXPLANATIONS[ticket.status]),
            ],
            "quote": event.message.body if event.message else "",
            "action_label": _("Voir la demande"),
            "action_url": ticket_url(ticket.requester, ticket.reference),
        }

    return _to_requester(event, ticket, "status_changed", build)


RULES = {
    EventAction.HAND_TO_PROVIDER: to_provider,
    EventAction.SEND_BACK: to_provider,
    EventAction.PROVIDER_ANSWER: provider_answered,
    EventAction.VALIDATE_PROVIDER: proposed,
    EventAction.START_DEVELOPMENT: moved,
    EventAction.TAKE_INTO_ACCOUNT: moved,
    EventAction.START_ACCEPTANCE: moved,
    EventAction.AWAIT_DOCUMENTATION: moved,
    EventAction.AWAIT_REPLACEMENT: moved,
    EventAction.COMPLETE: closed,
    EventAction.EXCLUDE_FROM_CYCLE: closed,
    EventAction.RELAUNCH: reminded,
}

SILENT_ACTIONS = frozenset(
    {
        EventAction.CHANGE_ETAT,  # the agency's own bookkeeping; the page shows the état
        EventAction.TAKE_BACK,  # the provider learns it when the DA leaves its list
    }
)
