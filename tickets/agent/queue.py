"""The service queue: which services an agent works, filtering, sorting, paging and status counts.

Paging reads one row more than the page (``PAGE_SIZE + 1``) instead of
counting the filtered rows: the page never runs ``COUNT(*)`` over a large
queue. The per-status counts come from a short-lived cache per service that
every ticket event of that service invalidates (``tickets.agent.receivers``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone

from catalogue.models import Category, Service
from tickets import permissions as perms
from tickets.models import Ticket
from tickets.status import WAITING_REQUESTER, WAITING_SERVICE, TicketStatus

PAGE_SIZE = 50
COUNTS_TTL = 60  # seconds; events invalidate sooner
SORTS = {
    "activity": ("-last_activity_at", "-pk"),
    "-activity": ("last_activity_at", "pk"),
    "created": ("-created", "-pk"),
    "-created": ("created", "pk"),
    "priority": ("-priority", "-last_activity_at", "-pk"),
    "reference": ("-reference",),
}


def queue_services(user: Any) -> QuerySet[Service]:
    """The services whose queue the user works: theirs, every service for an administrator."""
    if perms.is_admin(user):
        return Service.objects.all()
    return Service.objects.filter(pk__in=user.service_ids)


def is_staff_user(user: Any) -> bool:
    """Agents, managers and administrators see the agent workspace."""
    return bool(user.is_authenticated and (perms.is_admin(user) or user.service_ids))


@dataclass
class QueueFilters:
    """Cleaned filters of the queue (see ``tickets.agent.forms.QueueFilterForm``)."""

    services: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    waiting: str = ""
    priority: int | None = None
    category: Category | None = None
    assignee: str = ""  # "", "mine", "none" or a user pk
    institution_id: int | None = None
    domain: str = ""
    older_than_days: int | None = None
    sort: str = "activity"


def queue_tickets(*, user: Any, filters: QueueFilters) -> QuerySet[Ticket]:
    """The filtered, sorted queue; always inside ``visible_to(user)`` and the user's services."""
    qs = Ticket.objects.visible_to(user).filter(service_id__in=filters.services)
    if filters.statuses:
        qs = qs.filter(status__in=filters.statuses)
    if filters.waiting == "service":
        qs = qs.filter(status__in=WAITING_SERVICE)
    elif filters.waiting == "requester":
        qs = qs.filter(status__in=WAITING_REQUESTER)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.category is not None:
        subtree = Category.objects.descendants(filters.category, include_self=True).values("pk")
        qs = qs.filter(category_id__in=subtree)
    if filters.assignee == "mine":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.institution_id:
        qs = qs.filter(institution_id=filters.institution_id)
    if filters.domain:
        qs = qs.filter(domain=filters.domain)
    if filters.older_than_days:
        qs = qs.filter(created__lte=timezone.now() - datetime.timedelta(days=filters.older_than_days))
    order = SORTS.get(filters.sort, SORTS["activity"])
    return qs.select_related("category", "service", "requester", "assignee", "institution").order_by(*order)


@dataclass
class QueuePage:
    tickets: list[Ticket]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def queue_page(qs: QuerySet[Ticket], number: int) -> QueuePage:
    """One page of 50 without counting the queue (one query)."""
    number = max(1, number)
    start = (number - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return QueuePage(tickets=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)


# --- Counts per status --------------------------------------------------------------------


def _counts_key(service_id: int) -> str:
    return f"agent:queue-counts:{service_id}"


def status_counts(service_ids: list[int]) -> dict[str, int]:
    """Tickets per status over ``service_ids``; cached per service, one query for the missing ones."""
    keys = {sid: _counts_key(sid) for sid in service_ids}
    cached = cache.get_many(list(keys.values()))
    missing = [sid for sid, key in keys.items() if key not in cached]
    per_service: dict[int, dict[str, int]] = {sid: cached[keys[sid]] for sid in service_ids if keys[sid] in cached}
    if missing:
        fresh: dict[int, dict[str, int]] = {sid: {} for sid in missing}
        rows = (
            Ticket.objects.filter(service_id__in=missing)
            .values("service_id", "status")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            fresh[row["service_id"]][row["status"]] = row["n"]
        cache.set_many({keys[sid]: counts for sid, counts in fresh.items()}, COUNTS_TTL)
        per_service.update(fresh)
    total = dict.fromkeys(TicketStatus.values, 0)
    for counts in per_service.values():
        for status, n in counts.items():
            total[status] = total.get(status, 0) + n
    return total


def forget_counts(service_ids: list[int]) -> None:
    cache.delete_many([_counts_key(sid) for sid in service_ids])


def service_members(service_ids: list[int]) -> QuerySet:
    from accounts.models import User

    return (
        User.objects.filter(service_memberships__service_id__in=service_ids, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def requester_other_tickets(ticket: Ticket, user: Any, limit: int = 10) -> list[Ticket]:
    """The requester's other tickets the user may see, newest first."""
    return list(
        Ticket.objects.visible_to(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .select_related("service")
        .order_by("-created", "-pk")[:limit]
    )
