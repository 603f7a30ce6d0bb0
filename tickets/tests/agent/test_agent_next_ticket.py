"""'Demande suivante' (shortcut n): the ticket after this one in the queue the agent came from (issue 17)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets import workflow as wf
from tickets.agent.next_ticket import SESSION_KEY
from tickets.models import MessageKind
from tickets.status import TicketStatus


def next_of(client, ticket):
    return client.get(reverse("agent:next", args=[ticket.reference]))


@pytest.fixture
def three(make_ticket):
    """Three new tickets; the queue (last activity first) shows them newest first."""
    oldest, middle, newest = (make_ticket(title=t) for t in ("Imprimante", "Quota", "Connexion"))
    return newest, middle, oldest


@pytest.mark.django_db
def test_next_goes_down_the_queue_and_ends_on_the_queue(client_for, agent, three):
    newest, middle, oldest = three
    client = client_for(agent)
    assert next_of(client, newest)["Location"] == reverse("agent:ticket", args=[middle.reference])
    assert next_of(client, middle)["Location"] == reverse("agent:ticket", args=[oldest.reference])
    response = next_of(client, oldest)
    assert response["Location"] == reverse("agent:queue")
    page = client.get(response["Location"]).content.decode()
    assert "Il n&#x27;y a pas d&#x27;autre demande après celle-ci dans votre file." in page


@pytest.mark.django_db
def test_an_answered_ticket_does_not_bounce_back(client_for, agent, three):
    newest, middle, oldest = three
    client = client_for(agent)
    assert next_of(client, newest)["Location"] == reverse("agent:ticket", args=[middle.reference])
    # Answering the middle one makes it the most recent activity: its next is still the oldest, not the newest.
    wf.ticket_add_message(ticket=middle, actor=agent, kind=MessageKind.PUBLIC_REPLY, text="Bonjour.")
    assert next_of(client, middle)["Location"] == reverse("agent:ticket", args=[oldest.reference])


@pytest.mark.django_db
def test_next_follows_the_remembered_tab_and_skips_tickets_that_left_it(client_for, agent, make_ticket, three):
    newest, middle, oldest = three
    mine = make_ticket(TicketStatus.ECT, title="Attribuée")  # taken by the agent: the only one of "à moi"
    client = client_for(agent)
    client.get(reverse("agent:queue"), {"vue": "a-moi"})
    assert next_of(client, mine)["Location"] == reverse("agent:queue")  # nothing else is theirs
    client.get(reverse("agent:queue"), {"vue": "a-traiter"})
    assert next_of(client, mine)["Location"] == reverse("agent:ticket", args=[newest.reference])
    wf.ticket_take(ticket=middle, actor=agent)  # still "à traiter", now moved up
    wf.ticket_reject(ticket=oldest, actor=agent, text="Hors périmètre.")  # closed meanwhile: skipped
    assert next_of(client, newest)["Location"] == reverse("agent:ticket", args=[middle.reference])
    assert next_of(client, middle)["Location"] == reverse("agent:queue")


@pytest.mark.django_db
def test_the_queue_page_starts_a_new_run_and_others_get_404(client_for, agent, requester, three):
    newest, _middle, _oldest = three
    client = client_for(agent)
    next_of(client, newest)
    assert SESSION_KEY in client.session
    client.get(reverse("agent:queue"))
    assert SESSION_KEY not in client.session
    assert next_of(client_for(requester), newest).status_code == 404


@pytest.mark.django_db
def test_ticket_page_links_to_the_next_ticket(client_for, agent, three):
    html = client_for(agent).get(reverse("agent:ticket", args=[three[0].reference])).content.decode()
    assert f'href="{reverse("agent:next", args=[three[0].reference])}" data-next-ticket aria-keyshortcuts="n"' in html
