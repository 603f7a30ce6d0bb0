"""What every API view shares: finding a ticket through the visibility rule, and its ETag."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import PreconditionFailed
from api.serializers import TicketDetailSerializer
from tickets.actions import ACTIONS, available_actions
from tickets.models import Ticket

# The largest key a database column holds: a longer number in a URL is a 404, not an overflow.
MAX_KEY = 2**63 - 1


def check_key(value: int) -> int:
    if not 0 < value <= MAX_KEY:
        raise Http404
    return value


def visible_ticket(user: Any, reference: int) -> Ticket:
    """The ticket ``reference`` if ``user`` sees it (``visible_to``), else 404 — never 403, which would
    tell a stranger that the reference exists."""
    check_key(reference)
    ticket = (
        Ticket.objects.visible_to(user)
        .select_related("category", "service", "requester", "assignee", "follow_up_of")
        .defer("search_vector", "notes_vector")
        .filter(reference=reference)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


def etag(ticket: Ticket) -> str:
    return f'"{ticket.version}"'


def expected_version(request: Request, ticket: Ticket) -> int:
    """The version the caller acts on: ``If-Match`` when given (412 when it is not the current one),
    else the current version (an unconditional write)."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return ticket.version
    seen = header.removeprefix("W/").strip('"')
    if not seen.isdigit() or int(seen) != ticket.version:
        raise PreconditionFailed(version=ticket.version)
    return int(seen)


def ticket_response(request: Request, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    actions = [spec.name for side in ACTIONS for spec in available_actions(ticket, request.user, side)]
    data = TicketDetailSerializer(ticket, context={"actions": actions}).data
    return Response(data, status=code, headers={"ETag": etag(ticket)})


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request: Request) -> Response:
    raise Http404
