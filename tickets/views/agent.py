"""Agent workspace pages: the queue (filters, saved filters, bulk actions), staff search, journal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.models import User
from tickets.agent import forms as af
from tickets.agent import queue as q
from tickets.agent.bulk import BulkForm, run_bulk
from tickets.agent.journal import journal_events
from tickets.agent.search import SEARCH_CANDIDATES, reference_match, search_tickets
from tickets.hooks import hooks
from tickets.models import EventAction, SavedFilter
from tickets.status import OPEN_STATES, TicketStatus

JOURNAL_PAGE_SIZE = 50


def require_staff(request: HttpRequest) -> None:
    """The agent workspace exists for agents, managers and administrators only."""
    if not roles.is_helpdesk_staff(request.user):
        raise Http404


def _filter_form(request: HttpRequest, data=None) -> af.QueueFilterForm:
    services = q.queue_services(request.user)
    members = q.service_members(q.queue_service_ids(request.user))
    return af.QueueFilterForm(data, services=services, members=members)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    data = request.GET if request.GET else None
    form = _filter_form(request, data)
    filters = form.filters()
    if data is None:
        filters.statuses = sorted(OPEN_STATES)  # by default: what is still to do
    sort = filters.sort if filters.sort in q.SORT_KEYS else "activity"
    after = af.QueuePageForm(request.GET).values()["after"]
    page = q.keyset_page(q.queue_tickets(user=request.user, filters=filters), sort=sort, after=after)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("after", None)
    context = {
        "form": form,
        "page": page,
        "counts": [(code, TicketStatus(code).label, n) for code, n in q.status_counts(filters.services).items()],
        "query_string": params.urlencode(),
        "saved_filters": SavedFilter.objects.filter(user=request.user),
        "save_form": af.SavedFilterForm(initial={"query": params.urlencode()}),
        "bulk_form": BulkForm(members=q.service_members(filters.services)),
    }
    return render(request, "tickets/agent/queue.html", context)


@login_required
@require_POST
def save_filter(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = af.SavedFilterForm(request.POST)
    if form.is_valid():
        SavedFilter.objects.update_or_create(
            user=request.user, name=form.cleaned_data["name"], defaults={"query": form.cleaned_data["query"]}
        )
        messages.success(request, _("Le filtre « %(name)s » est enregistré.") % {"name": form.cleaned_data["name"]})
        return redirect(f"{reverse('agent:queue')}?{form.cleaned_data['query']}")
    messages.error(request, _("Donnez un nom au filtre."))
    return redirect("agent:queue")


@login_required
@require_POST
def delete_filter(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("Le filtre est supprimé."))
    return redirect("agent:queue")


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    services = list(q.queue_services(request.user).values_list("pk", flat=True))
    form = BulkForm(request.POST, members=q.service_members(services))
    if not form.is_valid():
        return render(request, "tickets/agent/bulk_result.html", {"form": form, "results": []}, status=400)
    data = form.cleaned_data
    results = run_bulk(
        user=request.user,
        action=data["action"],
        tickets=data["tickets"],
        assignee=data["assignee"],
        priority=data["priority"],
        category=data["category"],
        reason=data["reason"],
    )
    context = {
        "form": form,
        "results": results,
        "done": [r for r in results if r.done],
        "refused": [r for r in results if not r.done],
        "action_label": dict(form.fields["action"].choices)[data["action"]],
    }
    return render(request, "tickets/agent/bulk_result.html", context)


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    params = af.StaffSearchForm(request.GET).values()
    query = params["q"]
    ticket = reference_match(request.user, query)
    if ticket is not None:
        hooks.record_access(user=request.user, ticket=ticket, kind="search", request=request, detail=query)
        return redirect("agent:ticket", reference=ticket.reference)
    page = None
    if query and not query.lstrip("#").strip().isdigit():
        found = search_tickets(user=request.user, q=query, candidates=SEARCH_CANDIDATES)
        page = q.queue_page(found, params["page"] or 1)
        # The results show titles and requesters: each ticket on the page is an access.
        hooks.record_accesses(
            user=request.user, tickets=[t.pk for t in page.tickets], kind="search", request=request, detail=query
        )
    context = {"query": query, "page": page, "query_string": urlencode({"q": query})}
    return render(request, "tickets/agent/search.html", context)


@login_required
@require_GET
def journal(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    params = af.JournalForm(request.GET).values()
    action, actor_id = params["action"], params["agent"]
    events = journal_events(user=request.user, action=action, actor_id=actor_id)
    page = Paginator(events, JOURNAL_PAGE_SIZE).get_page(params["page"])
    services = list(q.queue_services(request.user).values_list("pk", flat=True))
    context = {
        "page": page,
        "actions": EventAction.choices,
        "agents": User.objects.filter(service_memberships__service_id__in=services).distinct().order_by("first_name"),
        "action": action,
        "actor_id": actor_id,
        "query_string": urlencode({"action": action, "agent": actor_id or ""}),
    }
    return render(request, "tickets/agent/journal.html", context)
