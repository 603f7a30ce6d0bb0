"""Delivery reports of our own mail: mark the address that bounced.

A bounce counts only when it returns one of *our* messages — an
``OutboundEmail`` row with that Message-ID, or a Message-ID whose
signature is ours (``helpdesk.mail.is_our_message_id``: the row may have
been purged). Anyone can send a fake report, so when the row is there only
the addresses we actually wrote to are marked. Temporary failures
(``4.x.x``, "delayed") mark nothing.
"""

from __future__ import annotations

import email.utils

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BouncingAddress
from helpdesk.mail import is_our_message_id
from helpdesk.models import OutboundEmail
from tickets import workflow as wf
from tickets.models import Ticket

from .classify import Classification


def _addresses(values: list[str]) -> set[str]:
    return {address.lower() for _, address in email.utils.getaddresses(values) if address}


def record_bounce(classification: Classification) -> str:
    """Mark the hard-bounced recipients of one of our messages; say what was done."""
    original = classification.original_message_id
    if not original:
        return "no returned Message-ID: nothing marked"
    sent = OutboundEmail.objects.filter(message_id=original).first()
    if sent is None and not is_our_message_id(original):
        return f"{original} is not one of our messages: nothing marked"
    failed = list(classification.failed_recipients)
    if sent is not None:
        ours = _addresses([*sent.to, *sent.cc])
        failed = [a for a in failed if a in ours]
    if not failed:
        return f"bounce of our {original}: no permanent failure to mark"
    now = timezone.now()
    by_address = {r.recipient: r for r in classification.recipients}
    for address in failed:
        report = by_address.get(address)
        status, diagnostic = (report.status, report.diagnostic) if report else ("", "")
        updated = BouncingAddress.objects.filter(email=address).update(
            last_bounced_at=now, bounce_count=F("bounce_count") + 1, last_status=status,
            last_diagnostic=diagnostic, last_message_id=original,
        )  # fmt: skip
        if not updated:
            BouncingAddress.objects.create(
                email=address, first_bounced_at=now, last_bounced_at=now, last_status=status,
                last_diagnostic=diagnostic, last_message_id=original,
            )  # fmt: skip
    reference = sent.ticket_reference if sent is not None else None
    ticket = Ticket.objects.filter(reference=reference).first() if reference else None
    if ticket is not None:
        # The agents must know the requester did not get the mail.
        wf.ticket_add_system_note(
            ticket=ticket,
            text=_("Un courriel de Guichet n'a pas pu être remis à : %(addresses)s.")
            % {"addresses": ", ".join(failed)},
            internal=True,
        )
    return f"bounce of our {original}: marked {', '.join(failed)} as bouncing"
