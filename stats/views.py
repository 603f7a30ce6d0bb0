"""The statistics page and its exports, under /traitement/statistiques/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import is_admin
from stats import exports
from stats.facts import refresh_dirty
from stats.forms import StatsFilterForm
from stats.indicators import compute, keys_for, scoped_facts
from stats.people import survey_comments
from stats.workload import workload
from tickets.hooks import hooks


def may_see_statistics(user) -> bool:
    """Managers, administrators and correspondents; what each of them counts is
    ``Ticket.objects.visible_to``'s answer. Agents who manage nothing get a 404:
    their numbers are in the queue."""
    return is_admin(user) or user.is_service_manager or user.is_correspondent


def _require_access(request: HttpRequest) -> None:
    if not may_see_statistics(request.user):
        raise Http404


@login_required
@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    _require_access(request)
    form = StatsFilterForm(request.GET, user=request.user)
    indicators, filters, comments = [], None, None
    if form.is_valid():
        filters = form.stats_filters()
        indicators = compute(user=request.user, filters=filters)
        if is_admin(request.user) or request.user.is_service_manager:
            # The requesters' comments are for the people who run the service, not correspondents.
            comments = survey_comments(scoped_facts(user=request.user, filters=filters), filters.period)
    return render(
        request,
        "stats/statistics.html",
        {
            "form": form,
            "filters": filters,
            "indicators": indicators,
            "comments": comments,
            "query_string": request.GET.urlencode(),
            "section": "statistics",
            # Staff keep their workspace navigation; correspondents have none.
            "layout": "tickets/agent/base_agent.html" if request.user.is_helpdesk_staff else "stats/base_plain.html",
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """``table`` is an indicator key or ``tickets`` (the filtered list); ``fmt`` csv or xlsx."""
    _require_access(request)
    if table not in keys_for(request.user) and table != "tickets":
        raise Http404
    form = StatsFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Période ou filtres invalides : corrigez-les sur la page des statistiques."))
    filters = form.stats_filters()
    if table == "tickets":
        refresh_dirty()  # the profile filter reads the facts: the last minute's tickets too
        rows = exports.ticket_rows(user=request.user, filters=filters)
        # The list holds titles: the personal data audit trail records one access per exported ticket.
        hooks.record_accesses(user=request.user, tickets=exports.exported_tickets(user=request.user, filters=filters),
                              kind="export", request=request, detail=f"{table}.{fmt}")  # fmt: skip
        sheet = _("Demandes")
    else:
        [indicator] = compute(user=request.user, filters=filters, keys=(table,))
        rows = exports.indicator_rows(indicator, filters)
        sheet = str(indicator.title)
    name = f"guichet-{table}-{filters.period.start:%Y%m%d}-{filters.period.last_day:%Y%m%d}"
    if fmt == "csv":
        return exports.csv_response(rows, name)
    return exports.xlsx_response(rows, name, sheet)


@login_required
@require_GET
def workload_page(request: HttpRequest) -> HttpResponse:
    """Managers (their services) and administrators (all): who holds what, and what is late."""
    if not (is_admin(request.user) or request.user.is_service_manager):
        raise Http404
    return render(
        request,
        "stats/workload.html",
        {"workload": workload(request.user), "section": "workload", "layout": "tickets/agent/base_agent.html"},
    )
