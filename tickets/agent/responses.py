"""Saved responses: which ones an agent may use on a ticket, and their placeholders.

Placeholders are whole words in braces, replaced by plain text; anything
else in braces is left as typed (no ``str.format``: a response is written by
people and must not reach object attributes). The result goes into a
textarea, where the template escapes it like any text.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import roles
from tickets.models import SavedResponse, Ticket

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


def responses_for_ticket(ticket: Ticket) -> QuerySet[SavedResponse]:
    """The saved responses of the ticket's handling service."""
    return SavedResponse.objects.filter(service_id=ticket.service_id).order_by("title")


def managed_responses(user: Any) -> QuerySet[SavedResponse]:
    """The responses a user may edit: those of the services they manage (every one for an administrator)."""

    qs = SavedResponse.objects.select_related("service", "updated_by")
    if roles.is_admin(user):
        return qs
    return qs.filter(service_id__in=user.managed_service_ids)


def append_text(current: str, addition: str) -> str:
    """``addition`` after what was typed, separated by a blank line."""
    current = (current or "").rstrip()
    return f"{current}\n\n{addition}" if current else addition
