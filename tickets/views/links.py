"""``/lien/<token>``: the signed link that opens one ticket for one requester.

The safe option chosen: a link never opens an account that has a proper way
in. For an email-only requester (no password, not helpdesk staff) it opens a
*ticket-scoped* session: logged in as that user, but only for that ticket's
pages, until the browser closes and for at most
``GUICHET_SIGNED_LINK_SESSION_MINUTES`` (``tickets.middleware.SignedLinkScopeMiddleware``
ends the session as soon as it leaves the ticket). A forwarded mail thus
exposes one ticket for a short while, not the account. Anyone else (an
account with a password or SSO, staff) is sent to the login page with the
ticket as ``next``. Expired, revoked or broken links get a clear page, never
an error.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.middleware import PENDING_LANGUAGE
from accounts.models import User
from helpdesk.signing import SignedLinkExpired, SignedLinkInvalid, SignedLinkRevoked, check_ticket_link
from tickets.models import Ticket
from tickets.notifications.compose import uses_signed_link
from tickets.signed_links import LINK_SCOPE, LINK_SCOPE_TOKEN, LINK_SCOPE_UNTIL


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "tickets/signed_link.html", {"reason": reason}, status=status)


@never_cache
@require_GET
def open_signed_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference, user_id = check_ticket_link(token)
    except SignedLinkExpired:
        return _refused(request, "expired", 410)
    except SignedLinkRevoked:
        return _refused(request, "revoked", 410)
    except SignedLinkInvalid:
        return _refused(request, "invalid", 404)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not Ticket.objects.visible_to(user).filter(reference=reference).exists():
        return _refused(request, "invalid", 404)
    target = reverse("tickets:detail", args=[reference])
    if request.user.is_authenticated:
        if request.user.pk == user.pk:
            if request.session.get(LINK_SCOPE) is not None:
                _scope(request, reference, token)  # the scoped session moves to this ticket
            return redirect(target)
        return _refused(request, "other_account", 403)
    if not uses_signed_link(user):
        return redirect_to_login(target)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if user.language:
        request.session[PENDING_LANGUAGE] = user.language
    _scope(request, reference, token)
    request.session.set_expiry(0)  # ends with the browser
    return redirect(target)


def _scope(request: HttpRequest, reference: int, token: str) -> None:
    request.session[LINK_SCOPE] = reference
    request.session[LINK_SCOPE_TOKEN] = token
    request.session[LINK_SCOPE_UNTIL] = time.time() + settings.GUICHET_SIGNED_LINK_SESSION_MINUTES * 60
