"""Every action of the registry (``tickets.actions.ACTIONS``) as ``POST …/actions/{name}/``.

The same form, arguments and door as the ticket pages (``tickets.views.acting``):
the ticket is found through ``visible_to`` (404), the version the caller saw
comes from ``If-Match`` (412 when stale), the door refuses with
``ActionForbidden`` (403) or ``ActionRefused`` (409). A read-only token is
stopped before (403, ``api.permissions.TokenScope``).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from django.http import Http404, QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedIn
from api.serializers import ActionSerializer, TicketDetailSerializer
from api.views.base import expected_version, ticket_response, visible_ticket
from tickets import permissions as perms
from tickets.actions import ACTIONS, ActionSpec
from tickets.exceptions import ActionForbidden
from tickets.models import PendingUpload, Ticket

SPECS: dict[str, ActionSpec] = {name: spec for side in ACTIONS.values() for name, spec in side.items()}


def _form_data(data: Any) -> QueryDict | dict[str, Any]:
    if isinstance(data, QueryDict):
        return data.copy()
    if not isinstance(data, dict):
        raise exceptions.ParseError(_("Un objet JSON est attendu."))
    return {key: value for key, value in data.items() if value is not None and not isinstance(value, dict | list)}


def run_action(request: Request, ticket: Ticket, name: str, data: Any, *, files: Sequence[PendingUpload] = ()) -> Any:
    """Bind the action's form with ``data`` and the version from ``If-Match``, call its door; returns
    what the door returns (the event, or the new ticket of a follow-up)."""
    spec = SPECS.get(name)
    if spec is None:
        raise Http404
    user = request.user
    if spec.side == "service" and not perms.is_service_staff(ticket, user):
        raise ActionForbidden(_("Vous n'avez pas le droit de faire cette action sur cette demande."))
    bound = _form_data(data)
    bound["version"] = str(expected_version(request, ticket))
    form = spec.make_form(ticket, user, bound, request.FILES)
    if not form.is_valid():
        raise exceptions.ValidationError(
            {k: [str(e["message"]) for e in v] for k, v in form.errors.get_json_data().items()}
        )
    arguments = spec.arguments(ticket, user, form.cleaned_data)
    if files:
        if "files" not in inspect.signature(spec.door).parameters:
            raise exceptions.ValidationError({"uploads": [_("Cette action ne prend pas de fichier.")]})
        arguments["files"] = [*arguments.get("files", []), *files]
    return spec.door(ticket=ticket, actor=user, **arguments)


class TicketAction(APIView):
    permission_classes = [SignedIn]

    @extend_schema(
        request=ActionSerializer,
        parameters=[
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(SPECS)),
            OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="l'ETag de la demande lue"),
        ],
        responses={
            200: TicketDetailSerializer,
            201: OpenApiResponse(TicketDetailSerializer, description="la demande de suite créée"),
            403: OpenApiResponse(description="action non autorisée (problem+json)"),
            404: OpenApiResponse(description="demande invisible"),
            409: OpenApiResponse(description="refusée par le circuit (problem+json)"),
            412: OpenApiResponse(description="version périmée (problem+json)"),
        },
        operation_id="tickets_actions_create",
    )
    def post(self, request: Request, reference: int, action: str) -> Response:
        """Do one workflow action; the answer is the ticket afterwards, with its new ``ETag``."""
        if action not in SPECS:
            raise Http404
        ticket = visible_ticket(request.user, reference)
        result = run_action(request, ticket, action, request.data)
        if SPECS[action].files_new_ticket:
            return ticket_response(request, visible_ticket(request.user, result.reference), status.HTTP_201_CREATED)
        return ticket_response(request, visible_ticket(request.user, reference))
