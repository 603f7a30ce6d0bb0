"""Recording staff access to personal data, cheaply: one INSERT, no read.

Views call ``record_access`` on one line after they have checked access.
Only helpdesk staff (agents, managers, administrators) leave a trace: the
requester's own reads are not "access by others"; a staff member reading
their own request is recorded but never shown to them (``about_requester``).

The same person accessing the same ticket the same way again within
``GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS`` (a reload, the page coming back after
an action) is the same access: recorded once, the repeat costs no INSERT
(``helpdesk.throttle.once_per``). A cache outage only means more rows, never fewer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from helpdesk.throttle import forget, once_per
from privacy.models import AccessKind, AccessRecord
from tickets.models import Ticket


def record_access(*, user: Any, ticket: Ticket | int, kind: AccessKind) -> AccessRecord | None:
    """Record that staff ``user`` accessed ``ticket`` (or a ticket id, when the
    view has not loaded the ticket) in the way ``kind``; ``None`` for non-staff and for a repeat."""
    if not getattr(user, "is_authenticated", False) or not user.is_helpdesk_staff:
        return None
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    window = settings.GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS
    key = f"access:{user.pk}:{ticket_id}:{kind}"
    if window and not once_per(key, window):
        return None
    try:
        return AccessRecord.objects.create(user=user, ticket_id=ticket_id, kind=kind)
    except Exception:
        forget(key)  # not recorded: the next one must be
        raise


def purge_old_access_records(*, batch: int = 5000) -> int:
    """Delete the trail rows older than ``GUICHET_ACCESS_LOG_MONTHS`` (30-day months), in batches; return how many."""
    limit = timezone.now() - timedelta(days=30 * settings.GUICHET_ACCESS_LOG_MONTHS)
    removed = 0
    while ids := list(AccessRecord.objects.filter(created__lt=limit).values_list("pk", flat=True)[:batch]):
        removed += AccessRecord.objects.filter(pk__in=ids).delete()[0]
    return removed
