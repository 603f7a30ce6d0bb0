"""The lifecycle page: every status, état and transition, drawn from the FSM graph (public)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalogue.models import Lifecycle
from tickets.diagram import lifecycle_diagram


@require_GET
def lifecycle(request: HttpRequest) -> HttpResponse:
    chosen = request.GET.get("cycle")
    cycle = chosen if chosen in Lifecycle.values else Lifecycle.AGENCY
    context = {
        "diagram": lifecycle_diagram(cycle),
        "cycle": cycle,
        "cycles": [(value, label, value == cycle) for value, label in Lifecycle.choices],
    }
    return render(request, "tickets/lifecycle.html", context)
