"""Staff search: references, words, people, institutions — always inside visible_to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets import workflow as wf
from tickets.agent.search import search_tickets
from tickets.models import MessageKind

SEARCH = "/traitement/recherche/"


@pytest.fixture
def foreign(other_category, outsider):
    return wf.ticket_file(
        requester=outsider, category=other_category, title="Imprimante bloquée", description="Le bac est vide."
    )


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["#{}", "{}", "# {}"])
def test_reference_goes_straight_to_the_ticket(form, make_ticket, agent, client_for):
    ticket = make_ticket()
    response = client_for(agent).get(SEARCH, {"q": form.format(ticket.reference)})
    assert response.status_code == 302
    assert response.url == reverse("agent:ticket", args=[ticket.reference])


@pytest.mark.django_db
def test_agent_never_finds_another_service_ticket(foreign, make_ticket, agent, client_for):
    make_ticket(title="Imprimante du secrétariat")
    client = client_for(agent)
    response = client.get(SEARCH, {"q": f"#{foreign.reference}"})
    assert response.status_code == 200  # no redirect to a ticket it may not see
    assert (
        "Aucune demande trouvée." in response.content.decode()
        or f"#{foreign.reference}<" not in response.content.decode()
    )
    page = client.get(SEARCH, {"q": "imprimante"}).content.decode()
    assert "Imprimante du secrétariat" in page
    assert "Imprimante bloquée" not in page
    for q in ("bac vide", "outsider@example.net", "Dehors", "Autre Université"):
        assert list(search_tickets(user=agent, q=q)) == [], q


@pytest.mark.django_db
def test_words_messages_people_and_institution(make_ticket, agent, requester, client_for):
    ticket = make_ticket(title="Messagerie inaccessible")
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_add_message(ticket=ticket, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Serveur saturé")
    other = make_ticket(title="Autre sujet")
    for q in ("messagerie", "erreur 500", "saturé", "requester@example.org", "Camille Martin", "Université de Test"):
        found = {t.pk for t in search_tickets(user=agent, q=q)}
        assert ticket.pk in found, q
    assert {t.pk for t in search_tickets(user=agent, q="messagerie")} == {ticket.pk}
    assert other.pk in {t.pk for t in search_tickets(user=agent, q="Camille")}


@pytest.mark.django_db
def test_search_page_lists_results(make_ticket, agent, client_for):
    make_ticket(title="Messagerie inaccessible")
    page = client_for(agent).get(SEARCH, {"q": "messagerie"}).content.decode()
    assert "Messagerie inaccessible" in page


@pytest.mark.django_db
def test_requester_has_no_staff_search(requester, client_for):
    assert client_for(requester).get(SEARCH, {"q": "x"}).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_search_is_french_and_accent_insensitive(make_ticket, agent):
    ticket = make_ticket(title="Problème d'accès à l'intranet, étudiants déconnectés")
    for q in ("probleme acces", "etudiant", "déconnecté", "problèmes"):
        assert [t.pk for t in search_tickets(user=agent, q=q)] == [ticket.pk], q
