from __future__ import annotations

import logging

from allauth.account.utils import perform_login
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from cas import CASError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from requests import RequestException

from accounts.adapters import refusal_response
from accounts.forms import IntroForm, PreferencesForm
from accounts.middleware import PENDING_LANGUAGE
from accounts.models import Institution, SSOKind
from accounts.sso.apps import SAML_PROVIDER
from accounts.sso.attributes import person_from_attributes
from accounts.sso.cas import cas_client
from accounts.sso.linking import SSOLoginRefused, cas_user_for

logger = logging.getLogger(__name__)
SSO_NEXT = "accounts_sso_next"


def safe_next(request: HttpRequest, url: str | None, default: str = "") -> str:
    """``url`` if it stays on this site, else ``default``: no open redirects."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _sso_institution(code: str) -> Institution:
    return get_object_or_404(Institution.objects.exclude(sso_kind=""), code=code)


@require_http_methods(["GET", "POST"])
def sso_start(request: HttpRequest, code: str) -> HttpResponse:
    """Send the person to their institution's identity provider.

    CAS starts on GET (the "direct CAS" link of the seed: CAS itself binds the
    ticket to our service URL). OIDC and SAML start on POST only, as allauth
    requires, so a third-party page cannot log someone in behind their back;
    a GET shows the button that posts.
    """
    institution = _sso_institution(code)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if institution.sso_kind == SSOKind.CAS:
        request.session[SSO_NEXT] = next_url
        service = request.build_absolute_uri(reverse("accounts:cas_callback", args=[institution.code]))
        return HttpResponseRedirect(cas_client(institution=institution, service_url=service).get_login_url())
    if request.method == "GET":
        return render(request, "accounts/sso_start.html", {"institution": institution, "next": next_url})
    adapter = get_social_adapter(request)
    if institution.sso_kind == SSOKind.SAML:
        provider = adapter.get_provider(request, SAML_PROVIDER, client_id=institution.code)
    else:
        provider = adapter.get_provider(request, institution.code)
    return provider.redirect(request, process="login", next_url=next_url or None)


@require_http_methods(["GET"])
def cas_callback(request: HttpRequest, code: str) -> HttpResponse:
    """The CAS server sends the browser back here with a service ticket."""
    institution = _sso_institution(code)
    if institution.sso_kind != SSOKind.CAS:
        raise Http404
    ticket = request.GET.get("ticket", "")
    if not ticket:
        return redirect("accounts:sso_start", code=institution.code)
    service = request.build_absolute_uri(reverse("accounts:cas_callback", args=[institution.code]))
    try:
        username, attributes, _pgtiou = cas_client(institution=institution, service_url=service).verify_ticket(ticket)
    except (CASError, RequestException) as exc:
        logger.warning("CAS validation failed for %s: %s", institution.code, exc)
        username, attributes = None, None
    if not username:
        return render(request, "accounts/sso_failed.html", {"institution": institution}, status=403)
    person = person_from_attributes(institution=institution, subject=username, attributes=attributes or {})
    try:
        user, _created = cas_user_for(institution=institution, person=person)
    except SSOLoginRefused as refusal:
        return refusal_response(request, refusal, institution)
    next_url = safe_next(request, request.session.pop(SSO_NEXT, ""))
    # allauth's login: rotates the session key, runs the MFA stage, signals.
    return perform_login(
        request, user, email_verification=settings.ACCOUNT_EMAIL_VERIFICATION, redirect_url=next_url or None
    )


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
