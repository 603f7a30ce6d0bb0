from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import IntroForm, PreferencesForm
from accounts.middleware import PENDING_LANGUAGE

logger = logging.getLogger(__name__)


def safe_next(request: HttpRequest, url: str | None, default: str = "") -> str:
    """``url`` if it stays on this site, else ``default``: no open redirects."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Takes effect on the next page, through the same path as at login.
        request.session[PENDING_LANGUAGE] = user.language
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("accounts:preferences")
    return render(request, "accounts/preferences.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def intro(request: HttpRequest) -> HttpResponse:
    """The seed's information page shown after login, until dismissed."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), default=reverse("home"))
    if request.method == "POST":
        form = IntroForm(request.POST)
        if form.is_valid() and form.cleaned_data["dismiss"] and not request.user.intro_dismissed:
            request.user.intro_dismissed = True
            request.user.save(update_fields=["intro_dismissed"])
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/intro.html", {"form": IntroForm(), "next": next_url})
