"""Acting on a ticket from either page: one view body for every action of the registry.

Bind the action's form, call its door, and answer a refusal the same way on
both sides: ``ActionForbidden`` is 403; ``StaleTicket`` and ``ActionRefused``
are 409 with the current page, the typed text kept (for a stale form, against
the current version, with what changed meanwhile). The banner of a stale form
says what to do with the kept text: reloading the page, as the door's own
message says to callers without a form, would lose it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from tickets import selectors
from tickets.actions import ActionSpec
from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket
from tickets.models import Ticket

PageRenderer = Callable[..., HttpResponse]
STALE_TEXT_KEPT = _(
    "Cette demande a été modifiée entre-temps : rien n'a été envoyé. Votre texte est conservé ci-dessous ; "
    "lisez ce qui a changé, puis renvoyez-le tel quel ou corrigé. Ne rechargez pas la page : le texte serait perdu."
)


def _has_typed_text(form) -> bool:
    """Something the user typed is in the form (a form of buttons only has nothing to lose on reload)."""
    return any(form.data.get(field.html_name) for field in form.visible_fields())


def refusal_status(exc: ActionRefused) -> int:
    return 403 if isinstance(exc, ActionForbidden) else 409


def act_on_ticket(
    request: HttpRequest,
    ticket: Ticket,
    spec: ActionSpec,
    *,
    render_page: PageRenderer,
    reload: Callable[[], Ticket],
    page_url: str | Callable[[], str],
) -> HttpResponse:
    """``render_page(request, ticket, bound=..., stale_events=..., status=...)`` shows the side's page;
    ``reload()`` reads the ticket again through the side's access helper; ``page_url`` is where success goes
    (a callable is asked after the door, when where to go depends on what it did)."""
    user = request.user
    form = spec.make_form(ticket, user, request.POST, request.FILES)
    if not form.is_valid():
        return render_page(request, ticket, bound={spec.name: form}, status=400)
    try:
        result = spec.door(ticket=ticket, actor=user, **spec.arguments(ticket, user, form.cleaned_data))
    except ActionRefused as exc:
        stale = isinstance(exc, StaleTicket)
        messages.error(request, STALE_TEXT_KEPT if stale and _has_typed_text(form) else exc.message)
        stale_events = None
        if stale:
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
    return redirect(page_url() if callable(page_url) else page_url)
