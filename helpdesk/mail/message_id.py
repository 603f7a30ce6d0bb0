"""Our own Message-IDs, signed so that inbound mail can tell ours from forgeries.

Format: ``<g.{ticket}.{random}.{signature}@{GUICHET_INSTANCE_ID}>``. The
signature is an HMAC (SECRET_KEY) of the ticket reference and the random
part, so a reply's In-Reply-To/References can be trusted to name a ticket
even after its outbox row has been purged, and nobody can make up one.
"""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "helpdesk.mail.message_id"
_PATTERN = re.compile(r"^<?g\.(?P<ticket>\d+)\.(?P<nonce>[0-9a-f]{24})\.(?P<sig>[0-9a-f]{24})@(?P<domain>[^<>@\s]+)>?$")


def _signature(ticket: str, nonce: str, *, secret: str) -> str:
    return salted_hmac(_SALT, f"{ticket}.{nonce}", secret=secret, algorithm="sha256").hexdigest()[:24]


def make_message_id(*, ticket_reference: int | None = None) -> str:
    """A new, unique, signed Message-ID, angle brackets included."""
    ticket = str(ticket_reference or 0)
    nonce = secrets.token_hex(12)
    sig = _signature(ticket, nonce, secret=settings.SECRET_KEY)
    return f"<g.{ticket}.{nonce}.{sig}@{settings.GUICHET_INSTANCE_ID}>"


def _verified_ticket(message_id: str) -> int | None:
    """The ticket number (0 for none) of one of our Message-IDs, None if it is not ours."""
    match = _PATTERN.match((message_id or "").strip())
    if not match or match["domain"].lower() != settings.GUICHET_INSTANCE_ID.lower():
        return None
    secrets_to_try = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(
        constant_time_compare(match["sig"], _signature(match["ticket"], match["nonce"], secret=key))
        for key in secrets_to_try
    ):
        return None
    return int(match["ticket"])


def ticket_reference_from_message_id(message_id: str) -> int | None:
    """The ticket reference carried by one of *our* Message-IDs; None for a
    foreign or forged one, or one of ours that names no ticket."""
    return _verified_ticket(message_id) or None


def is_our_message_id(message_id: str) -> bool:
    """True only for a Message-ID that this instance generated (signature checked)."""
    return _verified_ticket(message_id) is not None
