"""Ticket priority: GLPI's impact × urgency matrix, or the blocking scheme of seed 002.

A category chooses its scheme (``Category.priority_scheme``). Whatever the
scheme, the ticket stores a priority level 1–5 so queues sort one way.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import PriorityScheme


class Level(models.IntegerChoices):
    VERY_LOW = 1, _("Très basse")
    LOW = 2, _("Basse")
    MEDIUM = 3, _("Moyenne")
    HIGH = 4, _("Haute")
    VERY_HIGH = 5, _("Très haute")


# GLPI's matrix: MATRIX[urgency][impact], both 1–5.
MATRIX: dict[int, tuple[int, int, int, int, int]] = {
    1: (1, 1, 2, 2, 2),
    2: (1, 2, 2, 3, 3),
    3: (2, 2, 3, 4, 4),
    4: (2, 3, 4, 4, 5),
    5: (2, 3, 4, 5, 5),
}

# A 3-level category offers low / medium / high, placed on the 5-level scale.
THREE_LEVELS = (Level.VERY_LOW, Level.MEDIUM, Level.VERY_HIGH)
THREE_LEVEL_LABELS = {Level.VERY_LOW: _("Basse"), Level.MEDIUM: _("Moyenne"), Level.VERY_HIGH: _("Haute")}

BLOCKING_LABELS = {True: _("Bloquant"), False: _("Non bloquant")}

DEFAULT_PRIORITY = Level.MEDIUM
BLOCKING_PRIORITY = Level.VERY_HIGH
NON_BLOCKING_PRIORITY = Level.MEDIUM

# Seed 002, "Rappel de la définition du caractère bloquant", shown to the requester.
BLOCKING_DEFINITION = _(
    "Est bloquant un événement qui affecte la disponibilité, l'intégrité ou la confidentialité du produit "
    "et des données qu'il contient. C'est un événement qui, notamment : endommage les bases de données du "
    "système ; rend inopérante l'utilisation de tout ou partie du système ; produit un résultat erroné ou "
    "un fonctionnement non conforme à la documentation fournie ; entraîne l'utilisation de données obsolètes. "
    "Un problème est habituellement considéré comme bloquant lorsque l'utilisateur ne peut dérouler "
    "intégralement un processus métier couvert par le périmètre du produit. Une demande de validation ou "
    "d'information sur un point ne peut donc pas être considérée comme bloquante. La qualification du "
    "caractère bloquant relève in fine du service, qui peut la modifier ; vous en serez alors informé."
)


def matrix_priority(*, impact: int, urgency: int) -> int:
    if impact not in range(1, 6) or urgency not in range(1, 6):
        raise ValueError(f"impact and urgency must be 1–5, got {impact!r}, {urgency!r}")
    return MATRIX[urgency][impact - 1]


def level_choices(scheme: str) -> list[tuple[int, str]]:
    """The impact/urgency choices a category of this scheme offers."""
    if scheme == PriorityScheme.MATRIX_3:
        return [(int(level), str(THREE_LEVEL_LABELS[level])) for level in THREE_LEVELS]
    return [(int(value), str(label)) for value, label in Level.choices]


def priority_label(*, priority: int, is_blocking: bool | None) -> str:
    """The one wording of a ticket's priority, read by the requester and the agents alike.

    A ticket of the blocking scheme (seed 002) is "Bloquant" or "Non bloquant"
    on both sides; its level 1–5 only sorts the queue. Other tickets show their
    level ("Très haute"…).
    """
    if is_blocking is not None:
        return str(BLOCKING_LABELS[is_blocking])
    return str(Level(priority).label)


def compute_priority(
    *, scheme: str, impact: int | None = None, urgency: int | None = None, is_blocking: bool | None = None
) -> int:
    """The stored level for the inputs of ``scheme``; missing inputs give the default."""
    if scheme in (PriorityScheme.MATRIX_3, PriorityScheme.MATRIX_5) and impact and urgency:
        return matrix_priority(impact=impact, urgency=urgency)
    if scheme == PriorityScheme.BLOCKING and is_blocking is not None:
        return BLOCKING_PRIORITY if is_blocking else NON_BLOCKING_PRIORITY
    return DEFAULT_PRIORITY
