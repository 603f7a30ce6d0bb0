"""The agent's ticket page: timeline with internal notes, requester, presence, and one POST form per action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from catalogue.request_forms import labelled_values
from tickets import permissions as perms
from tickets import selectors
from tickets.actions import ACTIONS, available_actions
from tickets.agent import forms as af
from tickets.agent import presence
from tickets.agent import responses as saved
from tickets.hooks import hooks
from tickets.models import Ticket, TicketEvent
from tickets.views.acting import act_on_ticket

KB_RESULTS = 5
SERVICE_ACTIONS = ACTIONS["service"]


def staff_ticket(request: HttpRequest, reference: int) -> Ticket:
    """A ticket the user sees AND handles (service staff); anything else is 404."""
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related(
            "category", "service", "requester", "assignee", "institution", "software", "follow_up_of", "duplicate_of"
        ),
        reference=reference,
    )
    if not perms.is_service_staff(ticket, request.user):
        raise Http404
    return ticket


def _inserted_text(request: HttpRequest, ticket: Ticket, current: str = "") -> str:
    params = af.AgentPageForm(request.GET).values()
    return selectors.insertable_text(
        ticket=ticket, agent=request.user, response_id=params["reponse"], article_id=params["article"],
        current=current, absolute_url=request.build_absolute_uri,
    )  # fmt: skip


def render_agent_ticket(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: dict[str, Any] | None = None,
    stale_events: list[TicketEvent] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    specs = available_actions(ticket, user, "service")
    params = af.AgentPageForm(request.GET).values()
    target = params["cible"] or "reply"
    forms = {}
    for spec in specs:
        initial = {"version": ticket.version}
        if spec.name == target and spec.insertable:
            initial["text"] = _inserted_text(request, ticket)
        forms[spec.name] = spec.make_form(ticket, user, initial=initial)
    forms.update(bound or {})
    insert_targets = [(spec.name, spec.title) for spec in specs if spec.insertable]
    context = {
        "ticket": ticket,
        "events": selectors.ticket_timeline(ticket=ticket, user=user),
        "attachments": selectors.ticket_files(ticket=ticket, with_messages=True),
        **selectors.ticket_side_panel(ticket=ticket, user=user),
        "form_values": labelled_values(ticket.category, ticket.form_values) if ticket.form_values else [],
        "saved_responses": list(saved.responses_for_ticket(ticket)) if insert_targets else [],
        "insert_targets": insert_targets,
        "insert_target": target,
        "kb_query": params["kb"],
        "kb_results": selectors.article_search(query=params["kb"], limit=KB_RESULTS),
        "action_forms": [(spec, forms[name]) for name, spec in SERVICE_ACTIONS.items() if name in forms],
        "stale_events": stale_events,
        "placeholders": saved.PLACEHOLDERS,
    }
    return render(request, "tickets/agent/ticket.html", context, status=status)


@login_required
@require_GET
def ticket_page(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = staff_ticket(request, reference)
    response = render_agent_ticket(request, ticket)
    presence.record_view(user=request.user, ticket=ticket)
    hooks.record_access(user=request.user, ticket=ticket, kind="page", request=request)
    return response


@login_required
@require_GET
def insert(request: HttpRequest, reference: int) -> HttpResponse:
    """htmx: the chosen box (``cible``) with a saved response or an article link appended to what was typed.

    The typed text of that box comes as ``saisie`` (every action textarea is named ``text``, so the page's
    script sends the chosen one under its own name); the answer retargets the swap onto that textarea.
    A box whose action is not allowed in the current state is 404, like on the page."""
    ticket = staff_ticket(request, reference)
    params = af.AgentPageForm(request.GET).values()
    spec = SERVICE_ACTIONS.get(params["cible"] or "reply")
    if spec is None or not spec.insertable or not spec.is_available(ticket, request.user):
        raise Http404
    typed = params["saisie"] if "saisie" in request.GET else params["text"]
    form = spec.make_form(ticket, request.user, initial={"text": _inserted_text(request, ticket, typed)})
    field = form["text"]
    response = render(request, "tickets/agent/includes/textarea.html", {"field": field})
    response["HX-Retarget"] = f"#{field.id_for_label}"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_POST
def act(request: HttpRequest, reference: int, action: str) -> HttpResponse:
    ticket = staff_ticket(request, reference)
    return act_on_ticket(
        request, ticket, SERVICE_ACTIONS[action], render_page=render_agent_ticket,
        reload=lambda: staff_ticket(request, reference), page_url=reverse("agent:ticket", args=[reference]),
    )  # fmt: skip


@login_required
@require_POST
def bookmark(request: HttpRequest, reference: int) -> HttpResponse:
    """Toggle the bookmark (any user who sees the ticket); back to where the form was."""
    ticket = get_object_or_404(Ticket.objects.visible_to(request.user), reference=reference)
    if presence.toggle_bookmark(user=request.user, ticket=ticket):
        messages.success(request, _("La demande est ajoutée à vos signets."))
    else:
        messages.success(request, _("La demande est retirée de vos signets."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("tickets:detail", reference=ticket.reference)
