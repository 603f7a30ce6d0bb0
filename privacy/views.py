"""Pages of personal data governance: what a requester can see about themselves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy.models import AccessRecord

ACCESS_PAGE_SIZE = 50


@login_required
@require_GET
def my_accesses(request: HttpRequest) -> HttpResponse:
    """Which services accessed the requester's own requests, and when (staff names are not shown)."""
    records = AccessRecord.objects.about_requester(request.user)
    page = Paginator(records, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/my_accesses.html", {"page": page})
