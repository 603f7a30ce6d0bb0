"""Pages of personal data governance: what a requester can see about themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy.models import AccessRecord, PrivacyContact
from privacy.register import processing_register, register_csv

ACCESS_PAGE_SIZE = 50


@login_required
@require_GET
def my_accesses(request: HttpRequest) -> HttpResponse:
    """Which services accessed the requester's own requests, and when (staff names are not shown)."""
    records = AccessRecord.objects.about_requester(request.user)
    page = Paginator(records, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/my_accesses.html", {"page": page})


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    """The privacy notice: who is responsible, what is kept how long, and the requester's rights."""
    context = {
        "contact": PrivacyContact.for_site(get_current_site(request)),
        "retention_months": settings.GUICHET_RETENTION_MONTHS,
        "sve_retention_months": settings.GUICHET_SVE_RETENTION_MONTHS,
    }
    return render(request, "privacy/notice.html", context)


def require_register_reader(request: HttpRequest) -> None:
    """Administrators and the DPO (given ``view_processing_register``) only."""
    if not request.user.has_perm("privacy.view_processing_register"):
        raise PermissionDenied


@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    require_register_reader(request)
    context = {"activities": processing_register(), "contact": PrivacyContact.for_site(get_current_site(request))}
    return render(request, "privacy/register.html", context)


@login_required
@require_GET
def register_export(request: HttpRequest) -> HttpResponse:
    require_register_reader(request)
    response = HttpResponse(register_csv(processing_register()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="registre-des-traitements.csv"'
    return response
