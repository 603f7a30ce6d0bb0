"""The agent's ticket page: a compact header with the one-click actions, one composer, the other actions
one form at a time (see ``tickets.agent.ticket_page``), the timeline with internal notes, the requester."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from catalogue.request_forms import labelled_values
from tickets import permissions as perms
from tickets import selectors
from tickets.actions import ACTIONS, available_actions
from tickets.agent import forms as af
from tickets.agent import kept_catalogue, presence
from tickets.agent import responses as saved
from tickets.agent import ticket_page as page
from tickets.hooks import hooks
from tickets.models import Ticket, TicketEvent
from tickets.views.acting import act_on_ticket

KB_RESULTS = 5
SERVICE_ACTIONS = ACTIONS["service"]
# The composer's buttons that do not send (without JavaScript): they come back to the page, text kept.
DRAFT_BUTTONS = ("chercher", "inserer", "article")


def staff_ticket(request: HttpRequest, reference: int) -> Ticket:
    """A ticket the user sees AND handles (service staff); anything else is 404."""
    ticket = selectors.staff_ticket(user=request.user, reference=reference)
    if ticket is None:
        raise Http404
    kept_catalogue.attach(ticket)
    if not perms.is_service_staff(ticket, request.user):
        raise Http404
    return ticket


@dataclass(frozen=True)
class Draft:
    """What the composer held when one of its no-JavaScript buttons (search, insert) brought the page back."""

    mode: str
    text: str
    kb_query: str


def _inserted_text(params: dict[str, Any], request: HttpRequest, ticket: Ticket, current: str) -> str:
    return selectors.insertable_text(
        ticket=ticket, agent=request.user, response_id=params["reponse"], article_id=params["article"],
        current=current, absolute_url=request.build_absolute_uri,
    )  # fmt: skip


def _with_errors(form: forms.Form | None) -> forms.Form | None:
    return form if form is not None and form.is_bound and form.errors else None


def render_agent_ticket(
    request: HttpRequest,
    ticket: Ticket,
    *,
    bound: dict[str, forms.Form] | None = None,
    stale_events: list[TicketEvent] | None = None,
    status: int = 200,
    draft: Draft | None = None,
) -> HttpResponse:
    """The page; ``bound`` is the one form sent back (errors or refusal: its typed text is shown again)."""
    user = request.user
    actions = page.arrange(available_actions(ticket, user, "service"), ticket, user)
    params = af.AgentPageForm(request.GET).values()
    bound_name, bound_form = next(iter((bound or {}).items()), (None, None))

    in_composer = bound_name in page.COMPOSER_MODES
    mode = actions.composer_mode(bound_name if in_composer else (draft.mode if draft else params["mode"]))
    composer = None
    if mode is not None:
        if in_composer and bound_name == mode.spec.name:
            composer = page.composer_form(mode, ticket, user, bound=bound_form, text="")
        else:
            # A refused mode no longer offered (the state moved) keeps its text in the first mode offered.
            kept = bound_form.data.get("text", "") if in_composer else (draft.text if draft else "")
            composer = page.composer_form(mode, ticket, user, bound=None, text=_inserted_text(
                params, request, ticket, kept))  # fmt: skip

    open_name = None if in_composer else (bound_name or params["action"])
    open_action = actions.menu_action(open_name) or (SERVICE_ACTIONS.get(bound_name) if bound_form else None)
    open_form = None
    if open_action is not None:
        open_form = bound_form if bound_name == open_action.name else open_action.make_form(
            ticket, user, initial={"version": ticket.version})  # fmt: skip

    kb_query = draft.kb_query if draft else params["q"]
    history = page.staff_history(ticket, user, keep=request.method == "GET")
    context = {
        "ticket": ticket,
        "actions": actions,
        "composer": composer,
        "composer_mode": mode,
        "open_action": open_action,
        "open_form": open_form,
        "error_form": _with_errors(composer if in_composer and composer and composer.is_bound else bound_form),
        "clock": page.ticket_clock(ticket, timezone.now()),
        "history": history,
        **selectors.ticket_side_panel(ticket=ticket, user=user),
        "other_tickets": selectors.requester_others(ticket=ticket, user=user) if params["autres"] else None,
        "duplicates": history.duplicates,
        "duplicate_of_staff": bool(ticket.duplicate_of and perms.is_service_staff(ticket.duplicate_of, user)),
        # Called by the template only when its kept description is not at hand (``{% kept "description" %}``).
        "form_values": (lambda: labelled_values(ticket.category, ticket.form_values)) if ticket.form_values else [],
        "saved_response_groups": saved.grouped_for_ticket(ticket, user) if composer else [],
        "kb_query": kb_query,
        "kb_results": selectors.article_search(query=kb_query, limit=KB_RESULTS),
        "stale_events": stale_events,
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
def action_form(request: HttpRequest, reference: int, action: str) -> HttpResponse:
    """htmx: the form of one menu action, opened in the page's action panel (``?action=`` without htmx)."""
    ticket = staff_ticket(request, reference)
    actions = page.arrange(available_actions(ticket, request.user, "service"), ticket, request.user)
    spec = actions.menu_action(action)
    if spec is None:
        raise Http404
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('agent:ticket', args=[reference])}?action={action}#action-panel")
    form = spec.make_form(ticket, request.user, initial={"version": ticket.version})
    context = {"ticket": ticket, "open_action": spec, "open_form": form}
    return render(request, "tickets/agent/includes/action_panel.html", context)


