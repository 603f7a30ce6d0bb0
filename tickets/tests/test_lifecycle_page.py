"""The lifecycle page is drawn from the FSM graph; the ticket pages carry the seed's legend."""

from __future__ import annotations

import pytest

from catalogue.models import Lifecycle
from tickets.diagram import COLUMNS, lifecycle_diagram, transitions
from tickets.models import Ticket
from tickets.status import CORE_STATES, STATUSES_BY_LIFECYCLE, Etat, TicketStatus
from tickets.tests.conftest import bring_to_etat
from tickets.tests.test_lifecycle_matrix import EDGES


def test_every_status_has_a_column():
    assert sorted(code for column in COLUMNS for code in column) == sorted(TicketStatus.values)


def test_diagram_shows_the_graph_of_each_branch():
    agency = lifecycle_diagram(Lifecycle.AGENCY)
    assert {n.code for n in agency["nodes"]} == set(TicketStatus.values)
    # Every edge of the graph is in the table (``change_etat`` keeps the status: drawn as a loop on it).
    assert {(e.name, e.source, e.target) for e in agency["edges"]} == {
        (name, source, target or source) for name, source, target in EDGES if name not in {"exclude"}
    }
    core = lifecycle_diagram(Lifecycle.CORE)
    assert {n.code for n in core["nodes"]} == set(CORE_STATES) == STATUSES_BY_LIFECYCLE[Lifecycle.CORE]
    assert "exclude_from_cycle" not in {e.name for e in transitions(Lifecycle.CORE)}
    assert all(not n.etats for n in core["nodes"])


@pytest.mark.django_db
def test_lifecycle_page_renders_the_svg_and_its_text_alternative(client):
    page = client.get("/demandes/cycle-de-vie/?cycle=agency")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<svg class="lifecycle-diagram"' in text and 'role="img"' in text
    assert text.count("<rect ") == len(TicketStatus.values)
    assert "valider la réponse du prestataire et la proposer" in text
    assert "style=" not in text.split("<main", 1)[1]
    core = client.get("/demandes/cycle-de-vie/?cycle=core").content.decode()
    assert core.count("<rect ") == len(CORE_STATES)


@pytest.mark.django_db
def test_ticket_pages_explain_status_and_etat_in_the_seeds_words(
    make_ticket, agency_lifecycle, agent, requester, provider_member, client_for
):
    ticket = bring_to_etat(make_ticket(TicketStatus.ECT), Etat.EXT, agent=agent, provider_member=provider_member)
    for client, url in [
        (client_for(requester), f"/demandes/{ticket.reference}/"),
        (client_for(agent), f"/traitement/{ticket.reference}/"),
    ]:
        text = client.get(url).content.decode()
        assert "En cours de traitement." in text
        assert "La fiche est traitée par le prestataire (externalisée)." in text
        assert "Création par un correspondant et l&#x27;équipe de l&#x27;agence" in text
    assert Ticket.objects.get(pk=ticket.pk).origin == "FA"
