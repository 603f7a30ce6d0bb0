"""The DA statuses of DESIGN.md § Ticket workflow and seed 002, their sub-states ("états"),
their groups and plain-words explanations.

The university branches use the nine-status core; the agency's DA branches use the full
lifecycle of seed 002 (``catalogue.models.Lifecycle``): the états of ECT, DEV and CTR, the
development and acceptance cycle DEV → PEC → CTR / TND → TER, EXC and REM.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Lifecycle


class TicketStatus(models.TextChoices):
    NEW = "NEW", _("Nouvelle")
    ECT = "ECT", _("En cours de traitement")
    ARS = "ARS", _("En attente de renseignements")
    AVS = "AVS", _("En attente de validation")
    ATD = "ATD", _("En attente de décision")
    ADV = "ADV", _("En attente de développement")
    DEV = "DEV", _("En développement")
    PEC = "PEC", _("Pris en compte")
    CTR = "CTR", _("En recette")
    TND = "TND", _("Documentation à mettre à jour")
    REM = "REM", _("Remplacement de logiciel en cours")
    TER = "TER", _("Terminée")
    REJ = "REJ", _("Rejetée")
    EXC = "EXC", _("Exclue")
    ABN = "ABN", _("Abandonnée")


class Etat(models.TextChoices):
    """The sub-state of a status (seed 002's "État" column); empty is the seed's "--"."""

    INT = "INT", _("Traitée par le consultant de l'agence")
    EXT = "EXT", _("Traitée par le prestataire (externalisée)")
    EXP = "EXP", _("Expertise interne à l'agence")
    AVA = "AVA", _("Réponse du prestataire en attente de validation par l'agence")
    INI = "INI", _("Développement planifié")
    EC = "EC", _("En cours")
    SUS = "SUS", _("Développement suspendu")
    CLO = "CLO", _("Clos")


class Origin(models.TextChoices):
    """Who created the DA (seed 002, the états of NEW)."""

    VSR = "VSR", _("Création par un site VSR et l'équipe de l'agence")
    VA = "VA", _("Création par un site VA et l'équipe de l'agence")
    FA = "FA", _("Création par un correspondant et l'équipe de l'agence")


# Named groups: code says ``TicketStatus`` groups, never a list of codes.
OPEN_STATES = frozenset({TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ARS, TicketStatus.AVS,
                         TicketStatus.ATD, TicketStatus.ADV, TicketStatus.DEV, TicketStatus.PEC,
                         TicketStatus.CTR, TicketStatus.TND, TicketStatus.REM})  # fmt: skip
CLOSED_STATES = frozenset({TicketStatus.TER, TicketStatus.REJ, TicketStatus.EXC, TicketStatus.ABN})
# The requester has to do something; a timer runs (reminder, then automatic closure). Seed 002
# sets timers on these two only: the development and acceptance cycle waits on the agency.
WAITING_REQUESTER = frozenset({TicketStatus.ARS, TicketStatus.AVS})
WAITING_SERVICE = OPEN_STATES - WAITING_REQUESTER
# The development and acceptance cycle and the statuses only the agency's DA branches use.
LIFECYCLE_ONLY = frozenset({TicketStatus.DEV, TicketStatus.PEC, TicketStatus.CTR, TicketStatus.TND,
                            TicketStatus.REM, TicketStatus.EXC})  # fmt: skip
CORE_STATES = frozenset(set(TicketStatus) - LIFECYCLE_ONLY)

TicketStatus.OPEN_STATES = OPEN_STATES  # type: ignore[attr-defined]
TicketStatus.CLOSED_STATES = CLOSED_STATES  # type: ignore[attr-defined]
TicketStatus.WAITING_REQUESTER = WAITING_REQUESTER  # type: ignore[attr-defined]
TicketStatus.WAITING_SERVICE = WAITING_SERVICE  # type: ignore[attr-defined]

# Which statuses each kind of catalogue branch uses (``Category.lifecycle``).
STATUSES_BY_LIFECYCLE: dict[str, frozenset[str]] = {
    Lifecycle.CORE: CORE_STATES,
    Lifecycle.AGENCY: frozenset(TicketStatus),
}

# The états of each status on the full lifecycle, the first one being set on entering it.
ETATS: dict[str, tuple[str, ...]] = {
    TicketStatus.ECT: (Etat.INT, Etat.EXT, Etat.EXP, Etat.AVA),
    TicketStatus.DEV: (Etat.INI, Etat.EC, Etat.SUS, Etat.CLO),
    TicketStatus.CTR: (Etat.EC, Etat.CLO),
}
# États an agent sets by hand (``ticket_set_etat``); EXT and AVA belong to the provider
# doors (handing over, the provider's answer, its validation or return).
MANUAL_ETATS: dict[str, tuple[str, ...]] = {
    TicketStatus.ECT: (Etat.INT, Etat.EXP),
    TicketStatus.DEV: (Etat.INI, Etat.EC, Etat.SUS, Etat.CLO),
    TicketStatus.CTR: (Etat.EC, Etat.CLO),
}


def statuses_for(lifecycle: str) -> frozenset[str]:
    return STATUSES_BY_LIFECYCLE[lifecycle]


def entering_etat(status: str, lifecycle: str, *, handed_to_provider: bool = False) -> str:
    """The état a ticket takes on entering ``status``: the first of its états on the full
    lifecycle (back to ECT, EXT while a provider holds it: a refused answer goes back to
    whoever wrote it), none ("--") elsewhere."""
    if lifecycle != Lifecycle.AGENCY or status not in ETATS:
        return ""
    if status == TicketStatus.ECT and handed_to_provider:
        return Etat.EXT
    return ETATS[status][0]


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
    TicketStatus.DEV: _("La correction ou l'évolution est en développement. Vous n'avez rien à faire."),
    TicketStatus.PEC: _("Le développement est pris en compte : il doit passer en environnement de qualification."),
    TicketStatus.CTR: _("Le projet concerné recette la correction ou l'évolution."),
    TicketStatus.TND: _("Aucune erreur n'a été trouvée, mais la documentation fonctionnelle doit être mise à jour."),
    TicketStatus.REM: _("Un remplacement du logiciel concerné est en cours ; votre demande en dépend."),
    TicketStatus.TER: _("Votre demande est terminée."),
    TicketStatus.REJ: _("Votre demande a été rejetée ; le motif figure dans l'historique."),
    TicketStatus.EXC: _("Votre demande a été exclue ; le motif figure dans l'historique."),
    TicketStatus.ABN: _("Votre demande a été abandonnée."),
}

# The seed's own words for each status and état (seed 002, "Définition des statuts"): the legend.
SEED_MEANINGS = {
    TicketStatus.NEW: _("Nouvelle fiche créée."),
    TicketStatus.ECT: _("En cours de traitement."),
    TicketStatus.ARS: _("En attente de renseignements par le site."),
    TicketStatus.AVS: _("Réponse envoyée au site : en attente de validation par le site."),
    TicketStatus.ATD: _("L'analyse aboutit à une prise de décision en réunion."),
    TicketStatus.ADV: _("Développement décidé, en attente de planification du développement."),
    TicketStatus.DEV: _("En développement."),
    TicketStatus.PEC: _("Pris en compte : fiche à passer en environnement de qualification."),
    TicketStatus.CTR: _("Fiche prise en compte par le projet concerné pour la recette."),
    TicketStatus.TND: _("Pas d'erreur, mais mise à jour de la documentation fonctionnelle à faire."),
    TicketStatus.REM: _("Remplacement de logiciel en cours."),
    TicketStatus.TER: _("Terminé."),
    TicketStatus.REJ: _("Fiche rejetée."),
    TicketStatus.EXC: _("Exclu / rejeté."),
    TicketStatus.ABN: _("Fiche abandonnée par le correspondant, ou close automatiquement sans réponse."),
}
ETAT_MEANINGS = {
    (TicketStatus.ECT, Etat.INT): _("La fiche est traitée par le consultant de l'agence."),
    (TicketStatus.ECT, Etat.EXT): _("La fiche est traitée par le prestataire (externalisée)."),
    (TicketStatus.ECT, Etat.EXP): _("Demande d'expertise en interne à l'agence."),
    (TicketStatus.ECT, Etat.AVA): _("Réponse du prestataire : en attente de validation par l'agence."),
    (TicketStatus.DEV, Etat.INI): _("Développement planifié."),
    (TicketStatus.DEV, Etat.EC): _("Développement en cours."),
    (TicketStatus.DEV, Etat.SUS): _("Développement suspendu."),
    (TicketStatus.DEV, Etat.CLO): _("Développement clos."),
    (TicketStatus.CTR, Etat.EC): _("Fiche en phase de recette."),
    (TicketStatus.CTR, Etat.CLO): _("Fiche recettée, en attente de la mise à jour de la documentation."),
}
