"""The service queue: which services an agent works, filtering, sorting, paging and status counts.

Paging is by keyset: each sort is a tuple of columns ending with a unique one,
all in the same direction, and the next page starts after the last row shown
(``(last_activity_at, id) < (…, …)`` as a row comparison, which PostgreSQL
reads as an index range), so a deep page costs what the first one does and a
ticket that moves or arrives while the agent pages is neither shown twice nor
skipped among the rows that kept their place. A page reads one row more than
it shows (``PAGE_SIZE + 1``) instead of counting the queue. The per-status
counts come from a short-lived cache per service that every ticket event of
that service invalidates (``tickets.agent.receivers``).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import BooleanField, Count, F, Func, QuerySet, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import User
from catalogue.models import Category, Service
from tickets.models import Ticket
from tickets.status import CLOSED_STATES, OPEN_STATES, WAITING_REQUESTER, WAITING_SERVICE, TicketStatus

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
COUNTS_TTL = 60  # seconds; events invalidate sooner
# Each sort: its columns (the last one unique) and whether they all run descending.
SORT_KEYS = {
    "activity": (("last_activity_at", "pk"), True),
    "-activity": (("last_activity_at", "pk"), False),
    "created": (("created", "pk"), True),
    "-created": (("created", "pk"), False),  # oldest first: index tickets_service_created
    "priority": (("priority", "last_activity_at", "pk"), True),
    "reference": (("reference",), True),
}
SORTS = {name: tuple(f"-{c}" if desc else c for c in cols) for name, (cols, desc) in SORT_KEYS.items()}
# The columns a queue row reads (``tickets.agent.rows``, ``tickets.agent.ages``, the sorts' cursors), and
# ``status`` and ``version``, which django-fsm reads on load. The rest stays in the database: with every
# column of the ticket and of the five rows joined to it, a page carried ~120 columns and decoded ~9 JSON
# values a row (issue 22: the raw fetch of a page 1.3 → 0.5 ms CPU at 100,000 tickets).
ROW_FIELDS = (
    *("reference", "title", "status", "version", "priority", "is_blocking", "domain"),
    *("created", "last_activity_at", "closed_at", "expire_at"),
    *("category__name", "service__name", "institution__name", "institution__acronym", "institution__holiday_region"),
    *(f"{user}__{name}" for user in ("requester", "assignee") for name in ("first_name", "last_name", "email")),
)


@dataclass(frozen=True)
class QueueTab:
    """A saved view of the queue: the statuses it shows and, for some, whose tickets."""

    label: str | Promise
    statuses: frozenset[str]
    assignee: str = ""  # as ``QueueFilters.assignee``
    counted: bool = True  # its count comes from the cached per-status counts


# The default view is the first: what is still to do in my services.
TABS = {
    "a-traiter": QueueTab(_("À traiter"), OPEN_STATES),
    "a-moi": QueueTab(_("Attribuées à moi"), OPEN_STATES, "mine", counted=False),
    "non-attribuees": QueueTab(_("Non attribuées"), OPEN_STATES, "none", counted=False),
    "en-attente": QueueTab(_("En attente du demandeur"), WAITING_REQUESTER),
    "closes": QueueTab(_("Closes"), CLOSED_STATES),
}
DEFAULT_TAB = "a-traiter"

# The queue's status badges: short enough for a dense column (the full label is their title).
SHORT_STATUS = {
    TicketStatus.NEW: _("Nouvelle"),
    TicketStatus.ECT: _("En cours"),
    TicketStatus.ARS: _("Question posée"),
    TicketStatus.AVS: _("Réponse proposée"),
    TicketStatus.ATD: _("Attente décision"),
    TicketStatus.ADV: _("En développement"),
    TicketStatus.TER: _("Terminée"),
    TicketStatus.REJ: _("Rejetée"),
    TicketStatus.ABN: _("Abandonnée"),
}


def tab_counts(counts: dict[str, int]) -> dict[str, int | None]:
    """Tickets per tab from the per-status counts (None for the tabs that depend on the assignee)."""
    return {
        name: sum(counts.get(status, 0) for status in tab.statuses) if tab.counted else None
        for name, tab in TABS.items()
    }


def queue_services(user: Any) -> QuerySet[Service]:
    """The services whose queue the user works: theirs, every service for an administrator."""
    if roles.is_admin(user):
        return Service.objects.all()
    return Service.objects.filter(pk__in=user.service_ids)


def queue_service_ids(user: Any) -> list[int]:
    """The pks of ``queue_services(user)``; an agent's come from their (request-cached) memberships."""
    if roles.is_admin(user):
        return list(Service.objects.order_by("pk").values_list("pk", flat=True))
    return sorted(user.service_ids)


@dataclass
class QueueFilters:
    """Cleaned filters of the queue (see ``tickets.agent.forms.QueueFilterForm``)."""

    services: list[int] = field(default_factory=list)
    tab: str = DEFAULT_TAB
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
    tab = TABS.get(filters.tab, TABS[DEFAULT_TAB])
    # The tab's statuses, narrowed by the status filter if any (the open ones read the partial indexes).
    statuses = tab.statuses & set(filters.statuses) if filters.statuses else tab.statuses
    qs = qs.filter(status__in=sorted(statuses))
    if tab.assignee == "mine":
        qs = qs.filter(assignee=user)
    elif tab.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
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
    return (
        qs.select_related("category", "service", "requester", "assignee", "institution")
        .only(*ROW_FIELDS)
        .order_by(*order)
    )