@login_required
@require_GET
def other_tickets(request: HttpRequest, reference: int) -> HttpResponse:
    """htmx: the side panel's "Ses autres demandes" (``?autres=1`` without htmx: the page lists them)."""
    ticket = staff_ticket(request, reference)
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('agent:ticket', args=[reference])}?autres=1#other-tickets")
    context = {"other_tickets": selectors.requester_others(ticket=ticket, user=request.user)}
    return render(request, "tickets/agent/includes/other_tickets.html", context)


@login_required
@require_GET
def insert(request: HttpRequest, reference: int) -> HttpResponse:
    """htmx: the composer's textarea with a saved response or an article link appended to the typed text.

    The typed text comes as ``saisie`` (``static/js/agent_insert.js``); the answer replaces the textarea."""
    ticket = staff_ticket(request, reference)
    actions = page.arrange(available_actions(ticket, request.user, "service"), ticket, request.user)
    params = af.AgentPageForm(request.GET).values()
    mode = actions.composer_mode(params["mode"])
    if mode is None:
        raise Http404
    typed = params["saisie"] if "saisie" in request.GET else params["text"]
    form = page.composer_form(mode, ticket, request.user, bound=None, text=_inserted_text(
        params, request, ticket, typed))  # fmt: skip
    return render(request, "tickets/agent/includes/composer_text.html", {"composer": form})


@login_required
@require_POST
def compose(request: HttpRequest, reference: int) -> HttpResponse:
    """The composer's one form: sends through the door of the chosen mode (reply, note, question, proposal).

    Its search and insert buttons (used without JavaScript) change nothing: the page comes back with the
    typed text, the insertion or the article results."""
    ticket = staff_ticket(request, reference)
    params = af.AgentPageForm(request.POST).values()
    if params["mode"] not in page.COMPOSER_MODES:
        raise Http404
    if any(button in request.POST for button in DRAFT_BUTTONS):
        text = params["text"]
        if "inserer" in request.POST or "article" in request.POST:
            text = _inserted_text(
                {"reponse": params["reponse"] if "inserer" in request.POST else None, "article": params["article"]},
                request, ticket, text,
            )  # fmt: skip
        draft = Draft(mode=params["mode"], text=text, kb_query=params["q"])
        return render_agent_ticket(request, ticket, draft=draft)
    return act(request, reference, params["mode"], ticket=ticket)


def _after_success(request: HttpRequest, reference: int) -> str:
    """Back to the page; to the queue when the action took the ticket out of the agent's hands (a transfer
    to a service they do not work in), with a word on where it went."""
    ticket = Ticket.objects.select_related("service").filter(reference=reference).first()
    if ticket is not None and perms.is_service_staff(ticket, request.user):
        return reverse("agent:ticket", args=[reference])
    if ticket is not None:
        messages.info(
            request,
            _("La demande #%(ref)s est désormais traitée par « %(service)s » : elle a quitté votre file.")
            % {"ref": reference, "service": ticket.service.name},
        )
    return reverse("agent:queue")


@login_required
@require_POST
def act(request: HttpRequest, reference: int, action: str, *, ticket: Ticket | None = None) -> HttpResponse:
    ticket = ticket or staff_ticket(request, reference)
    return act_on_ticket(
        request, ticket, SERVICE_ACTIONS[action], render_page=render_agent_ticket,
        reload=lambda: staff_ticket(request, reference), page_url=lambda: _after_success(request, reference),
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
