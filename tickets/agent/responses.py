"""Saved responses: which ones an agent may use on a ticket, and their placeholders.

Placeholders are whole words in braces, replaced by plain text; anything
else in braces is left as typed (no ``str.format``: a response is written by
people and must not reach object attributes). The result goes into a
textarea, where the template escapes it like any text.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import roles
from helpdesk.prepared import PreparedQuery
from tickets.models import ResponseScope, SavedResponse, Ticket

PLACEHOLDERS = {
    "prenom_demandeur": _("prénom du demandeur"),
    "nom_demandeur": _("nom du demandeur"),
    "reference": _("référence de la demande (#123)"),
    "titre": _("titre de la demande"),
    "agent": _("votre nom"),
    "categorie": _("catégorie de la demande"),
    "service": _("service en charge"),
}
_PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")


def placeholder_values(ticket: Ticket, agent: Any) -> dict[str, str]:
    requester = ticket.requester
    return {
        "prenom_demandeur": requester.first_name or requester.get_full_name() or requester.email,
        "nom_demandeur": requester.last_name,
        "reference": f"#{ticket.reference}",
        "titre": ticket.title,
        "agent": agent.get_full_name() or agent.email,
        "categorie": ticket.category.name,
        "service": ticket.service.name,
    }


def render_response(body: str, *, ticket: Ticket, agent: Any) -> str:
    values = placeholder_values(ticket, agent)
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def responses_for_ticket(ticket: Ticket, agent: Any) -> QuerySet[SavedResponse]:
    """What ``agent`` may insert on ``ticket``: their own responses, the ticket's service's, and the global ones."""
    mine = Q(owner_id=agent.pk) if agent.pk else Q(pk__in=[])
    return (
        SavedResponse.objects.filter(
            mine | Q(service_id=ticket.service_id) | Q(service__isnull=True, owner__isnull=True)
        )
        .only("pk", "title", "body", "service_id", "owner_id")
        .order_by("title")
    )


COMPOSER_RESPONSES = PreparedQuery("composer_responses")


def _responses_for_composer(ticket: Ticket, agent: Any) -> list[SavedResponse]:
    """``responses_for_ticket`` compiled once per process (``helpdesk.prepared``): every view of an open
    ticket reads them, and Django built and compiled the same three-way OR each time (issue 22)."""
    if not agent.pk:
        return list(responses_for_ticket(ticket, agent))
    return COMPOSER_RESPONSES.all("agent", [agent.pk, ticket.service_id], lambda: responses_for_ticket(ticket, agent))


def grouped_for_ticket(ticket: Ticket, agent: Any) -> list[tuple[str, list[SavedResponse]]]:
    """The same, as (group label, responses) for the composer's select: mine, the service's, everyone's."""
    groups: dict[str, list[SavedResponse]] = {
        ResponseScope.PERSONAL: [], ResponseScope.SERVICE: [], ResponseScope.GLOBAL: []
    }  # fmt: skip
    for response in _responses_for_composer(ticket, agent):
        groups[response.scope].append(response)
    labels = {
        ResponseScope.PERSONAL: _("Mes réponses"),
        ResponseScope.SERVICE: ticket.service.name,
        ResponseScope.GLOBAL: _("Tous les services"),
    }
    return [(labels[scope], responses) for scope, responses in groups.items() if responses]


def managed_responses(user: Any) -> QuerySet[SavedResponse]:
    """The responses a user may edit: their own, those of the services they manage, and for an
    administrator the global ones and every service's."""
    qs = SavedResponse.objects.select_related("service", "owner", "updated_by")
    mine = Q(owner_id=user.pk)
    if roles.is_admin(user):
        return qs.filter(mine | Q(owner__isnull=True))
    return qs.filter(mine | Q(service_id__in=user.managed_service_ids))


def append_text(current: str, addition: str) -> str:
    """``addition`` after what was typed, separated by a blank line."""
    current = (current or "").rstrip()
    return f"{current}\n\n{addition}" if current else addition
