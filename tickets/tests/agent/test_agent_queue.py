"""The queue page: filters, counts, saved filters, constant query count; bulk actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tickets import workflow as wf
from tickets.agent.queue import status_counts
from tickets.models import SavedFilter, Ticket, TicketCounter
from tickets.status import TicketStatus

QUEUE = "/traitement/"


def bulk_tickets(n, *, category, requester, start=10_000):
    """Many NEW tickets at once (only for volume: the workflow is tested elsewhere)."""
    now = timezone.now()
    Ticket.objects.bulk_create(
        Ticket(
            reference=start + i,
            title=f"Volume {i}",
            description="x",
            category=category,
            service_id=category.service_id,
            requester=requester,
            institution=requester.institution,
            created=now,
            last_activity_at=now,
        )
        for i in range(n)
    )
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": start + n})


def seen(*tickets):
    """The queue's checkbox values: each ticket's reference and the version shown."""
    return [f"{t.reference}:{t.version}" for t in tickets]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_queue_query_count_constant_with_10_and_500_tickets(category, requester, agent, client_for):
    bulk_tickets(10, category=category, requester=requester)
    client = client_for(agent)
    client.get(QUEUE)  # warm the counts cache like any second visit
    with_10 = count_queries(client, QUEUE)
    bulk_tickets(490, category=category, requester=requester, start=20_000)
    client.get(QUEUE)
    assert count_queries(client, QUEUE) == with_10
    with_filters = f"{QUEUE}?status=NEW&assignee=none&sort=priority&page=3"
    client.get(with_filters)
    assert count_queries(client, with_filters) == with_10


@pytest.mark.django_db
def test_queue_lists_my_services_only(make_ticket, other_category, outsider, agent, client_for):
    mine = make_ticket(title="Chez nous")
    theirs = wf.ticket_file(requester=outsider, category=other_category, title="Chez eux", description="x")
    page = client_for(agent).get(QUEUE).content.decode()
    assert f"#{mine.reference}" in page
    assert f"#{theirs.reference}" not in page


@pytest.mark.django_db
def test_queue_non_staff_is_404(requester, client_for):
    assert client_for(requester).get(QUEUE).status_code == 404


@pytest.mark.django_db
def test_queue_filters(make_ticket, agent, manager, category, client_for):
    new = make_ticket(title="Nouvelle A")
    taken = make_ticket(TicketStatus.ECT, title="Prise B")
    asked = make_ticket(TicketStatus.ARS, title="Question C")
    wf.ticket_assign(ticket=asked, actor=manager, assignee=manager)
    client = client_for(agent)

    def listed(query):
        page = client.get(f"{QUEUE}?{query}").content.decode()
        return {t.title for t in (new, taken, asked) if f">{t.title}<" in page}

    assert listed("status=NEW") == {"Nouvelle A"}
    assert listed("assignee=mine") == {"Prise B"}
    assert listed("assignee=none") == {"Nouvelle A"}
    assert listed(f"assignee={manager.pk}") == {"Question C"}
    assert listed("waiting=requester") == {"Question C"}
    assert listed(f"category={category.parent_id}") == {"Nouvelle A", "Prise B", "Question C"}  # the subtree
    assert listed("older_than=3") == set()


@pytest.mark.django_db
def test_status_counts_cached_and_invalidated_by_events(
    make_ticket, agent, service, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    assert status_counts([service.pk])["NEW"] == 1
    Ticket.objects.filter(pk=ticket.pk).update(title="no event: the cache is kept")
    # Invalidated after commit: a cache call never runs inside the action's transaction.
    with django_capture_on_commit_callbacks(execute=True):
        wf.ticket_take(ticket=ticket, actor=agent)
    counts = status_counts([service.pk])
    assert (counts["NEW"], counts["ECT"]) == (0, 1)


@pytest.mark.django_db
def test_saved_filter_roundtrip(agent, client_for):
    client = client_for(agent)
    response = client.post(reverse("agent:save_filter"), {"name": "Mes nouvelles", "query": "status=NEW&assignee=none"})
    assert response.status_code == 302
    saved = SavedFilter.objects.get(user=agent)
    assert saved.query == "status=NEW&assignee=none"
    page = client.get(QUEUE).content.decode()
    assert "Mes nouvelles" in page and "?status=NEW&amp;assignee=none" in page
    assert client.get(reverse("agent:delete_filter", args=[saved.pk])).status_code == 405
    client.post(reverse("agent:delete_filter", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


# --- Bulk ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_take_mixes_done_and_refused(make_ticket, other_category, outsider, agent, client_for):
    new = make_ticket(title="Nouvelle")
    taken = make_ticket(TicketStatus.ECT, title="Déjà prise")
    foreign = wf.ticket_file(requester=outsider, category=other_category, title="Ailleurs", description="x")
    response = client_for(agent).post(reverse("agent:bulk"), {"action": "take", "tickets": seen(new, taken, foreign)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 demande traitée." in page and "2 demandes refusées." in page
    assert "Cette action n&#x27;est pas possible sur une demande « En cours de traitement »" in page
    assert "Demande introuvable." in page  # another service's ticket is not even named
    assert "Ailleurs" not in page
    new.refresh_from_db()
    foreign.refresh_from_db()
    assert (new.status, new.assignee, foreign.status) == (TicketStatus.ECT, agent, TicketStatus.NEW)


@pytest.mark.django_db
def test_bulk_assign_priority_and_transfer(make_ticket, manager, agent, other_category, client_for):
    one, two = make_ticket(title="Un"), make_ticket(TicketStatus.TER, title="Deux")
    client = client_for(manager)
    page = client.post(reverse("agent:bulk"), {"action": "assign", "tickets": seen(one, two), "assignee": agent.pk})
    assert "Cette demande est close" in page.content.decode()
    one.refresh_from_db()
    assert one.assignee == agent
    client.post(reverse("agent:bulk"), {"action": "priority", "tickets": seen(one), "priority": 5})
    one.refresh_from_db()
    assert one.priority == 5
    client.post(reverse("agent:bulk"), {"action": "transfer", "tickets": seen(one), "category": other_category.pk})
    one.refresh_from_db()
    assert (one.category, one.assignee) == (other_category, None)
    assert one.events.filter(action="requalify").count() == 2


@pytest.mark.django_db
def test_bulk_missing_value_is_refused_before_anything(make_ticket, agent, client_for):
    ticket = make_ticket()
    response = client_for(agent).post(reverse("agent:bulk"), {"action": "priority", "tickets": seen(ticket)})
    assert response.status_code == 400
    assert ticket.events.count() == 1


@pytest.mark.django_db
def test_bulk_is_post_only_and_for_staff(requester, client_for):
    assert client_for(requester).get(reverse("agent:bulk")).status_code == 405
    assert client_for(requester).post(reverse("agent:bulk"), {"action": "take", "tickets": ["1:1"]}).status_code == 404


@pytest.mark.django_db
def test_bulk_refuses_tickets_changed_since_the_queue_was_shown(make_ticket, manager, agent, client_for):
    fresh, changed = make_ticket(title="Inchangée"), make_ticket(title="Modifiée")
    client = client_for(manager)
    page = client.get(QUEUE).content.decode()
    assert f'value="{changed.reference}:{changed.version}"' in page  # what the checkbox carries
    shown = seen(fresh, changed)
    wf.ticket_requalify(ticket=changed, actor=agent, priority=5, text="Urgent")  # meanwhile, another agent
    response = client.post(reverse("agent:bulk"), {"action": "assign", "tickets": shown, "assignee": agent.pk})
    page = response.content.decode()
    assert "1 demande traitée." in page and "1 demande refusée." in page
    assert f'class="bulk-stale"><a href="/traitement/{changed.reference}/">#{changed.reference}</a> Modifiée' in page
    assert "Cette demande a été modifiée entre-temps" in page
    fresh.refresh_from_db()
    changed.refresh_from_db()
    assert (fresh.assignee, fresh.status) == (agent, TicketStatus.ECT)
    assert (changed.assignee, changed.status, changed.priority) == (None, TicketStatus.NEW, 5)


@pytest.mark.django_db
def test_bulk_without_versions_is_refused_before_anything(make_ticket, agent, client_for):
    ticket = make_ticket()
    response = client_for(agent).post(reverse("agent:bulk"), {"action": "take", "tickets": [ticket.reference]})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
