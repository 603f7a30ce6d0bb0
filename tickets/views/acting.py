"""Acting on a ticket from either page: one view body for every action of the registry.

Bind the action's form, call its door, and answer a refusal the same way on
both sides: ``ActionForbidden`` is 403; ``StaleTicket`` and ``ActionRefused``
are 409 with the current page, the typed text kept (for a stale form, against
the current version, with what changed meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from tickets import selectors
from tickets.actions import ActionSpec
from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket
from tickets.models import Ticket

PageRenderer = Callable[..., HttpResponse]


def refusal_status(exc: ActionRefused) -> int:
    return 403 if isinstance(exc, ActionForbidden) else 409


def act_on_ticket(
    request: HttpRequest,
    ticket: Ticket,
    spec: ActionSpec,
    *,
    render_page: PageRenderer,
    reload: Callable[[], Ticket],
    page_url: str,
) -> HttpResponse:
    """``render_page(request, ticket, bound=..., stale_events=..., status=...)`` shows the side's page;
    ``reload()`` reads the ticket again through the side's access helper; ``page_url`` is where success goes."""
    user = request.user
    form = spec.make_form(ticket, user, request.POST, request.FILES)
    if not form.is_valid():
        return render_page(request, ticket, bound={spec.name: form}, status=400)
    try:
        result = spec.door(ticket=ticket, actor=user, **spec.arguments(ticket, user, form.cleaned_data))
    except ActionRefused as exc:
        messages.error(request, exc.message)
        stale_events = None
        if isinstance(exc, StaleTicket):
            seen = form.cleaned_data["version"]
            ticket = reload()
            data = request.POST.copy()
            data["version"] = str(ticket.version)
            form = spec.make_form(ticket, user, data)
            form.is_valid()
            stale_events = selectors.ticket_changes_since(ticket=ticket, version=seen)
        return render_page(
            request, ticket, bound={spec.name: form}, stale_events=stale_events, status=refusal_status(exc)
        )
    if spec.success:
        messages.success(request, spec.success)
    if spec.files_new_ticket:
        return redirect("tickets:filed", reference=result.reference)
    return redirect(page_url)
