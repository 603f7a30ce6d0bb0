"""Errors as RFC 9457 problem details (``application/problem+json``), in the caller's language.

The language is the request's (``Accept-Language``, else the site's), set by
``LocaleMiddleware`` before the view runs; messages come from gettext.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket

PROBLEM_TYPE = "application/problem+json"
# Stable identifiers of our problem types (the ``type`` member): relative URIs under the docs.
TYPE_BASE = "/api/docs/#problem-"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"

    def __init__(self, detail: str | None = None, version: int | None = None) -> None:
        super().__init__(detail or _("La demande a changé depuis la version indiquée dans If-Match."))
        self.version = version


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refused"


def _titles() -> dict[int, str]:
    return {
        400: _("Requête invalide"),
        401: _("Authentification requise"),
        403: _("Action non autorisée"),
        404: _("Introuvable"),
        405: _("Méthode non permise"),
        406: _("Format de réponse non disponible"),
        409: _("Action refusée par le circuit de traitement"),
        412: _("Version périmée"),
        413: _("Contenu trop volumineux"),
        415: _("Type de contenu non pris en charge"),
        428: _("Précondition requise"),
        429: _("Trop de requêtes"),
    }


def flat_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as ``{"field.sub.0": ["message", …]}``: one shape for every client."""
    found: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            found.update(flat_errors(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and all(not isinstance(item, dict | list) for item in errors):
        found[prefix or "non_field_errors"] = [str(item) for item in errors]
    elif isinstance(errors, list):
        for index, item in enumerate(errors):
            found.update(flat_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        found[prefix or "non_field_errors"] = [str(errors)]
    return found


def problem_response(
    status_code: int, detail: Any, *, code: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{code}" if code else "about:blank",
        "title": _titles().get(status_code, _("Erreur")),
        "status": status_code,
    }
    if isinstance(detail, dict | list):
        body["detail"] = _("Certaines valeurs sont invalides.")
        body["errors"] = flat_errors(detail)
    else:
        body["detail"] = str(detail)
    body.update(extra)
    response = Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)
    return response


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, then the answer reshaped as a problem document (headers such as
    ``Retry-After`` and ``WWW-Authenticate`` kept); the workflow's refusals mapped to 403/409/412."""
    if isinstance(exc, StaleTicket):
        exc = PreconditionFailed(exc.message)
    elif isinstance(exc, ActionForbidden):
        exc = exceptions.PermissionDenied(exc.message)
    elif isinstance(exc, ActionRefused):
        exc = Conflict(exc.message)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Cette ressource n'existe pas ou ne vous est pas visible."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    extra: dict[str, Any] = {}
    if isinstance(exc, PreconditionFailed) and exc.version is not None:
        extra["current_version"] = exc.version
    if response.has_header("Retry-After"):
        extra["retry_after"] = int(response["Retry-After"])
    code = exc.default_code if isinstance(exc, exceptions.APIException) else ""
    detail = response.data.get("detail", response.data) if isinstance(response.data, dict) else response.data
    problem = problem_response(response.status_code, detail, code=code, **extra)
    for name, value in response.items():
        if name.lower() not in ("content-type", "content-length"):
            problem[name] = value
    return problem
