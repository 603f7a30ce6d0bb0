"""The queue's first page: a bounded number of queries, read in index order on PostgreSQL."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tickets.agent import queue as q
from tickets.models import Ticket
from tickets.status import OPEN_STATES, TicketStatus

QUEUE = "/traitement/"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["agent", "admin"])
def test_queue_first_page_costs_at_most_11_queries(who, request, make_ticket, client_for):
    for status in (TicketStatus.NEW, TicketStatus.ECT, TicketStatus.TER):
        make_ticket(status)
    client = client_for(request.getfixturevalue(who))
    client.get(QUEUE)  # the second visit: counts and navigation cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert len(ctx.captured_queries) <= 11  # issue 22: was 15; issue 17: was 12


def plan_of(user) -> str:
    filters = q.QueueFilters(services=q.queue_service_ids(user), statuses=sorted(OPEN_STATES))
    return q.queue_tickets(user=user, filters=filters)[: q.PAGE_SIZE + 1].explain()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("who", "index"), [("agent", "tickets_open_service_act"), ("admin", "tickets_open_activity")])
def test_queue_first_page_reads_the_open_tickets_index_in_order(who, index, request, service, other_service):
    user = request.getfixturevalue(who)
    switches = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
    with connection.cursor() as cursor:
        # An empty table would be read whole and sorted whatever the indexes: plan as if it were large.
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
        try:
            plan = plan_of(user)
        finally:
            for switch in switches:
                cursor.execute(f"RESET {switch}")
    assert index in plan, plan
    assert "Sort" not in plan.split(index)[0]  # no sort above the index scan


@pytest.fixture
def analysed_tickets(service, category, other_category, requester, agent, manager, other_agent):
    """4,000 tickets over two services, three agents and nine statuses, analysed: on an empty table every
    index that gives the order costs the same to the planner, and which one it names is chance."""
    now = timezone.now()
    assignees = [agent, manager, other_agent, None]
    statuses = [TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ARS, TicketStatus.TER, TicketStatus.ECT]
    Ticket.objects.bulk_create(
        Ticket(
            reference=10_000 + i,
            title=f"Demande {i}",
            description="",
            category=category if i % 2 else other_category,
            service_id=category.service_id if i % 2 else other_category.service_id,
            requester=requester,
            assignee=assignees[i % 4] if i % 2 else (other_agent if i % 3 else None),
            status=statuses[i % len(statuses)],
            priority=1 + i % 5,
            last_activity_at=now - datetime.timedelta(minutes=i),
        )
        for i in range(4000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "filters", "index"),
    [
        ("agent", {"statuses": ["ECT", "ARS"], "assignee": "mine", "sort": "priority"}, "tickets_open_assignee_prio"),
        ("agent", {"tab": "a-moi"}, "tickets_open_assignee_act"),
        ("agent", {"sort": "priority"}, "tickets_open_service_prio"),
        ("admin", {"sort": "priority"}, "tickets_open_priority"),
    ],
)
def test_queue_other_orders_read_their_open_tickets_index_in_order(who, filters, index, request, analysed_tickets):
    """Migration 0017's indexes (issue 22): each of these pages is one index range in order, not a sort."""
    user = request.getfixturevalue(who)
    order = q.SORTS[filters.get("sort", "activity")]
    qs = q.queue_tickets(user=user, filters=q.QueueFilters(services=q.queue_service_ids(user), **filters))
    assert qs.query.order_by == order
    switches = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET {switch} = off")
        try:
            plan = qs[: q.PAGE_SIZE + 1].explain()
        finally:
            for switch in switches:
                cursor.execute(f"RESET {switch}")
    assert index in plan, plan
    assert "Sort" not in plan.split(index)[0]
