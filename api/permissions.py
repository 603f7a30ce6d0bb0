"""What a token's scope allows: a read-only token reads, whatever its user may do."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from api.models import AccessToken


class TokenScope(permissions.BasePermission):
    message = _("Ce jeton est en lecture seule.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # answered 401 by DRF (not authenticated)
        token = request.auth
        return not isinstance(token, AccessToken) or token.can_write


class SignedIn(TokenScope):
    """A signed-in caller (401 otherwise), within its token's scope."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and super().has_permission(request, view)
