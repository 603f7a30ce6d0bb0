"""Addresses our mail cannot reach: the outbox's suppression list.

``helpdesk.mail`` reads it through ``GUICHET_OUTBOX_SUPPRESSION_LIST`` and adds to it
through ``GUICHET_OUTBOX_MARK_BOUNCING`` (it imports no app).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import F
from django.utils import timezone

from accounts.models import BouncingAddress


def bouncing_among(addresses: Iterable[str]) -> set[str]:
    """The ``addresses`` (lower-cased) that came back as a permanent failure."""
    wanted = {a.strip().lower() for a in addresses}
    return set(BouncingAddress.objects.filter(email__in=wanted).values_list("email", flat=True))


def mark_bouncing(refusals: Mapping[str, tuple[int, str]], *, message_id: str) -> None:
    """Record the addresses the relay refused for good (SMTP code, text) for the mail ``message_id``."""
    now = timezone.now()
    for address, (code, text) in refusals.items():
        fields = {"last_bounced_at": now, "last_status": str(code), "last_diagnostic": text[:2000]}
        updated = BouncingAddress.objects.filter(email=address).update(
            bounce_count=F("bounce_count") + 1, last_message_id=message_id, **fields
        )
        if not updated:
            BouncingAddress.objects.create(email=address, first_bounced_at=now, last_message_id=message_id, **fields)
