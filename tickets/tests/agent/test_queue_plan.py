"""The queue's first page: a bounded number of queries, read in index order on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets.agent import queue as q
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
    assert index in plan
    assert "Sort" not in plan.split(index)[0]  # no sort above the index scan
