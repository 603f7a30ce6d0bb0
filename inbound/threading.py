"""Which ticket a message continues, in this order.

1. ``In-Reply-To`` then ``References`` (newest first) against the
   Message-IDs we sent: they are signed (``helpdesk.mail.message_id``), so
   a match names a ticket nobody could make up, even after the outbox row
   is purged.
2. Then the ``[Guichet #N]`` subject tag, which anyone can type.

Either way the ticket is continued only when the sender may act on it —
its requester, a correspondent of its institution, or a watcher. A valid
signature proves the mail answers one of ours, not who answers: a
notification forwarded to a stranger must not let them write on the
ticket. Otherwise the ticket is returned as ``related`` and a new ticket is
filed, linked to it for the agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from helpdesk.mail import ticket_reference_from_message_id
from helpdesk.rows import fetch_one
from tickets import permissions as perms
from tickets.models import Ticket, Watcher

from .parse import ParsedMessage
from .subject import find_ticket_reference


@dataclass(frozen=True)
class Thread:
    ticket: Ticket | None = None  # the ticket to continue (open) or to follow up (closed)
    related: Ticket | None = None  # referred to, but the sender may not act on it
    via: str = ""  # "headers" or "subject"


def may_act(ticket: Ticket, user: Any) -> bool:
    """Requester, colleague correspondent of the same institution, or watcher."""
    if perms.is_requester_side(ticket, user):
        return True
    return user is not None and Watcher.objects.filter(ticket=ticket, user=user).exists()


def referenced_ticket_number(parsed: ParsedMessage) -> int | None:
    """The ticket named by the first of our signed Message-IDs the message answers."""
    candidates = [parsed.in_reply_to, *reversed(parsed.references)]
    for message_id in dict.fromkeys(c for c in candidates if c):
        reference = ticket_reference_from_message_id(message_id)
        if reference:
            return reference
    return None


def find_thread(parsed: ParsedMessage, sender: Any) -> Thread:
    related = None
    for via, reference in (
        ("headers", referenced_ticket_number(parsed)),
        ("subject", find_ticket_reference(parsed.subject)),
    ):
        if reference is None:
            continue
        # As Ticket.objects.select_related("category").filter(reference=reference).first(), written
        # once (its compiling cost ten times the database's answer, issue 22).
        ticket = fetch_one(Ticket, "t.reference = %s", [reference], related=("category",))
        if ticket is None:
            continue
        if may_act(ticket, sender):
            return Thread(ticket=ticket, via=via)
        related = related or ticket
    return Thread(related=related)
