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
from tickets.agent import ages, next_ticket, queue_state
from tickets.agent import forms as af
from tickets.agent import queue as q
from tickets.agent.bulk import BULK_ACTIONS, BulkForm, run_bulk, transfer_targets
from tickets.agent.journal import journal_events
from tickets.agent.rows import queue_rows_html, ticket_rows
from tickets.agent.search import SEARCH_CANDIDATES, reference_match, search_tickets
from tickets.hooks import hooks
from tickets.models import EventAction, SavedFilter
from tickets.priority import Level

JOURNAL_PAGE_SIZE = 50
# The last activity in the lists: in full in the title, short in the cell (date filter formats).
QUEUE_DATES = {"activity_long": "DATETIME_FORMAT", "activity_day": "d/m H:i"}
SEARCH_DATES = {"activity_short": "SHORT_DATETIME_FORMAT"}


def require_staff(request: HttpRequest) -> None:
    """The agent workspace exists for agents, managers and administrators only."""
    if not roles.is_helpdesk_staff(request.user):
        raise Http404


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    if request.GET:
        params = request.GET
        queue_state.remember_query(request.user, params)
    else:  # the bare address: the filters and tab this agent used last
        params = queue_state.remembered_query(request.user)
    next_ticket.forget(request.session)
    form, service_ids, members = _filter_form(request.user, params)
    filters = form.filters()
    sort = filters.sort if filters.sort in q.SORT_KEYS else "activity"
    after = af.QueuePageForm(request.GET).values()["after"]
    page = q.keyset_page(q.queue_tickets(user=request.user, filters=filters), sort=sort, after=after)
    kept = params.copy()
    for name in ("page", "after"):
        kept.pop(name, None)
    filters_only = kept.copy()
    filters_only.pop("vue", None)
    counts = q.status_counts(filters.services)
    tab_counts = q.tab_counts(counts)
    rows = ticket_rows(page.tickets, dates=QUEUE_DATES, timings=ages.timings(page.tickets), short_status=q.SHORT_STATUS)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "rows_html": queue_rows_html(rows),
        "tab": filters.tab if filters.tab in q.TABS else q.DEFAULT_TAB,
        "tabs": [(name, tab.label, tab_counts[name]) for name, tab in q.TABS.items()],
        "filters_query": filters_only.urlencode(),
        "query_string": kept.urlencode(),
        "panel_open": queue_state.panel_open(request.user),
        "panel_in_use": _panel_filters_in_use(form),
        "saved_filters": SavedFilter.objects.filter(user=request.user),
        "save_form": af.SavedFilterForm(initial={"query": kept.urlencode()}),
        "bulk_actions": [(name, action.label) for name, action in BULK_ACTIONS.items()],
        "bulk_members": members if filters.services == service_ids else q.service_members(filters.services),
        # Values, not categories with their service: no model built for a label (issue 22).
        "bulk_categories": transfer_targets(filters.services).values_list("pk", "service__name", "name"),
        "priorities": Level.choices,
        "section": "queue",
    }
    return render(request, "tickets/agent/queue.html", context)


def _filter_form(user: User, params) -> tuple[af.QueueFilterForm, list[int], list[User]]:
    service_ids = q.queue_service_ids(user)
    members = list(q.service_members(service_ids))  # one query for both forms
    form = af.QueueFilterForm(params or None, services=q.queue_services(user), service_ids=service_ids, members=members)
    return form, service_ids, members


@login_required
@require_GET
def next_in_queue(request: HttpRequest, reference: int) -> HttpResponse:
    """The ticket after ``reference`` in the agent's queue (tab, filters and sort remembered); the queue when
    none is left."""
    require_staff(request)
    params = queue_state.remembered_query(request.user)
    form, _service_ids, _members = _filter_form(request.user, params)
    queue_qs = q.queue_tickets(user=request.user, filters=form.filters())
    found = next_ticket.next_reference(request.session, queue_qs, query=params.urlencode(), current=reference)
    if found is None:
        messages.info(request, _("Il n'y a pas d'autre demande après celle-ci dans votre file."))
        return redirect("agent:queue")
    return redirect("agent:ticket", reference=found)


# The filters of the collapsible panel (the others sit in the compact bar, always visible).
PANEL_FILTERS = ("status", "waiting", "category", "institution", "domain", "older_than")


def _panel_filters_in_use(form: af.QueueFilterForm) -> int:
    """How many filters of the closed panel apply: its summary says so, no filter works out of sight."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return sum(1 for name in PANEL_FILTERS if data.get(name))


@login_required
@require_POST
def queue_panel(request: HttpRequest) -> HttpResponse:
    """Remember whether the filter panel is open (sent by static/js/queue.js when it is toggled)."""
    require_staff(request)
    queue_state.remember_panel(request.user, is_open=request.POST.get("open") == "1")
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect("agent:queue")


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
    services = q.queue_service_ids(request.user)
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
    page, rows = None, []
    if query and not query.lstrip("#").strip().isdigit():
        found = search_tickets(user=request.user, q=query, candidates=SEARCH_CANDIDATES)
        page = q.queue_page(found, params["page"] or 1)
        # The results show titles and requesters: each ticket on the page is an access.
        hooks.record_accesses(
            user=request.user, tickets=[t.pk for t in page.tickets], kind="search", request=request, detail=query
        )
        rows = ticket_rows(page.tickets, dates=SEARCH_DATES)
    context = {"query": query, "page": page, "rows": rows, "query_string": urlencode({"q": query})}
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
        "section": "journal",
    }
    return render(request, "tickets/agent/journal.html", context)
