"""Tickets: the list (filters, keyset cursor), filing through ``ticket_file``, the detail."""

from __future__ import annotations

import base64
import binascii
import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import SignedIn
from api.serializers import TicketCreateSerializer, TicketDetailSerializer, TicketPageSerializer, TicketSerializer
from api.views.base import ticket_response, visible_ticket
from catalogue.request_forms import build_request_form, serialise_values
from catalogue.selectors import visible_categories
from tickets import workflow as wf
from tickets.agent.queue import PAGE_SIZE, keyset_page
from tickets.forms import TicketForm
from tickets.models import Channel, Ticket
from tickets.status import TicketStatus

LIST_PARAMETERS = [
    OpenApiParameter("status", str, description="NEW, ECT… (plusieurs séparés par des virgules)"),
    OpenApiParameter("service", str, description="slug du service"),
    OpenApiParameter("category", str, description="slug de la catégorie"),
    OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="activité depuis (ISO 8601)"),
    OpenApiParameter("cursor", str, description="la valeur « next » de la page précédente"),
]


def encode_cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise exceptions.ValidationError({"cursor": [_("Curseur illisible.")]}) from exc


def filtered_tickets(request: Request, qs: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``qs`` (a branch of ``visible_to(user)``) narrowed by the query's filters, in the queue's activity order."""
    params = request.query_params
    errors: dict[str, list[str]] = {
        name: [_("Caractère nul interdit.")] for name, value in params.items() if "\x00" in value
    }
    if statuses := [s for s in params.get("status", "").split(",") if s]:
        if set(statuses) - set(TicketStatus.values):
            errors["status"] = [_("Statut inconnu.")]
        qs = qs.filter(status__in=statuses)
    if service := params.get("service"):
        qs = qs.filter(service__slug=service)
    if category := params.get("category"):
        qs = qs.filter(category__slug=category)
    if since := params.get("updated_since"):
        try:
            moment = parse_datetime(since) if len(since) < 40 else None
        except ValueError:  # well formed, out of range ("2026-13-45")
            moment = None
        if moment is None:
            errors["updated_since"] = [_("Date et heure ISO 8601 attendues.")]
        else:
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            qs = qs.filter(last_activity_at__gte=moment)
    if errors:
        raise exceptions.ValidationError(errors)
    return (
        qs.select_related("category", "service", "requester", "assignee")
        .defer("search_vector", "notes_vector", "description", "form_values")
        .order_by("-last_activity_at", "-pk")
    )


def merged_page(branches: list[QuerySet[Ticket]], *, after: str) -> tuple[list[Ticket], str]:
    """One keyset page (the queue's, by activity) of the union of ``branches``: each branch reads its own
    page through its index, the pages are merged, and the next cursor is the last row's (one query per
    branch: two at most). Returns the tickets and the next cursor ("" on the last page)."""
    pages = [keyset_page(branch, sort="activity", after=after) for branch in branches]
    unique = {ticket.pk: ticket for page in pages for ticket in page.tickets}
    ordered = sorted(unique.values(), key=lambda t: (t.last_activity_at, t.pk), reverse=True)
    tickets = ordered[:PAGE_SIZE]
    has_next = len(ordered) > PAGE_SIZE or any(page.has_next for page in pages)
    # The queue's cursor format: the sort's columns joined by "~" (tickets.agent.queue.keyset_page reads it).
    last = tickets[-1] if tickets else None
    return tickets, f"{last.last_activity_at.isoformat()}~{last.pk}" if has_next and last else ""


class TicketList(APIView):
    permission_classes = [SignedIn]

    @extend_schema(parameters=LIST_PARAMETERS, responses=TicketPageSerializer, operation_id="tickets_list")
    def get(self, request: Request) -> Response:
        """Visible tickets, latest activity first, 50 per page; follow ``next`` for the following page."""
        cursor = request.query_params.get("cursor", "")
        tickets, next_cursor = merged_page(
            [filtered_tickets(request, branch) for branch in Ticket.objects.visible_branches(request.user)],
            after=decode_cursor(cursor) if cursor else "",
        )
        next_url = None
        if next_cursor:
            query = request.query_params.copy()
            query["cursor"] = encode_cursor(next_cursor)
            next_url = f"{reverse('api:tickets')}?{query.urlencode()}"
        return Response({"results": TicketSerializer(tickets, many=True).data, "next": next_url})

    @extend_schema(
        request=TicketCreateSerializer,
        responses={201: TicketDetailSerializer, 400: OpenApiResponse(description="problem+json")},
        operation_id="tickets_create",
    )
    def post(self, request: Request) -> Response:
        """File a ticket in a leaf category of the caller's catalogue (the door ``ticket_file``)."""
        incoming = TicketCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        category = visible_categories(user=request.user).get(data["category"])
        if category is None or not category.accepts_tickets:
            raise exceptions.ValidationError({"category": [_("Catégorie inconnue ou fermée aux demandes.")]})
        form_data = {key: value for key, value in data.items() if key not in ("category", "form_values", "uploads")}
        if "is_blocking" in form_data:
            form_data["is_blocking"] = "1" if form_data["is_blocking"] else "0"
        form_data["pending"] = ",".join(str(token) for token in data.get("uploads", []))
        form = TicketForm(form_data, category=category, user=request.user)
        extra = build_request_form(category)(
            {f"f-{key}": value for key, value in (data.get("form_values") or {}).items()}, prefix="f"
        )
        if not all([form.is_valid(), extra.is_valid()]):
            errors = {**form.errors.get_json_data(), **{f"form_values.{k}": v for k, v in extra.errors.items()}}
            raise exceptions.ValidationError({k: [str(e.get("message", e)) for e in v] for k, v in errors.items()})
        cleaned = form.cleaned_data
        ticket = wf.ticket_file(
            requester=request.user,
            category=category,
            title=cleaned["title"],
            description=cleaned["description"],
            form_values=serialise_values(extra),
            impact=cleaned.get("impact"),
            urgency=cleaned.get("urgency"),
            is_blocking=cleaned.get("is_blocking"),
            domain=cleaned.get("domain", ""),
            installed_version=cleaned.get("installed_version", ""),
            internal_number=cleaned.get("internal_number", ""),
            files=cleaned.get("pending") or [],
            channel=Channel.WEB,
        )
        return ticket_response(request, visible_ticket(request.user, ticket.reference), status.HTTP_201_CREATED)


class TicketDetail(APIView):
    permission_classes = [SignedIn]

    @extend_schema(responses=TicketDetailSerializer, operation_id="tickets_retrieve")
    def get(self, request: Request, reference: int) -> Response:
        """One visible ticket (404 otherwise), with its ``ETag`` (the version) and the actions the caller may do."""
        return ticket_response(request, visible_ticket(request.user, reference))
