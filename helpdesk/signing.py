"""Signed links to one ticket, for requesters who have no password.

A link carries the ticket reference, the user id, a random link id, when it
was issued and when it expires, signed with SECRET_KEY (Django's signing, so
SECRET_KEY_FALLBACKS keeps links alive across a key rotation). It is revoked
by a ``SignedLinkRevocation`` row: for that link, for every link of the user
to that ticket issued until then, or for all their links.

The view that consumes the token lives with the tickets; it must still check
that the user may see the ticket (``Ticket.objects.visible_to``).
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from django.core import signing
from django.db.models import Q

from helpdesk.models import SignedLinkRevocation

SALT = "helpdesk.signing.ticket-link"
# The URL the tickets app serves signed links under: path("lien/<str:token>", …).
LINK_PATH_PREFIX = "/lien/"


class SignedLinkError(Exception):
    """The token cannot open the ticket; the subclass says why."""


class SignedLinkInvalid(SignedLinkError):
    pass


class SignedLinkExpired(SignedLinkError):
    pass


class SignedLinkRevoked(SignedLinkError):
    pass


def make_ticket_token(*, ticket_reference: int, user_id: int, max_age_days: int = 30) -> str:
    now_ms = int(time.time() * 1000)
    payload = {
        "r": ticket_reference,
        "u": user_id,
        "k": secrets.token_hex(8),
        "t": now_ms,
        "e": now_ms + max_age_days * 86_400_000,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def make_ticket_link(*, ticket_reference: int, user_id: int, max_age_days: int = 30) -> str:
    """The site-relative path of a link that opens ``ticket_reference`` for
    ``user_id`` during ``max_age_days`` days (prefix with ``absolute_url``)."""
    token = make_ticket_token(ticket_reference=ticket_reference, user_id=user_id, max_age_days=max_age_days)
    return f"{LINK_PATH_PREFIX}{token}"


def _decode(token: str) -> dict:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise SignedLinkInvalid("bad signature") from exc
    if not isinstance(payload, dict) or not {"r", "u", "k", "t", "e"} <= payload.keys():
        raise SignedLinkInvalid("malformed payload")
    return payload


def check_ticket_link(token: str) -> tuple[int, int]:
    """``(ticket_reference, user_id)`` for a valid token.

    Raises ``SignedLinkInvalid`` (tampered or not ours), ``SignedLinkExpired``
    or ``SignedLinkRevoked`` — all ``SignedLinkError``. One query.
    """
    payload = _decode(token)
    if int(time.time() * 1000) >= payload["e"]:
        raise SignedLinkExpired("link expired")
    issued_at = datetime.fromtimestamp(payload["t"] / 1000, tz=UTC)
    revoked = SignedLinkRevocation.objects.filter(
        Q(link_id=payload["k"])
        | Q(link_id="", created_at__gte=issued_at)
        & (Q(ticket_reference__isnull=True) | Q(ticket_reference=payload["r"])),
        user_id=payload["u"],
    ).exists()
    if revoked:
        raise SignedLinkRevoked("link revoked")
    return payload["r"], payload["u"]


def revoke_ticket_link(token: str) -> SignedLinkRevocation:
    """Revoke this one link (its signature must be valid, expiry does not matter)."""
    payload = _decode(token)
    return SignedLinkRevocation.objects.create(
        user_id=payload["u"], ticket_reference=payload["r"], link_id=payload["k"]
    )


def revoke_ticket_links(*, user_id: int, ticket_reference: int | None = None) -> SignedLinkRevocation:
    """Revoke every link issued so far to ``user_id`` — for one ticket, or all."""
    return SignedLinkRevocation.objects.create(user_id=user_id, ticket_reference=ticket_reference)
