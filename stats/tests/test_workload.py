"""The manager's workload view: counts on a hand-built set, who sees what, links, queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stats.models import CategoryTarget
from stats.workload import Counts, workload
from tickets import workflow as wf
from tickets.models import Ticket

URL = "/traitement/statistiques/charge/"


def file(requester, category, title: str, *, days_ago: int = 0) -> Ticket:
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        return wf.ticket_file(requester=requester, category=category, title=title, description="Erreur.")


@pytest.fixture
def tickets(requester, agent, manager, other_agent, category, other_category):
    """In ``service`` (target: resolution in 2 working days, set on the parent branch):
    new (unassigned), late (agent, filed 10 days ago), timed_out (agent, ARS past its timer),
    proposed (agent, AVS), managers (manager, in progress), done (closed). In ``other_service``: elsewhere."""
    CategoryTarget.objects.create(category=category.parent, resolution_days=2)
    t = {
        "new": file(requester, category, "Nouvelle"),
        "late": file(requester, category, "En retard", days_ago=10),
        "timed_out": file(requester, category, "Délai écoulé"),
        "proposed": file(requester, category, "Proposée"),
        "managers": file(requester, category, "Chez le responsable"),
        "done": file(requester, category, "Terminée", days_ago=10),
        "elsewhere": file(requester, other_category, "Ailleurs", days_ago=10),
    }
    for key in ("late", "timed_out", "proposed", "done"):
        wf.ticket_take(ticket=t[key], actor=agent)
    wf.ticket_ask(ticket=t["timed_out"], actor=agent, text="Quelle version ?")
    Ticket.objects.filter(pk=t["timed_out"].pk).update(expire_at=timezone.now() - timedelta(hours=1))
    wf.ticket_propose(ticket=t["proposed"], actor=agent, text="Redémarrez.")
    wf.ticket_propose(ticket=t["done"], actor=agent, text="Redémarrez.")
    wf.ticket_approve(ticket=t["done"], actor=requester)
    wf.ticket_take(ticket=t["managers"], actor=manager)
    wf.ticket_take(ticket=t["elsewhere"], actor=other_agent)
    return t


def agent_counts(view) -> dict[tuple[str, str], Counts]:
    return {(row.agent.email, row.service.slug): row.counts for row in view.agents}


def test_workload_counts_a_hand_built_set(tickets, manager):
    view = workload(manager)
    assert [(row.service.slug, row.counts) for row in view.services] == [
        ("dsi", Counts(open=5, assigned=4, waiting=2, overdue=2)),
    ]
    assert view.services[0].counts.unassigned == 1
    assert agent_counts(view) == {
        ("agent@example.org", "dsi"): Counts(open=3, assigned=3, waiting=2, overdue=2),
        ("manager@example.org", "dsi"): Counts(open=1, assigned=1, waiting=0, overdue=0),
    }


def test_without_targets_only_the_requester_timer_makes_a_ticket_late(tickets, manager):
    CategoryTarget.objects.all().delete()
    assert workload(manager).services[0].counts.overdue == 1


def test_administrators_see_every_service(tickets, admin):
    view = workload(admin)
    assert [(row.service.slug, row.counts) for row in view.services] == [
        ("dsi", Counts(open=5, assigned=4, waiting=2, overdue=2)),
        ("scol", Counts(open=1, assigned=1, waiting=0, overdue=0)),  # no target in that branch
    ]
    assert ("other.agent@example.org", "scol") in agent_counts(view)


def test_page_shows_a_manager_their_services_only(tickets, manager, client_for):
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


def test_counts_link_to_the_queue_filtered_accordingly(tickets, manager, client_for):
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


def test_page_query_count_does_not_grow(tickets, admin, requester, category, other_category, client_for):
    client = client_for(admin)
    page_queries(client)  # the first request also fills the per-user navigation cache
    before = page_queries(client)
    for index in range(15):
        file(requester, category if index % 2 else other_category, f"Encore {index}", days_ago=index)
    assert page_queries(client) == before
    assert before <= 12
