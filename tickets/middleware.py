"""Keeps a session opened by a signed link (``tickets.views.links``, keys in ``tickets.signed_links``) on its ticket."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from helpdesk.signing import SignedLinkError, check_ticket_link
from tickets.signed_links import LINK_SCOPE, LINK_SCOPE_TOKEN, LINK_SCOPE_UNTIL

# Paths a ticket-scoped session may reach besides the ticket's own pages.
ALWAYS_ALLOWED = ("/lien/", "/static/", "/i18n/", "/healthz")


class SignedLinkScopeMiddleware:
    """A ticket-scoped session that goes anywhere but its ticket's pages
    (``/demandes/<ref>/…``), outlives its time limit, or whose link was revoked
    (or expired) since, is logged out: the request then continues as an
    anonymous visitor's (login page, public catalogue)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        reference = session.get(LINK_SCOPE) if session is not None else None
        if reference is not None and request.user.is_authenticated:
            in_scope = request.path.startswith((f"/demandes/{reference}/", *ALWAYS_ALLOWED))
            if (
                not in_scope
                or time.time() > session.get(LINK_SCOPE_UNTIL, 0)
                or not _link_valid(session, LINK_SCOPE_TOKEN)
            ):
                logout(request)
        return self.get_response(request)


def _link_valid(session, key: str) -> bool:
    """Whether the link that opened the session still opens it (one query)."""
    try:
        check_ticket_link(session.get(key, ""))
    except SignedLinkError:
        return False
    return True
