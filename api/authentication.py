"""Who is calling: a Bearer token (other systems, scripts) or the browser's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from api.tokens import token_for_secret


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer gch_…``: a personal access token or a service account's."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization mal formé."))
        try:
            secret = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization mal formé.")) from exc
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Jeton inconnu, expiré ou révoqué."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("Jeton d'accès personnel ou de compte de service."),
        }
