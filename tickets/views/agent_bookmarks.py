"""Bookmarks and recently viewed tickets ("Signets / Historique"), for every signed-in user."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tickets.agent import presence
from tickets.agent.queue import is_staff_user


@login_required
@require_GET
def bookmarks(request: HttpRequest) -> HttpResponse:
    context = {
        "bookmarks": presence.bookmarks(request.user),
        "recent": presence.recent_tickets(request.user),
        "is_staff_user": is_staff_user(request.user),
    }
    return render(request, "tickets/agent/bookmarks.html", context)
