"""The printable acknowledgement of receipt of a legal e-request (SVE)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from tickets.models import Ticket
from tickets.notifications import sve


@login_required
@require_GET
def sve_acknowledgement(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("category", "service", "requester"),
        reference=reference,
    )
    if not ticket.category.is_sve:
        raise Http404("not a legal e-request")
    return render(request, "tickets/sve_acknowledgement.html", sve.facts(ticket))
