"""The manager's workload view: counts on a hand-built set, who sees what, links, queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats.models import CategoryTarget
from stats.tests.conftest import file_ago
from stats.workload import Counts, workload

URL = "/traitement/statistiques/charge/"


def agent_counts(view) -> dict[tuple[str, str], Counts]:
    return {(row.agent.email, row.service.slug): row.counts for row in view.agents}


def test_workload_counts_a_hand_built_set(workload_tickets, manager):
    view = workload(manager)
    assert [(row.service.slug, row.counts) for row in view.services] == [
        ("dsi", Counts(open=5, assigned=4, waiting=2, overdue=2)),
    ]
    assert view.services[0].counts.unassigned == 1
    assert agent_counts(view) == {
        ("agent@example.org", "dsi"): Counts(open=3, assigned=3, waiting=2, overdue=2),
        ("manager@example.org", "dsi"): Counts(open=1, assigned=1, waiting=0, overdue=0),
    }


def test_without_targets_only_the_requester_timer_makes_a_ticket_late(workload_tickets, manager):
    CategoryTarget.objects.all().delete()
    assert workload(manager).services[0].counts.overdue == 1


def test_administrators_see_every_service(workload_tickets, admin):
    view = workload(admin)
    assert [(row.service.slug, row.counts) for row in view.services] == [
        ("dsi", Counts(open=5, assigned=4, waiting=2, overdue=2)),
        ("scol", Counts(open=1, assigned=1, waiting=0, overdue=0)),  # no target in that branch
    ]
    assert ("other.agent@example.org", "scol") in agent_counts(view)


def test_page_shows_a_manager_their_services_only(workload_tickets, manager, client_for):
    response = client_for(manager).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assistance informatique" in html
    assert "Scolarité" not in html
    assert "Ailleurs" not in html
    assert 'href="/traitement/statistiques/charge/" aria-current="page"' in html


@pytest.mark.parametrize("who", ["agent", "other_agent", "requester", "colleague"])
def test_page_is_not_found_for_people_who_manage_nothing(who, request, client_for):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 404


def test_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "login" in response["Location"]


def test_page_rejects_post(manager, client_for):
    assert client_for(manager).post(URL).status_code == 405


def queue_titles(client, link: str) -> set[str]:
    response = client.get(link)
    assert response.status_code == 200
    return {ticket.title for ticket in response.context["page"].tickets}


def test_counts_link_to_the_queue_filtered_accordingly(workload_tickets, manager, client_for):
    client = client_for(manager)
    view = workload(manager)
    service_row = view.services[0]
    agent_row = next(row for row in view.agents if row.agent.email == "agent@example.org")
    assert queue_titles(client, service_row.links["open"]) == {
        "Nouvelle", "En retard", "Délai écoulé", "Proposée", "Chez le responsable",
    }  # fmt: skip
    assert queue_titles(client, service_row.links["unassigned"]) == {"Nouvelle"}
    assert queue_titles(client, service_row.links["waiting"]) == {"Délai écoulé", "Proposée"}
    assert queue_titles(client, agent_row.links["open"]) == {"En retard", "Délai écoulé", "Proposée"}
    assert queue_titles(client, agent_row.links["waiting"]) == {"Délai écoulé", "Proposée"}
    # No "overdue" filter in the queue: the agent's open tickets waiting on the service, oldest first.
    assert queue_titles(client, agent_row.links["overdue"]) == {"En retard"}


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_page_query_count_does_not_grow(workload_tickets, admin, requester, category, other_category, client_for):
    client = client_for(admin)
    page_queries(client)  # the first request also fills the per-user navigation cache
    before = page_queries(client)
    for index in range(15):
        file_ago(requester, category if index % 2 else other_category, f"Encore {index}", days_ago=index)
    assert page_queries(client) == before
    assert before <= 12
