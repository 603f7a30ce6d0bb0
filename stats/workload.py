"""The manager's workload view: open tickets per service and per agent, in a constant number of queries.

Counted (open tickets only, read through ``Ticket.objects.visible_to``):
- **open**: every open ticket (``OPEN_STATES``);
- **assigned**: open tickets with an agent in charge;
- **waiting**: open tickets waiting on the requester (ARS, AVS: ``WAITING_REQUESTER``);
- **overdue**: open tickets past their deadline. Waiting on the service, that is the
  category's resolution target (``stats.CategoryTarget``, inherited down the tree) in
  working days since filing; waiting on the requester, it is the requester's timer
  (``Ticket.expire_at``, set by ``tickets.timers``) run out while the ticket is still open.

The target cut-off is worked out once per target length on the public-holiday
calendar (``helpdesk.workdays``); an institution's own closure periods are not
subtracted there, so a ticket can show as overdue a few days early after a closure.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_admin
from catalogue.models import Service, ServiceMembership, ServiceRole
from helpdesk.workdays import WorkCalendar, add_working_days
from stats.models import targets_by_category
from tickets.models import Ticket
from tickets.status import OPEN_STATES, WAITING_REQUESTER, WAITING_SERVICE

COUNTS = ("open", "assigned", "waiting", "overdue")


@dataclass
class Counts:
    open: int = 0
    assigned: int = 0
    waiting: int = 0
    overdue: int = 0

    @property
    def unassigned(self) -> int:
        return self.open - self.assigned

    def add(self, other: Counts) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Row:
    """One line of the view: a service, or one agent within one service."""

    service: Service
    counts: Counts
    agent: object | None = None  # a User; None for a service's line
    links: dict[str, str] = field(default_factory=dict)


@dataclass
class Workload:
    services: list[Row]
    agents: list[Row]


def workload_services(user) -> list[Service]:
    """Administrators see every service, managers the services they manage, others none."""
    services = Service.objects.order_by("name")
    if is_admin(user):
        return list(services)
    return list(services.filter(pk__in=user.managed_service_ids))


def overdue_condition(now: datetime.datetime) -> Q:
    """Open tickets past their category's resolution target, or past their requester timer."""
    by_days: dict[int, list[int]] = defaultdict(list)
    for category_id, (_response, resolution) in targets_by_category().items():
        if resolution:
            by_days[resolution].append(category_id)
    calendar = WorkCalendar.for_region()
    past_target = Q(pk__in=[])
    for days, category_ids in by_days.items():
        cutoff = add_working_days(now, -days, calendar)
        past_target |= Q(category_id__in=category_ids, created__lt=cutoff)
    waiting_service = Q(status__in=WAITING_SERVICE) & past_target
    timer_ran_out = Q(status__in=WAITING_REQUESTER, expire_at__lte=now)
    return waiting_service | timer_ran_out


def queue_link(*, service: Service, assignee: str = "", statuses=OPEN_STATES, **extra: str) -> str:
    """The agent queue filtered with its own GET parameters."""
    params: list[tuple[str, str]] = [("service", str(service.pk))]
    params += [("status", status) for status in sorted(statuses)]
    if assignee:
        params.append(("assignee", assignee))
    params += [(key, value) for key, value in extra.items() if value]
    return f"{reverse('agent:queue')}?{urlencode(params)}"


def _links(service: Service, assignee: str = "") -> dict[str, str]:
    return {
        "open": queue_link(service=service, assignee=assignee),
        "unassigned": queue_link(service=service, assignee="none"),
        "waiting": queue_link(service=service, assignee=assignee, statuses=WAITING_REQUESTER),
        # The queue has no "overdue" filter: its oldest open tickets waiting on the service come first.
        "overdue": queue_link(service=service, assignee=assignee, waiting="service", sort="-created"),
    }


def workload(user, *, now: datetime.datetime | None = None) -> Workload:
    """Four queries: services, their agents, targets (two), and one grouped count."""
    now = now or timezone.now()
    services = workload_services(user)
    by_id = {service.pk: service for service in services}
    grouped = (
        Ticket.objects.visible_to(user)
        .filter(service_id__in=by_id, status__in=OPEN_STATES)
        .values("service_id", "assignee_id")
        .annotate(
            open=Count("pk"),
            waiting=Count("pk", filter=Q(status__in=WAITING_REQUESTER)),
            overdue=Count("pk", filter=overdue_condition(now)),
        )
        .order_by()
    )
    cells: dict[tuple[int, int | None], Counts] = {}
    for line in grouped:
        assigned = line["open"] if line["assignee_id"] else 0
        cells[line["service_id"], line["assignee_id"]] = Counts(
            open=line["open"], assigned=assigned, waiting=line["waiting"], overdue=line["overdue"]
        )
    service_rows = []
    for service in services:
        total = Counts()
        for (service_id, _assignee), counts in cells.items():
            if service_id == service.pk:
                total.add(counts)
        service_rows.append(Row(service=service, counts=total, links=_links(service)))
    members = (
        ServiceMembership.objects.filter(service_id__in=by_id, role__in=[ServiceRole.AGENT, ServiceRole.MANAGER])
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "service__name")
    )
    agent_rows = []
    for membership in members:
        service = by_id[membership.service_id]
        counts = cells.get((service.pk, membership.user_id), Counts())
        agent_rows.append(
            Row(service=service, agent=membership.user, counts=counts, links=_links(service, str(membership.user_id)))
        )
    return Workload(services=service_rows, agents=agent_rows)
