"""Filing a ticket from a catalogue leaf: form, preview ("Aperçu"), submission, confirmation.

Files chosen on the form are checked at once and kept in storage as
``PendingUpload`` rows owned by the user, so that neither the preview step
nor an error on another field makes the requester select them again; the
submission turns them into attachments. Stale ones are purged by a periodic
task.
"""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.profile import profile_initial
from catalogue.models import Category, CategoryKind
from catalogue.request_forms import build_request_form, serialise_values
from catalogue.selectors import catalogue_read_once, category_for_user_or_404
from tickets import workflow as wf
from tickets.forms import TicketForm
from tickets.models import PendingUpload, Ticket
from tickets.priority import BLOCKING_LABELS, Level
from tickets.uploads import pending_uploads_create

STEP_PREVIEW, STEP_EDIT, STEP_SUBMIT = "preview", "edit", "submit"


def _leaf(request: HttpRequest, slug: str) -> Category:
    """The leaf to file into, from the catalogue as the requester sees it (with its service,
    software and form fields); 404 outside their audience, as in the catalogue."""
    category = category_for_user_or_404(user=request.user, slug=slug)
    if category.kind != CategoryKind.LEAF or category.service_id is None:
        raise Http404("No leaf category with a service matches the given slug.")
    return category


def _rebind(request: HttpRequest, category: Category, pending: list[PendingUpload]) -> TicketForm:
    data = request.POST.copy()
    data["pending"] = ",".join(str(p.token) for p in pending)
    form = TicketForm(data, category=category, user=request.user)
    form.is_valid()
    return form


def _priority_label(form: TicketForm) -> str:
    data = form.cleaned_data
    if "is_blocking" in data:
        return str(BLOCKING_LABELS[data["is_blocking"]])
    if "impact" in data:
        return _("Impact : %(impact)s, urgence : %(urgency)s") % {
            "impact": Level(data["impact"]).label,
            "urgency": Level(data["urgency"]).label,
        }
    return ""


@verified_email_required
@require_http_methods(["GET", "POST"])
def file_ticket(request: HttpRequest, slug: str) -> HttpResponse:
    with catalogue_read_once():  # the page and the door check the same audience: read it once
        return _file_ticket(request, slug)


def _file_ticket(request: HttpRequest, slug: str) -> HttpResponse:
    category = _leaf(request, slug)
    extra_class = build_request_form(category)
    if request.method == "GET":
        # Identity fields start from the requester's profile; changing them here changes this request only.
        extra_form = extra_class(prefix="f", initial=profile_initial(request.user, extra_class.field_specs))
        context = {"form": TicketForm(category=category, user=request.user), "extra_form": extra_form}
        return render(request, "tickets/file.html", {"category": category, **context})

    step = request.POST.get("step", STEP_PREVIEW)
    form = TicketForm(request.POST, request.FILES, category=category, user=request.user)
    extra_form = extra_class(request.POST, prefix="f")
    valid = all([form.is_valid(), extra_form.is_valid()])  # both run, so both show their errors
    pending = list(form.cleaned_data.get("pending") or [])
    if "attachments" not in form.errors and "pending" not in form.errors and form.cleaned_data.get("attachments"):
        pending += pending_uploads_create(user=request.user, files=form.cleaned_data.get("attachments") or [])
        form = _rebind(request, category, pending)
        valid = valid and form.is_valid()
    context: dict[str, Any] = {"category": category, "form": form, "extra_form": extra_form, "pending": pending}

    if valid and step == STEP_SUBMIT:
        data = form.cleaned_data
        try:
            ticket = wf.ticket_file(
                requester=request.user,
                category=category,
                title=data["title"],
                description=data["description"],
                form_values=serialise_values(extra_form),
                impact=data.get("impact"),
                urgency=data.get("urgency"),
                is_blocking=data.get("is_blocking"),
                domain=data.get("domain", ""),
                installed_version=data.get("installed_version", ""),
                internal_number=data.get("internal_number", ""),
                files=pending,
            )
        except wf.ActionRefused as exc:
            messages.error(request, exc.message)
            return render(request, "tickets/file.html", context, status=409)
        return redirect("tickets:filed", reference=ticket.reference)
    if valid and step == STEP_PREVIEW:
        context["priority_label"] = _priority_label(form)
        context["extra_values"] = [
            (extra_form[name].label, extra_form.cleaned_data[name]) for name in extra_form.fields
        ]
        return render(request, "tickets/preview.html", context)
    return render(request, "tickets/file.html", context)


@login_required
@require_GET
def filed(request: HttpRequest, reference: int) -> HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("category", "service"), reference=reference
    )
    return render(request, "tickets/filed.html", {"ticket": ticket})
