"""The SSO doors: start a login (or a connect) at an institution, and the CAS callback.

OIDC and SAML callbacks are allauth's; :class:`accounts.adapters.SocialAccountAdapter`
applies :mod:`accounts.sso.linking` there. CAS is ours end to end.
"""

from __future__ import annotations

import logging
import secrets

from allauth.account.decorators import reauthentication_required
from allauth.account.utils import perform_login
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from cas import CASError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from requests import RequestException

from accounts.adapters import refusal_response
from accounts.models import Institution, SSOKind
from accounts.sso.apps import SAML_PROVIDER
from accounts.sso.attributes import person_from_attributes
from accounts.sso.cas import cas_client
from accounts.sso.linking import SSOLoginRefused, cas_user_for
from accounts.views import safe_next

logger = logging.getLogger(__name__)
# The CAS login this browser started: {"institution", "state", "next", "connect_user"}.
CAS_PENDING = "accounts_cas_pending"


def _sso_institution(code: str) -> Institution:
    return get_object_or_404(Institution.objects.exclude(sso_kind=""), code=code)


def _cas_service_url(request: HttpRequest, institution: Institution, state: str) -> str:
    """The callback URL, carrying this browser's nonce: CAS binds its ticket to this exact URL."""
    path = reverse("accounts:cas_callback", args=[institution.code])
    return request.build_absolute_uri(f"{path}?{urlencode({'state': state})}")


def _start(request: HttpRequest, institution: Institution, *, next_url: str, process: str) -> HttpResponse:
    if institution.sso_kind == SSOKind.CAS:
        state = secrets.token_urlsafe(24)
        request.session[CAS_PENDING] = {
            "institution": institution.code,
            "state": state,
            "next": next_url,
            "connect_user": request.user.pk if process == AuthProcess.CONNECT else None,
        }
        service = _cas_service_url(request, institution, state)
        return HttpResponseRedirect(cas_client(institution=institution, service_url=service).get_login_url())
    adapter = get_social_adapter(request)
    if institution.sso_kind == SSOKind.SAML:
        provider = adapter.get_provider(request, SAML_PROVIDER, client_id=institution.code)
    else:
        provider = adapter.get_provider(request, institution.code)
    return provider.redirect(request, process=process, next_url=next_url or None)


@require_http_methods(["GET", "POST"])
def sso_start(request: HttpRequest, code: str) -> HttpResponse:
    """Send the person to their institution's identity provider.

    CAS starts on GET (the "direct CAS" link of the seed); its callback only
    accepts the ticket in the browser that started, through the nonce in the
    service URL. OIDC and SAML start on POST only, as allauth requires, so a
    third-party page cannot log someone in behind their back; a GET shows the
    button that posts.
    """
    institution = _sso_institution(code)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if institution.sso_kind != SSOKind.CAS and request.method == "GET":
        return render(request, "accounts/sso_start.html", {"institution": institution, "next": next_url})
    return _start(request, institution, next_url=next_url, process=AuthProcess.LOGIN)


@require_POST
@login_required
@reauthentication_required
def sso_connect(request: HttpRequest, code: str) -> HttpResponse:
    """Link the signed-in account to its institution's SSO: the one way a
    privileged account (or any account the automatic rules refuse) gets linked."""
    institution = _sso_institution(code)
    next_url = safe_next(request, request.POST.get("next"))
    return _start(request, institution, next_url=next_url, process=AuthProcess.CONNECT)


def _pending_cas_login(request: HttpRequest, institution: Institution) -> dict | None:
    """The login this browser started at this institution, consumed; None if the callback is not its own."""
    pending = request.session.pop(CAS_PENDING, None)
    state = request.GET.get("state", "")
    if not pending or pending.get("institution") != institution.code or not state:
        return None
    if not secrets.compare_digest(str(pending.get("state", "")), state):
        return None
    return pending


@require_http_methods(["GET"])
def cas_callback(request: HttpRequest, code: str) -> HttpResponse:
    """The CAS server sends the browser back here with a service ticket."""
    institution = _sso_institution(code)
    if institution.sso_kind != SSOKind.CAS:
        raise Http404
    ticket = request.GET.get("ticket", "")
    if not ticket:
        return redirect("accounts:sso_start", code=institution.code)
    pending = _pending_cas_login(request, institution)
    if pending is None:
        # A ticket this browser never asked for: login CSRF, or a replayed link.
        return render(request, "accounts/sso_failed.html", {"institution": institution}, status=403)
    service = _cas_service_url(request, institution, pending["state"])
    try:
        username, attributes, _pgtiou = cas_client(institution=institution, service_url=service).verify_ticket(ticket)
    except (CASError, RequestException) as exc:
        logger.warning("CAS validation failed for %s: %s", institution.code, exc)
        username, attributes = None, None
    if not username:
        return render(request, "accounts/sso_failed.html", {"institution": institution}, status=403)
    person = person_from_attributes(institution=institution, subject=username, attributes=attributes or {})
    connect_to = None
    if pending.get("connect_user"):
        if not request.user.is_authenticated or request.user.pk != pending["connect_user"]:
            return render(request, "accounts/sso_failed.html", {"institution": institution}, status=403)
        connect_to = request.user
    try:
        user, _created = cas_user_for(institution=institution, person=person, connect_to=connect_to)
    except SSOLoginRefused as refusal:
        return refusal_response(request, refusal, institution)
    next_url = safe_next(request, pending.get("next", ""))
    if connect_to is not None:
        messages.success(request, _("Votre compte d'établissement est relié à votre compte du Guichet."))
        return HttpResponseRedirect(next_url or reverse("home"))
    # allauth's login: rotates the session key, runs the MFA stage, signals.
    return perform_login(
        request, user, email_verification=settings.ACCOUNT_EMAIL_VERIFICATION, redirect_url=next_url or None
    )
