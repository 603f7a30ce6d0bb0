"""Following tickets: my open and closed tickets, search, the ticket page and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from catalogue.request_forms import labelled_values
from tickets import forms as tf
from tickets import permissions as perms
from tickets import workflow as wf
from tickets.agent.presence import record_view
from tickets.attachments import attachment_usage
from tickets.exceptions import ActionForbidden, StaleTicket
from tickets.models import INTERNAL_KINDS, Ticket, TicketEvent
from tickets.status import REQUESTER_EXPLANATIONS

PAGE_SIZE = 20


def _visible(request: HttpRequest, reference: int) -> Ticket:
    """The one door to a ticket for a page: not visible is 404."""
    return get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related(
            "category", "service", "requester", "assignee", "institution", "software", "follow_up_of"
        ),
        reference=reference,
    )


def _list(request: HttpRequest, queryset, template: str, **extra: Any) -> HttpResponse:
    page = Paginator(queryset.for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "search_form": tf.SearchForm(), **extra})


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
def search(request: HttpRequest) -> HttpResponse:
    form = tf.SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = Ticket.objects.visible_to(request.user).search(query)
    if query.lstrip("#").strip().isdigit():
        ticket = results.first()
        if ticket is not None:
            return redirect("tickets:detail", reference=ticket.reference)
    page = Paginator(results.for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tickets/search.html", {"page": page, "search_form": form, "query": query})


def auto_id(action: str) -> str:
    """Several forms share the ticket page: ids stay unique per action."""
    return f"id_{action}_%s"


def render_ticket(
    request: HttpRequest, ticket: Ticket, *, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The ticket page; ``bound`` replaces one action form by the one just submitted (errors, typed text)."""
    user = request.user
    is_staff = perms.is_service_staff(ticket, user)
    events = (
        TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor", "message", "message__author")
        .prefetch_related("message__attachments")
    )
    if not is_staff:
        events = events.exclude(message__kind__in=INTERNAL_KINDS)
    actions = wf.available_actions(ticket, user)
    initial = {"version": ticket.version}
    usage = attachment_usage(ticket) if actions & {"answer", "refuse", "add_information"} else {}
    forms_by_action = {
        "answer": (tf.AnswerForm, {"initial": initial, **usage}),
        "approve": (tf.ApproveForm, {"initial": initial}),
        "refuse": (tf.RefuseForm, {"initial": initial, **usage}),
        "withdraw": (tf.WithdrawForm, {"initial": initial}),
        "add_information": (tf.AddInformationForm, {"initial": initial, **usage}),
        "follow_up": (tf.FollowUpForm, {"initial": {"title": _("Suite de #%(ref)s") % {"ref": ticket.reference}}}),
    }
    action_forms = {
        name: form_class(auto_id=auto_id(name), **kwargs) if name in actions else None
        for name, (form_class, kwargs) in forms_by_action.items()
    }
    action_forms.update(bound or {})
    context = {
        "ticket": ticket,
        "events": events,
        "attachments": ticket.attachments.filter(message__isnull=True).select_related("uploaded_by"),
        "follow_ups": Ticket.objects.visible_to(user).filter(follow_up_of=ticket),
        "form_values": labelled_values(ticket.category, ticket.form_values) if ticket.form_values else [],
        "explanation": REQUESTER_EXPLANATIONS[ticket.status],
        "actions": actions,
        "forms": action_forms,
        "is_staff": is_staff,
    }
    return render(request, "tickets/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = _visible(request, reference)
    response = render_ticket(request, ticket)
    record_view(user=request.user, ticket=ticket)  # "Historique" of seed 000
    return response


# Each requester action: its form class, the domain call and the success message.
ActionCall = Callable[[Ticket, Any, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[type[tf.ActionForm], ActionCall, Any]] = {
    "answer": (
        tf.AnswerForm,
        lambda t, u, d: wf.ticket_answer(
            ticket=t, actor=u, text=d["text"], files=d["attachments"], expected_version=d["version"]
        ),
        gettext_lazy("Votre réponse a été transmise au service."),
    ),
    "approve": (
        tf.ApproveForm,
        lambda t, u, d: wf.ticket_approve(ticket=t, actor=u, text=d["text"], expected_version=d["version"]),
        gettext_lazy("Merci : la réponse est validée et la demande est terminée."),
    ),
    "refuse": (
        tf.RefuseForm,
        lambda t, u, d: wf.ticket_refuse(
            ticket=t, actor=u, text=d["text"], files=d["attachments"], expected_version=d["version"]
        ),
        gettext_lazy("Votre refus a été transmis au service, qui reprend le traitement."),
    ),
    "withdraw": (
        tf.WithdrawForm,
        lambda t, u, d: wf.ticket_withdraw(ticket=t, actor=u, text=d["text"], expected_version=d["version"]),
        gettext_lazy("La demande est abandonnée."),
    ),
    "add_information": (
        tf.AddInformationForm,
        lambda t, u, d: wf.ticket_add_information(
            ticket=t, actor=u, text=d["text"], files=d["attachments"], expected_version=d["version"]
        ),
        gettext_lazy("Votre information a été ajoutée à la demande."),
    ),
}


@login_required
@require_POST
def act(request: HttpRequest, reference: int, action: str) -> HttpResponse:
    ticket = _visible(request, reference)
    form_class, call, success = ACTIONS[action]
    kwargs = attachment_usage(ticket) if issubclass(form_class, tf.TextActionForm) else {}
    form = form_class(request.POST, request.FILES, auto_id=auto_id(action), **kwargs)
    if not form.is_valid():
        return render_ticket(request, ticket, bound={action: form}, status=400)
    try:
        call(ticket, request.user, form.cleaned_data)
    except wf.ActionRefused as exc:
        messages.error(request, exc.message)
        status = 403 if isinstance(exc, ActionForbidden) else 409
        if isinstance(exc, StaleTicket):
            # Show the current state, keep what the user typed.
            ticket = _visible(request, reference)
        return render_ticket(request, ticket, bound={action: form}, status=status)
    messages.success(request, success)
    return redirect("tickets:detail", reference=ticket.reference)


@login_required
@require_POST
def follow_up(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = _visible(request, reference)
    form = tf.FollowUpForm(request.POST, request.FILES, auto_id=auto_id("follow_up"))
    if not form.is_valid():
        return render_ticket(request, ticket, bound={"follow_up": form}, status=400)
    try:
        new = wf.ticket_file_follow_up(
            ticket=ticket,
            actor=request.user,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            files=form.cleaned_data["attachments"],
        )
    except wf.ActionRefused as exc:
        messages.error(request, exc.message)
        return render_ticket(
            request, ticket, bound={"follow_up": form}, status=403 if isinstance(exc, ActionForbidden) else 409
        )
    return redirect("tickets:filed", reference=new.reference)
