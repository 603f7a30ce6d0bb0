"""Pages of personal data governance: what a requester can see about themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacy.erasure import erasure_request
from privacy.export import export_from_token, export_token
from privacy.forms import AccessJournalFilterForm
from privacy.models import AccessRecord, DataExport, ErasureRequest, PrivacyContact
from privacy.register import processing_register, register_csv
from privacy.services import data_export_request

ACCESS_PAGE_SIZE = 50


@login_required
@require_GET
def access_journal(request: HttpRequest) -> HttpResponse:
    """The audit trail of staff access, filtered: administrators and the DPO (``view_accessrecord``)."""
    if not request.user.has_perm("privacy.view_accessrecord"):
        raise PermissionDenied
    form = AccessJournalFilterForm(request.GET or None)
    records = AccessRecord.objects.select_related("user", "ticket", "ticket__service").order_by("-created", "-pk")
    if request.GET:
        records = form.filter(records)
    page = Paginator(records, ACCESS_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "months": settings.GUICHET_ACCESS_LOG_MONTHS,
    }
    return render(request, "privacy/access_journal.html", context)


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


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """Right of access and portability: ask for the ZIP of everything held about oneself, then download it."""
    if request.method == "POST":
        data_export_request(user=request.user)
        messages.success(request, _("Votre export est en préparation ; revenez sur cette page dans quelques minutes."))
        return redirect("privacy:my_data")
    available = set(DataExport.objects.available().filter(user=request.user))
    exports = [
        (export, export_token(export) if export in available else None)
        for export in DataExport.objects.filter(user=request.user)[:10]
    ]
    context = {
        "exports": exports,
        "hours": settings.GUICHET_DATA_EXPORT_HOURS,
        "erasures": ErasureRequest.objects.filter(user=request.user)[:5],
    }
    return render(request, "privacy/my_data.html", context)


@login_required
@require_POST
def my_erasure(request: HttpRequest) -> HttpResponse:
    """Right to erasure: the requester asks; an administrator carries it out or refuses it (admin)."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Cochez la case pour confirmer votre demande d'effacement."))
        return redirect("privacy:my_data")
    erasure_request(user=request.user)
    messages.success(request, _("Votre demande d'effacement est enregistrée ; un administrateur va la traiter."))
    return redirect("privacy:my_data")


@login_required
@require_GET
def my_data_download(request: HttpRequest, token: str) -> FileResponse:
    export = export_from_token(token=token, user=request.user)
    if export is None:
        raise Http404
    response = FileResponse(
        export.file.open("rb"), as_attachment=True, filename="mes-donnees.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
