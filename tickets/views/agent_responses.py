"""Saved responses: every agent manages their own; managers those of their services; administrators also the
global ones (for every service)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from catalogue.models import Service
from tickets.agent import responses as saved
from tickets.agent.forms import SavedResponseForm


def _managed_services(request: HttpRequest):
    """The services whose responses the user edits (none for a plain agent); 404 for non-staff."""
    user = request.user
    if roles.is_admin(user):
        return Service.objects.all()
    if not roles.is_helpdesk_staff(user):
        raise Http404
    return Service.objects.filter(pk__in=user.managed_service_ids)


@login_required
@require_GET
def response_list(request: HttpRequest) -> HttpResponse:
    _managed_services(request)
    context = {
        "responses": saved.managed_responses(request.user), "placeholders": saved.PLACEHOLDERS,
        "section": "responses",
    }  # fmt: skip
    return render(request, "tickets/agent/responses.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def response_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    services = _managed_services(request)
    instance = get_object_or_404(saved.managed_responses(request.user), pk=pk) if pk else None
    form = SavedResponseForm(
        request.POST or None, instance=instance, services=services,
        may_edit_global=roles.is_admin(request.user), author=request.user,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        response = form.save(commit=False)
        response.updated_by = request.user
        response.save()
        messages.success(
            request, _("La réponse enregistrée « %(title)s » est sauvegardée.") % {"title": response.title}
        )
        return redirect("agent:responses")
    context = {"form": form, "instance": instance, "placeholders": saved.PLACEHOLDERS}
    return render(request, "tickets/agent/response_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def response_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _managed_services(request)
    response = get_object_or_404(saved.managed_responses(request.user), pk=pk)
    response.delete()
    messages.success(request, _("La réponse enregistrée est supprimée."))
    return redirect("agent:responses")
