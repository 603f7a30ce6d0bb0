"""The person's token pages (under their profile) and the API's documentation page."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.views import SpectacularSwaggerSplitView

from api.forms import TokenForm
from api.models import AccessToken
from api.tokens import token_create, token_revoke


def has_fresh_second_factor(request: HttpRequest) -> bool:
    """A second factor used in this session less than ACCOUNT_REAUTHENTICATION_TIMEOUT ago
    (at login, or at allauth's MFA re-authentication page)."""
    timeout = getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
    records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY, [])
    return any(r.get("method") == "mfa" and time.time() - r.get("at", 0) < timeout for r in records)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """List the person's tokens; create one (its secret is shown on this answer only).

    A person protected by a second factor creates a token only with a fresh one: a token
    is a password that skips it, so a stolen session must not be enough to mint one."""
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST":
        if is_mfa_enabled(request.user) and not has_fresh_second_factor(request):
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': reverse('api:tokens')})}")
        if form.is_valid():
            data = form.cleaned_data
            token, secret = token_create(
                user=request.user, name=data["name"], scope=data["scope"], expires_at=data["expires_on"]
            )
            messages.success(request, _("Le jeton « %(name)s » est créé.") % {"name": token.name})
            form = TokenForm()
    mine = AccessToken.objects.filter(user=request.user)
    status = 400 if request.method == "POST" and secret is None else 200
    return render(request, "api/tokens.html", {"form": form, "tokens": mine, "secret": secret}, status=status)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    token_revoke(token=token)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api:tokens")


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored sidecar files; its start-up script is a file too (``?script``),
    so the site's CSP (no inline script or style) holds."""

    template_name = "api/swagger_ui.html"
    url_name = "api_schema"
