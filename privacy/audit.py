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

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet
from django.utils import timezone

from helpdesk.throttle import forget, once_per
from privacy.models import AccessKind, AccessRecord
from tickets.models import Ticket


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_helpdesk_staff)


def client_ip(request: Any) -> str | None:
    """The address the request came from: ``REMOTE_ADDR``, which the proxy middleware already set
    from X-Forwarded-For when Guichet runs behind a trusted proxy."""
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def record_access(
    *, user: Any, ticket: Ticket | int, kind: AccessKind, request: Any = None, detail: str = ""
) -> AccessRecord | None:
    """Record that staff ``user`` accessed ``ticket`` (or a ticket id, when the
    view has not loaded the ticket) in the way ``kind``, from ``request``'s address;
    ``None`` for non-staff and for a repeat (same person, ticket, kind, address and detail within
    ``GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS``)."""
    if not _is_staff(user):
        return None
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    ip, detail = client_ip(request), (detail or "")[:200]
    window = settings.GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS
    same = hashlib.blake2b(f"{ip}|{detail}".encode(), digest_size=8).hexdigest()
    key = f"access:{user.pk}:{ticket_id}:{kind}:{same}"
    if window and not once_per(key, window):
        return None
    try:
        return AccessRecord.objects.create(user=user, ticket_id=ticket_id, kind=kind, ip=ip, detail=detail)
    except Exception:
        forget(key)  # not recorded: the next one must be
        raise


def record_accesses(*, user: Any, tickets: Any, kind: AccessKind, request: Any = None, detail: str = "") -> int:
    """One row per ticket of ``tickets`` (a queryset or ids: a search page, an export), in one
    ``INSERT … SELECT`` when given a queryset, so an export of thousands costs one statement."""
    if not _is_staff(user):
        return 0
    values = {"ip": client_ip(request), "detail": (detail or "")[:200], "kind": kind}
    if isinstance(tickets, QuerySet):
        ids = tickets.order_by().annotate(accessed_id=F("pk")).values("accessed_id")
        sql, params = ids.query.sql_with_params()
        table = AccessRecord._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, ticket_id, kind, created, ip, detail) "  # noqa: S608 - ours
                f"SELECT %s, t.accessed_id, %s, %s, %s, %s FROM ({sql}) AS t",
                [user.pk, kind, timezone.now(), values["ip"], values["detail"], *params],
            )
            return cursor.rowcount
    rows = [AccessRecord(user=user, ticket_id=pk, **values) for pk in tickets]
    return len(AccessRecord.objects.bulk_create(rows))


def purge_old_access_records(*, batch: int = 5000) -> int:
    """Delete the trail rows older than ``GUICHET_ACCESS_LOG_MONTHS`` (30-day months), in batches; return how many."""
    limit = timezone.now() - timedelta(days=30 * settings.GUICHET_ACCESS_LOG_MONTHS)
    removed = 0
    while ids := list(AccessRecord.objects.filter(created__lt=limit).values_list("pk", flat=True)[:batch]):
        removed += AccessRecord.objects.filter(pk__in=ids).delete()[0]
    return removed
