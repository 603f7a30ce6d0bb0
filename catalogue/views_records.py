"""Institution records: the correspondents' page (read, propose) and the agency's validation queue.

A correspondent sees their own institution's record, correspondents, pending changes and
history, never another institution's (the institution comes from their memberships, never
from the URL); agents of the agency see the queue of pending changes with their diff.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from accounts.models import Institution, Membership, MembershipRole
from catalogue import forms_records as ff
from catalogue.record_changes import (
    RecordChangeRefused,
    record_change_approve,
    record_change_propose,
    record_change_refuse,
)
from catalogue.records import ChangeKind, InstalledSoftware, InstitutionRecord, RecordChange, TechnicalEnvironment


def _my_institution(request: HttpRequest) -> Institution:
    ids = sorted(request.user.correspondent_institution_ids)
    if not ids:
        raise Http404
    return Institution.objects.get(pk=ids[0])


def _installations(institution: Institution):
    return InstalledSoftware.objects.filter(institution=institution).select_related("software", "environment")


def _page(request: HttpRequest, institution: Institution, bound: dict | None = None, status: int = 200):
    forms = {
        "version": ff.VersionProposalForm(installations=_installations(institution)),
        "correspondent": ff.CorrespondentProposalForm(),
        "address": ff.AddressProposalForm(),
        **(bound or {}),
    }
    changes = RecordChange.objects.visible_to(request.user).filter(institution=institution)
    context = {
        "institution": institution,
        "record": InstitutionRecord.objects.filter(institution=institution).first(),
        "environments": TechnicalEnvironment.objects.filter(institution=institution).prefetch_related(
            "installed_software__software"
        ),
        "unplaced": _installations(institution).filter(environment__isnull=True),
        "correspondents": Membership.objects.filter(institution=institution)
        .exclude(role=MembershipRole.MEMBER)
        .select_related("user")
        .order_by("domain", "role", "user__last_name"),
        "pending": changes.pending().select_related("proposed_by"),
        "history": changes.exclude(status="pending").select_related("proposed_by", "decided_by")[:50],
        "forms": forms,
    }
    return render(request, "catalogue/institution_record.html", context, status=status)


@login_required
@require_GET
def institution_record(request: HttpRequest) -> HttpResponse:
    return _page(request, _my_institution(request))


FORMS = {
    ChangeKind.INSTALLED_VERSION: ("version", ff.VersionProposalForm),
    ChangeKind.ADD_CORRESPONDENT: ("correspondent", ff.CorrespondentProposalForm),
    ChangeKind.ADDRESS: ("address", ff.AddressProposalForm),
}


@login_required
@require_POST
def propose(request: HttpRequest, kind: str) -> HttpResponse:
    institution = _my_institution(request)
    if kind == ChangeKind.REMOVE_CORRESPONDENT:
        data = {"membership": request.POST.get("membership")}
    else:
        if kind not in FORMS:
            raise Http404
        name, form_class = FORMS[kind]
        extra = {"installations": _installations(institution)} if kind == ChangeKind.INSTALLED_VERSION else {}
        form = form_class(request.POST, **extra)
        if not form.is_valid():
            return _page(request, institution, {name: form}, status=400)
        data = form.cleaned_data
    try:
        record_change_propose(institution=institution, actor=request.user, kind=kind, proposed=data)
    except RecordChangeRefused as exc:
        messages.error(request, exc.message)
        return redirect("records:mine")
    messages.success(request, _("Votre modification est enregistrée ; elle attend la validation de l'agence."))
    return redirect("records:mine")


def _agency(request: HttpRequest) -> None:
    if not roles.is_agency_staff(request.user):
        raise PermissionDenied


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _agency(request)
    pending = RecordChange.objects.visible_to(request.user).pending().select_related("institution", "proposed_by")
    return render(request, "catalogue/record_queue.html", {"pending": pending, "section": "records"})


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    _agency(request)
    if decision not in ("valider", "refuser"):
        raise Http404
    change = get_object_or_404(RecordChange.objects.visible_to(request.user).select_related("institution"), pk=pk)
    try:
        if decision == "valider":
            record_change_approve(change=change, actor=request.user)
            messages.success(request, _("La modification est validée et appliquée."))
        else:
            record_change_refuse(change=change, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("La modification est refusée ; le correspondant en est informé."))
    except RecordChangeRefused as exc:
        messages.error(request, exc.message)
    return redirect("records:queue")
