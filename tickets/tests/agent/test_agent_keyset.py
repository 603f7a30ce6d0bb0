"""Queue keyset paging: every ticket exactly once, page after page, while tickets arrive."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tickets.agent import queue as q
from tickets.models import Ticket, TicketCounter

QUEUE = "/traitement/"


def add_tickets(n, *, category, requester, start, base, step_minutes):
    """``n`` NEW tickets whose activity and filing times go back ``step_minutes`` apart from ``base``;
    every third one shares its neighbour's times, so the unique column must break ties."""
    rows = []
    for i in range(n):
        moment = base - datetime.timedelta(minutes=step_minutes * (i - i % 3 * (i % 2)))
        rows.append(
            Ticket(
                reference=start + i,
                title=f"Ticket {start + i}",
                description="x",
                category=category,
                service_id=category.service_id,
                requester=requester,
                institution=requester.institution,
                priority=1 + i % 5,
                created=moment,
                last_activity_at=moment,
            )
        )
    Ticket.objects.bulk_create(rows)
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": start + n})


@pytest.mark.django_db
@pytest.mark.parametrize("sort", sorted(q.SORT_KEYS))
def test_keyset_pages_cover_every_ticket_once_while_tickets_arrive(sort, category, requester, agent):
    now = timezone.now()
    add_tickets(130, category=category, requester=requester, start=1000, base=now, step_minutes=7)
    before = set(Ticket.objects.values_list("reference", flat=True))
    filters = q.QueueFilters(services=[category.service_id], sort=sort)
    seen, after, pages = [], "", 0
    while True:
        page = q.keyset_page(q.queue_tickets(user=agent, filters=filters), sort=sort, after=after)
        seen += [t.reference for t in page.tickets]
        pages += 1
        if pages == 1:  # new tickets arrive between two pages, at both ends of every sort
            add_tickets(20, category=category, requester=requester, start=5000, base=now, step_minutes=-3)
            add_tickets(20, category=category, requester=requester, start=6000, base=now, step_minutes=11)
        if not page.has_next:
            break
        after = page.next_cursor
    assert len(seen) == len(set(seen))  # nobody twice
    assert before <= set(seen)  # nobody who was there skipped
    assert pages == -(-len(seen) // q.PAGE_SIZE)
    order = [t.reference for t in q.queue_tickets(user=agent, filters=filters)]
    assert seen == [r for r in order if r in set(seen)]  # in the sort's order


@pytest.mark.django_db
def test_queue_page_follows_next_links_to_the_end(category, requester, agent, client_for):
    add_tickets(120, category=category, requester=requester, start=1000, base=timezone.now(), step_minutes=5)
    client = client_for(agent)
    url, seen = f"{QUEUE}?sort=-created&service={category.service_id}", []
    for _ in range(3):
        page = client.get(url).content.decode()
        seen += re.findall(r'name="tickets" value="(\d+):', page)
        link = re.search(r'href="\?([^"]+)" rel="next"', page)
        if link is None:
            break
        url = f"{QUEUE}?{link.group(1).replace('&amp;', '&')}"
    assert len(seen) == len(set(seen)) == 120
    assert seen == [str(r) for r in Ticket.objects.order_by("created", "pk").values_list("reference", flat=True)]
    assert 'rel="first"' in page and 'rel="next"' not in page


@pytest.mark.django_db
def test_unreadable_cursor_gives_the_first_page(category, requester, agent, client_for):
    add_tickets(3, category=category, requester=requester, start=1000, base=timezone.now(), step_minutes=5)
    for after in ("nonsense", "2026-01-01T00:00:00~x", "1~2~3~4", "2026-01-01T00:00:00~1"):
        response = client_for(agent).get(QUEUE, {"after": after})
        assert response.status_code == 200
        assert response.content.decode().count('name="tickets"') == 3, after
