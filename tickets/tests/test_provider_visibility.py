"""The provider tier's visibility matrix: a provider's member sees only the DAs handed to their
organisation, never a ticket not handed to it, never an internal note; the institution never
sees the provider's answer or the agency's brief before the agency validates it."""

from __future__ import annotations

import pytest

from tickets import workflow as wf
from tickets.models import Attachment, Message, MessageKind, Ticket
from tickets.selectors import ticket_timeline
from tickets.status import Etat, TicketStatus
from tickets.tests.conftest import PNG, bring_to_etat, checked

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(make_ticket, agency_lifecycle, agent, provider_member):
    """A DA handed to the provider, answered by it (AVA), with an internal note of the agency."""
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_add_message(
        ticket=ticket, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Client difficile.",
        files=[checked("note.png", PNG)],
    )  # fmt: skip
    ticket = bring_to_etat(ticket, Etat.AVA, agent=agent, provider_member=provider_member)
    return ticket


def kinds_seen(user, ticket) -> set[str]:
    return set(Message.objects.visible_to(user).filter(ticket=ticket).values_list("kind", flat=True))


def test_provider_sees_only_the_tickets_handed_to_it(handed, make_ticket, provider_member, other_provider_member):
    other = make_ticket(TicketStatus.ECT, title="Pas confiée")
    assert list(Ticket.objects.visible_to(provider_member)) == [handed]
    assert other not in Ticket.objects.visible_to(provider_member)
    assert list(Ticket.objects.visible_to(other_provider_member)) == []
    assert list(Ticket.objects.visible_to(provider_member).requester_side(provider_member)) == []


def test_message_matrix(handed, requester, colleague, outsider, agent, other_agent, admin, provider_member,
                        other_provider_member):  # fmt: skip
    brief, answer, note = MessageKind.TO_PROVIDER, MessageKind.PROVIDER_ANSWER, MessageKind.INTERNAL_NOTE
    expected = {
        "requester": set(),
        "colleague": set(),
        "outsider": set(),
        "agent": {note, brief, answer},
        "other_agent": set(),
        "admin": {note, brief, answer},
        "provider": {brief, answer},
        "other_provider": set(),
    }
    cast = {"requester": requester, "colleague": colleague, "outsider": outsider, "agent": agent,
            "other_agent": other_agent, "admin": admin, "provider": provider_member,
            "other_provider": other_provider_member}  # fmt: skip
    assert {role: kinds_seen(user, handed) for role, user in cast.items()} == expected


def test_internal_note_attachment_hidden_from_the_provider(handed, provider_member, agent):
    assert Attachment.objects.visible_to(agent).filter(ticket=handed).count() == 1
    assert Attachment.objects.visible_to(provider_member).filter(ticket=handed).count() == 0


def test_timeline_hides_the_provider_exchanges_from_the_institution_until_validated(
    handed, requester, provider_member, agent
):
    def kinds(user):
        return {e.message.kind for e in ticket_timeline(ticket=handed, user=user) if e.message_id}

    assert kinds(requester) == set()
    assert kinds(provider_member) == {MessageKind.TO_PROVIDER, MessageKind.PROVIDER_ANSWER}
    wf.ticket_validate_provider_answer(ticket=handed, actor=agent, text="Appliquez le correctif 2.1.")
    handed.refresh_from_db()
    assert handed.status == TicketStatus.AVS
    assert kinds(requester) == {MessageKind.PROPOSED_ANSWER}


def test_provider_page_shows_the_ticket_without_the_internal_note(handed, provider_member, client_for, make_ticket):
    client = client_for(provider_member)
    page = client.get(f"/demandes/{handed.reference}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Appliquez le correctif 2.1." in text
    assert "Client difficile." not in text
    other = make_ticket(TicketStatus.ECT, title="Pas confiée")
    assert client.get(f"/demandes/{other.reference}/").status_code == 404


def test_send_back_then_take_back_ends_the_providers_access(handed, provider_member, agent):
    wf.ticket_send_back_to_provider(ticket=handed, actor=agent, text="Précisez la version.")
    handed.refresh_from_db()
    assert (handed.status, handed.etat) == (TicketStatus.ECT, Etat.EXT)
    wf.ticket_take_back_from_provider(ticket=handed, actor=agent)
    handed.refresh_from_db()
    assert (handed.etat, handed.provider_id) == (Etat.INT, None)
    assert list(Ticket.objects.visible_to(provider_member)) == []


def test_provider_cannot_add_information_directly(handed, provider_member):
    with pytest.raises(wf.ActionForbidden):
        wf.ticket_add_information(ticket=handed, actor=provider_member, text="Bonjour l'établissement")


def test_provider_list_shows_the_handed_tickets_only(
    handed, make_ticket, agent, provider_member, client_for, django_assert_max_num_queries
):
    make_ticket(TicketStatus.ECT, title="Pas confiée")
    for i in range(3):
        ticket = make_ticket(TicketStatus.ECT, title=f"Confiée {i}")
        bring_to_etat(ticket, Etat.EXT, agent=agent, provider_member=provider_member)
    client = client_for(provider_member)
    with django_assert_max_num_queries(12):
        page = client.get("/demandes/prestataire/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("Confiée ") == 3 and "Pas confiée" not in text
    assert f"#{handed.reference}" in text
