"""Why a workflow action was refused; every message is shown to the user as is."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

STALE_MESSAGE = _("Cette demande a été modifiée entre-temps, veuillez recharger la page.")


class ActionRefused(Exception):
    """The action cannot be done (wrong state, missing reason, limits…); nothing was changed."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


class ActionForbidden(ActionRefused, PermissionDenied):
    """The actor has no right to this action on this ticket."""


class StaleTicket(ActionRefused):
    """The ticket changed since the actor loaded it (optimistic locking)."""

    def __init__(self, message: object = STALE_MESSAGE) -> None:
        super().__init__(message)
