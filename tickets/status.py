"""The DA statuses of DESIGN.md § Ticket workflow, their groups and plain-words explanations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    NEW = "NEW", _("Nouvelle")
    ECT = "ECT", _("En cours de traitement")
    ARS = "ARS", _("En attente de renseignements")
    AVS = "AVS", _("En attente de validation")
    ATD = "ATD", _("En attente de décision")
    ADV = "ADV", _("En attente de développement")
    TER = "TER", _("Terminée")
    REJ = "REJ", _("Rejetée")
    ABN = "ABN", _("Abandonnée")


# Named groups: code says ``TicketStatus`` groups, never a list of codes.
OPEN_STATES = frozenset({TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ARS, TicketStatus.AVS,
                         TicketStatus.ATD, TicketStatus.ADV})  # fmt: skip
CLOSED_STATES = frozenset({TicketStatus.TER, TicketStatus.REJ, TicketStatus.ABN})
# The requester has to do something; a timer runs (reminder, then automatic closure).
WAITING_REQUESTER = frozenset({TicketStatus.ARS, TicketStatus.AVS})
WAITING_SERVICE = frozenset({TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ATD, TicketStatus.ADV})

TicketStatus.OPEN_STATES = OPEN_STATES  # type: ignore[attr-defined]
TicketStatus.CLOSED_STATES = CLOSED_STATES  # type: ignore[attr-defined]
TicketStatus.WAITING_REQUESTER = WAITING_REQUESTER  # type: ignore[attr-defined]
TicketStatus.WAITING_SERVICE = WAITING_SERVICE  # type: ignore[attr-defined]


class WaitingOn(models.TextChoices):
    SERVICE = "service", _("le service")
    REQUESTER = "requester", _("le demandeur")
    NOBODY = "", _("personne")


def waiting_on(status: str) -> WaitingOn:
    if status in WAITING_REQUESTER:
        return WaitingOn.REQUESTER
    if status in WAITING_SERVICE:
        return WaitingOn.SERVICE
    return WaitingOn.NOBODY


# What the requester reads on the ticket page, in plain words.
REQUESTER_EXPLANATIONS = {
    TicketStatus.NEW: _("Votre demande est enregistrée. Elle attend d'être prise en charge par le service."),
    TicketStatus.ECT: _("Le service traite votre demande. Vous n'avez rien à faire pour l'instant."),
    TicketStatus.ARS: _("Nous attendons votre réponse : le service vous a posé une question."),
    TicketStatus.AVS: _("Une réponse vous a été proposée : validez-la ou refusez-la en expliquant pourquoi."),
    TicketStatus.ATD: _(
        "Votre demande attend une décision (par exemple d'un comité). Le service vous tiendra informé."
    ),
    TicketStatus.ADV: _("Une correction ou une évolution est prévue ; votre demande attend ce développement."),
    TicketStatus.TER: _("Votre demande est terminée."),
    TicketStatus.REJ: _("Votre demande a été rejetée ; le motif figure dans l'historique."),
    TicketStatus.ABN: _("Votre demande a été abandonnée."),
}
