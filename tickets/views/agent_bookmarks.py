"""Bookmarks and recently viewed tickets ("Signets / Historique"), for every signed-in user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import is_helpdesk_staff
from tickets.agent import presence


@login_required
@require_GET
def bookmarks(request: HttpRequest) -> HttpResponse:
    context = {
        "bookmarks": presence.bookmarks(request.user),
        "recent": presence.recent_tickets(request.user),
        "is_staff_user": is_helpdesk_staff(request.user),
    }
    return render(request, "tickets/agent/bookmarks.html", context)
