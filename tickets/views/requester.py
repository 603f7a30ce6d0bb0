"""Following tickets: my open and closed tickets, search, the ticket page and its actions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalogue.request_forms import labelled_values
from tickets import forms as tf
from tickets import lists, selectors
from tickets import permissions as perms
from tickets.actions import ACTIONS, available_actions
from tickets.agent.presence import record_view
from tickets.models import Ticket, TicketEvent
from tickets.status import REQUESTER_EXPLANATIONS, Etat
from tickets.views.acting import act_on_ticket

REQUESTER_ACTIONS = ACTIONS["requester"]


def _visible(request: HttpRequest, reference: int) -> Ticket:
    """The one door to a ticket for a page: not visible is 404.

    Joined: what every ticket has and the page shows. Not joined: the requester
    (most often the reader: taken from the request), and the assignee, the
    software and the ticket followed up — a primary-key read each when set.
    Each join added to the visibility rule's query costs PostgreSQL more to plan
    than such a read (about 2 ms of planning with all seven, 0.3 with these)."""
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("category", "service", "institution"),
        reference=reference,
    )
    if ticket.requester_id == request.user.pk:
        ticket.requester = request.user
    return ticket


def _list(request: HttpRequest, queryset, template: str, **extra: Any) -> HttpResponse:
    page = lists.list_page(queryset, request.GET.get("page"))
    context = {"page": page, **lists.list_context(page, user=request.user), "search_form": tf.SearchForm(), **extra}
    return render(request, template, context)


@login_required
@require_GET
def my_open(request: HttpRequest) -> HttpResponse:
    qs = Ticket.objects.visible_to(request.user).requester_side(request.user).open()
    return _list(request, qs, "tickets/my_tickets.html", closed=False, section="open")


@login_required
@require_GET
def my_closed(request: HttpRequest) -> HttpResponse:
    qs = Ticket.objects.visible_to(request.user).requester_side(request.user).closed()
    return _list(request, qs, "tickets/my_tickets.html", closed=True, section="closed")


@login_required
@require_GET
def provider_tickets(request: HttpRequest) -> HttpResponse:
    """A provider's members: the DAs the agency handed to their organisation."""
    user = request.user
    qs = Ticket.objects.visible_to(user).filter(provider_id__in=user.provider_ids)
    return _list(request, qs, "tickets/my_tickets.html", closed=False, section="provider")


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = tf.SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = Ticket.objects.visible_to(request.user).search(query)
    if query.lstrip("#").strip().isdigit():
        ticket = results.first()
        if ticket is not None:
            return redirect("tickets:detail", reference=ticket.reference)
    page = lists.list_page(results, request.GET.get("page"))
    context = {"page": page, **lists.list_context(page, user=request.user), "search_form": form, "query": query}
    return render(request, "tickets/search.html", context)


def _explanation(ticket: Ticket, user: Any) -> str:
    """The status in plain words; the provider's members read what the agency expects of them."""
    if perms.is_provider_only(ticket, user):
        if ticket.etat == Etat.EXT:
            return _("L'agence vous a confié cette demande : répondez-lui ci-dessous ; elle validera votre réponse "
                     "avant de la transmettre à l'établissement.")  # fmt: skip
        return _("L'agence traite la demande ; votre réponse éventuelle attend sa validation.")
    return REQUESTER_EXPLANATIONS[ticket.status]


def render_ticket(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: dict[str, Any] | None = None,
    stale_events: list[TicketEvent] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The ticket page; ``bound`` replaces one action form by the one just submitted (errors, typed text)."""
    user = request.user
    specs = available_actions(ticket, user, "requester")
    forms = {spec.name: spec.make_form(ticket, user, initial={"version": ticket.version}) for spec in specs}
    forms.update(bound or {})
    context = {
        "ticket": ticket,
        "events": selectors.ticket_timeline(ticket=ticket, user=user),
        "attachments": selectors.ticket_files(ticket=ticket, with_messages=False),
        "follow_ups": selectors.ticket_follow_ups(ticket=ticket, user=user),
        "form_values": labelled_values(ticket.category, ticket.form_values) if ticket.form_values else [],
        "explanation": _explanation(ticket, user),
        "action_forms": [(spec, forms[name]) for name, spec in REQUESTER_ACTIONS.items() if name in forms],
        "stale_events": stale_events,
    }
    return render(request, "tickets/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = _visible(request, reference)
    response = render_ticket(request, ticket)
    record_view(user=request.user, ticket=ticket)  # "Historique" of seed 000
    return response


@login_required
@require_POST
def act(request: HttpRequest, reference: int, action: str) -> HttpResponse:
    ticket = _visible(request, reference)
    return act_on_ticket(
        request, ticket, REQUESTER_ACTIONS[action], render_page=render_ticket,
        reload=lambda: _visible(request, reference), page_url=reverse("tickets:detail", args=[reference]),
    )  # fmt: skip
