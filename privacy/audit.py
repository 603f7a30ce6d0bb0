"""Recording staff access to personal data, cheaply: one INSERT, no read.

Views call ``record_access`` on one line after they have checked access.
Only helpdesk staff (agents, managers, administrators) leave a trace: the
requester's own reads are not "access by others"; a staff member reading
their own request is recorded but never shown to them (``about_requester``).
"""

from __future__ import annotations

from typing import Any

from privacy.models import AccessKind, AccessRecord
from tickets.models import Ticket


def record_access(*, user: Any, ticket: Ticket | int, kind: AccessKind) -> AccessRecord | None:
    """Record that staff ``user`` accessed ``ticket`` (or a ticket id, when the
    view has not loaded the ticket) in the way ``kind``; ``None`` for non-staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_helpdesk_staff:
        return None
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    return AccessRecord.objects.create(user=user, ticket_id=ticket_id, kind=kind)
