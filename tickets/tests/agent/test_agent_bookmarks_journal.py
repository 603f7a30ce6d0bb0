"""Bookmarks and recently viewed tickets (every user), and the journal of my services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets import workflow as wf
from tickets.models import Bookmark, RecentView
from tickets.status import TicketStatus


@pytest.mark.django_db
def test_requester_bookmarks_and_history(make_ticket, requester, client_for):
    ticket = make_ticket(title="À suivre")
    client = client_for(requester)
    client.get(reverse("tickets:detail", args=[ticket.reference]))
    assert RecentView.objects.filter(user=requester, ticket=ticket).count() == 1
    client.get(reverse("tickets:detail", args=[ticket.reference]))
    assert RecentView.objects.filter(user=requester, ticket=ticket).count() == 1
    assert client.get(reverse("tickets:bookmark", args=[ticket.reference])).status_code == 405
    response = client.post(reverse("tickets:bookmark", args=[ticket.reference]))
    assert response.status_code == 302
    assert Bookmark.objects.filter(user=requester, ticket=ticket).exists()
    page = client.get(reverse("tickets:bookmarks")).content.decode()
    assert page.count("À suivre") == 2  # bookmarked and recently viewed
    client.post(reverse("tickets:bookmark", args=[ticket.reference]), {"next": "https://evil.example/"})
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_bookmark_of_invisible_ticket_is_404(make_ticket, outsider, client_for):
    ticket = make_ticket()
    assert client_for(outsider).post(reverse("tickets:bookmark", args=[ticket.reference])).status_code == 404


@pytest.mark.django_db
def test_history_hides_tickets_no_longer_visible(make_ticket, agent, other_category, client_for):
    ticket = make_ticket(TicketStatus.ECT, title="Transférée")
    client = client_for(agent)
    client.get(reverse("agent:ticket", args=[ticket.reference]))
    assert "Transférée" in client.get(reverse("tickets:bookmarks")).content.decode()
    wf.ticket_transfer(ticket=ticket, actor=agent, category=other_category)
    assert "Transférée" not in client.get(reverse("tickets:bookmarks")).content.decode()


@pytest.mark.django_db
def test_journal_filters_by_action_and_agent(make_ticket, agent, manager, other_category, outsider, client_for):
    taken = make_ticket(title="Prise par Alex")
    wf.ticket_take(ticket=taken, actor=agent)
    rejected = make_ticket(title="Rejetée par Sacha")
    wf.ticket_reject(ticket=rejected, actor=manager, text="Hors périmètre")
    wf.ticket_file(requester=outsider, category=other_category, title="Autre service", description="x")
    client = client_for(agent)
    page = client.get(reverse("agent:journal")).content.decode()
    assert "Prise par Alex" in page and "Rejetée par Sacha" in page
    assert "Autre service" not in page
    page = client.get(reverse("agent:journal"), {"action": "reject"}).content.decode()
    assert "Rejetée par Sacha" in page and "Prise par Alex" not in page
    page = client.get(reverse("agent:journal"), {"agent": agent.pk}).content.decode()
    assert "Prise par Alex" in page and "Rejetée par Sacha" not in page


@pytest.mark.django_db
def test_a_view_refreshes_presence_at_most_once_a_minute(make_ticket, agent, django_assert_num_queries):
    from helpdesk.throttle import forget
    from tickets.agent import presence
    from tickets.models import RecentView

    ticket = make_ticket()
    presence.record_view(user=agent, ticket=ticket)
    first = RecentView.objects.get(user=agent, ticket=ticket).viewed_at
    with django_assert_num_queries(0):
        presence.record_view(user=agent, ticket=ticket)  # a reload: the row is fresh
    assert RecentView.objects.get(user=agent, ticket=ticket).viewed_at == first
    forget(f"presence:{agent.pk}:{ticket.pk}")  # the minute has passed
    presence.record_view(user=agent, ticket=ticket)
    assert RecentView.objects.get(user=agent, ticket=ticket).viewed_at > first