class RowComparison(Func):
    """``(a, b) < (x, y)``: a row comparison, which an index on ``(a, b)`` answers as one range."""

    output_field = BooleanField()

    def __init__(self, columns: list[str], values: list[Any], operator: str) -> None:
        self.width, self.operator = len(columns), operator
        super().__init__(*(F(c) for c in columns), *(Value(v) for v in values))

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        left, right = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"({left}) {self.operator} ({right})", params


def _cursor_of(ticket: Ticket, sort: str) -> str:
    columns, _desc = SORT_KEYS[sort]
    values = [getattr(ticket, column) for column in columns]
    return "~".join(v.isoformat() if isinstance(v, datetime.datetime) else str(v) for v in values)


def _parse_cursor(cursor: str, sort: str) -> list[Any] | None:
    columns, _desc = SORT_KEYS[sort]
    parts = cursor.split("~")
    if len(parts) != len(columns):
        return None
    values: list[Any] = []
    try:
        for column, part in zip(columns, parts, strict=True):
            if column in ("last_activity_at", "created"):
                value = datetime.datetime.fromisoformat(part)
                if timezone.is_naive(value):
                    return None
                values.append(value)
            else:
                values.append(int(part))
    except ValueError:
        return None
    return values


@dataclass
class KeysetPage:
    tickets: list[Ticket]
    has_next: bool
    next_cursor: str
    is_first: bool


def keyset_page(qs: QuerySet[Ticket], *, sort: str, after: str = "") -> KeysetPage:
    """The ``PAGE_SIZE`` tickets of ``qs`` (sorted by ``sort``) after the ``after`` cursor (one query).

    An unreadable cursor gives the first page."""
    sort = sort if sort in SORT_KEYS else "activity"
    columns, desc = SORT_KEYS[sort]
    values = _parse_cursor(after, sort) if after else None
    if values is not None:
        qs = qs.filter(RowComparison(list(columns), values, "<" if desc else ">"))
    rows = list(qs[: PAGE_SIZE + 1])
    tickets = rows[:PAGE_SIZE]
    has_next = len(rows) > PAGE_SIZE
    return KeysetPage(
        tickets=tickets,
        has_next=has_next,
        next_cursor=_cursor_of(tickets[-1], sort) if has_next else "",
        is_first=values is None,
    )


@dataclass
class QueuePage:
    tickets: list[Ticket]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def queue_page(qs: QuerySet[Ticket], number: int) -> QueuePage:
    """One page of 50 by offset without counting (one query): for search results, ranked by relevance."""
    number = max(1, number)
    start = (number - 1) * PAGE_SIZE
    rows = list(qs[start : start + PAGE_SIZE + 1])
    return QueuePage(tickets=rows[:PAGE_SIZE], number=number, has_next=len(rows) > PAGE_SIZE)


# --- Counts per status --------------------------------------------------------------------


def _counts_key(service_id: int) -> str:
    return f"agent:queue-counts:{service_id}"


def _cache_usable() -> bool:
    """False while the cache serves from process memory (Redis down, see
    ``helpdesk.cache``): another process's invalidations would not reach it."""
    return not getattr(cache, "is_degraded", False)


def status_counts(service_ids: list[int]) -> dict[str, int]:
    """Tickets per status over ``service_ids``; cached per service, one query for the missing ones.

    Without a usable cache the counts are computed each time."""
    keys = {sid: _counts_key(sid) for sid in service_ids}
    cached = _cached_counts(list(keys.values()))
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
        if _cache_usable():
            _tolerant(cache.set_many, {keys[sid]: counts for sid, counts in fresh.items()}, COUNTS_TTL)
        per_service.update(fresh)
    total = dict.fromkeys(TicketStatus.values, 0)
    for counts in per_service.values():
        for status, n in counts.items():
            total[status] = total.get(status, 0) + n
    return total


def _cached_counts(keys: list[str]) -> dict[str, Any]:
    if not _cache_usable():
        return {}
    return _tolerant(cache.get_many, keys) or {}


def _tolerant(call: Any, *args: Any) -> Any:
    """A cache call whose failure is logged, never raised: counts are only a shortcut."""
    try:
        return call(*args)
    except Exception:  # any cache backend, any failure: recompute instead
        logger.warning("queue counts: cache call %s failed", getattr(call, "__name__", call), exc_info=True)
        return None


def forget_counts(service_ids: list[int]) -> None:
    """Invalidate the cached counts of these services; never raises."""
    _tolerant(cache.delete_many, [_counts_key(sid) for sid in service_ids])


def service_members(service_ids: list[int]) -> QuerySet:
    return (
        User.objects.filter(service_memberships__service_id__in=service_ids, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def requester_other_tickets(ticket: Ticket, user: Any, limit: int = 10) -> list[Ticket]:
    """The requester's other tickets the user may see, newest first: the side panel shows their reference,
    title and status; their long texts stay in the database (issue 22). Not ``only()``: the
    state-machine mixin reads its fields on load, which would cost one query per deferred field."""
    return list(
        Ticket.objects.visible_to(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .defer("description", "form_values", "search_vector", "notes_vector")
        .order_by("-created", "-pk")[:limit]
    )
