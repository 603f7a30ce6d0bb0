"""The stored search document (PostgreSQL triggers of migration 0004) and the ranked, exact search on it."""

from __future__ import annotations

import pytest
from django.db import connection

from tickets import workflow as wf
from tickets.agent import fts
from tickets.agent.search import search_tickets
from tickets.models import Message, MessageKind, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def found(user, q):
    return [t.reference for t in search_tickets(user=user, q=q)]


MATCH_SQL = {
    column: f"SELECT {column} @@ plainto_tsquery('french_unaccent', %s) FROM tickets_ticket WHERE id = %s"  # noqa: S608 (fixed column names)
    for column in ("search_vector", "notes_vector")
}


def has(ticket, words, column="search_vector"):
    """Whether the stored vector (as the database holds it now) contains all ``words``."""
    with connection.cursor() as cursor:
        cursor.execute(MATCH_SQL[column], [words, ticket.pk])
        return cursor.fetchone()[0]


def test_document_follows_title_description_and_messages(make_ticket, agent):
    ticket = make_ticket(title="Imprimante hors service")
    assert has(ticket, "imprimante service erreur matin")  # title and description
    message = wf.ticket_add_message(
        ticket=ticket, actor=agent, kind=MessageKind.PUBLIC_REPLY, text="Cartouche commandée"
    ).message
    assert has(ticket, "cartouche")
    Message.objects.filter(pk=message.pk).update(body="Toner livré")
    assert has(ticket, "toner livré") and not has(ticket, "cartouche")
    Ticket.objects.filter(pk=ticket.pk).update(title="Scanner bloqué")
    assert has(ticket, "scanner") and not has(ticket, "imprimante")
    Message.objects.filter(pk=message.pk).delete()
    assert not has(ticket, "toner") and has(ticket, "scanner erreur")


def test_full_save_with_a_stale_vector_is_rebuilt(make_ticket, agent):
    ticket = make_ticket()
    loaded = Ticket.objects.get(pk=ticket.pk)  # carries the vector as it was
    Message.objects.create(ticket=ticket, kind=MessageKind.PUBLIC_REPLY, body="Redémarrage du serveur")
    assert has(ticket, "redémarrage serveur")
    loaded.save()  # writes the stale vector back: the trigger rebuilds it from the thread
    assert has(ticket, "redémarrage serveur")


def test_internal_notes_are_kept_apart(make_ticket, agent):
    ticket = make_ticket(title="Compte bloqué")
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_add_message(ticket=ticket, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Voir avec le rectorat")
    assert not has(ticket, "rectorat")
    assert has(ticket, "rectorat", "notes_vector")


def test_search_is_french_accent_insensitive_and_ranked(make_ticket, category, requester, agent):
    in_title = make_ticket(title="Réseau coupé au bâtiment B")
    in_description = wf.ticket_file(
        requester=requester, category=category, title="Salle 12", description="Le réseau ne répond plus."
    )
    in_reply = make_ticket(title="Projecteur")
    wf.ticket_add_message(ticket=in_reply, actor=agent, kind=MessageKind.PUBLIC_REPLY, text="Câble réseau changé")
    make_ticket(title="Sans rapport")
    expected = [in_title.reference, in_description.reference, in_reply.reference]  # A > B > C
    for q in ("reseau", "RÉSEAUX", "réseau"):
        assert found(agent, q) == expected, q
    assert found(agent, '"batiment b"') == [in_title.reference]  # phrase
    assert set(found(agent, "reseau -projecteur")) == set(expected[:2])  # websearch syntax
    assert found(agent, "cables changés") == [in_reply.reference]


def test_search_respects_visibility_and_notes_belong_to_the_service(
    make_ticket, other_category, outsider, agent, other_agent, admin
):
    mine = make_ticket(title="Bibliothèque fermée")
    wf.ticket_take(ticket=mine, actor=agent)
    wf.ticket_add_message(ticket=mine, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Clé chez le gardien")
    theirs = wf.ticket_file(requester=outsider, category=other_category, title="Bibliothèque", description="x")
    wf.ticket_take(ticket=theirs, actor=other_agent)
    wf.ticket_add_message(ticket=theirs, actor=other_agent, kind=MessageKind.INTERNAL_NOTE, text="Gardien absent")
    assert found(agent, "bibliotheque") == [mine.reference]
    assert found(agent, "gardien") == [mine.reference]
    assert found(other_agent, "gardien") == [theirs.reference]
    # Watching another service's ticket shows it, and its public words, never its internal notes.
    wf.ticket_add_watcher(ticket=theirs, actor=other_agent, user=agent)
    agent.refresh_from_db()
    assert set(found(agent, "bibliotheque")) == {mine.reference, theirs.reference}
    assert found(agent, "absent") == []
    assert set(found(admin, "gardien")) == {mine.reference, theirs.reference}


def test_search_finds_every_match_without_cap(category, requester, agent):
    Ticket.objects.bulk_create(
        Ticket(
            reference=1000 + i,
            title=f"Certificat {i}",
            description="x",
            category=category,
            service_id=category.service_id,
            requester=requester,
        )
        for i in range(600)
    )
    assert search_tickets(user=agent, q="certificats").count() == 600


def test_visibility_hint_keeps_every_visible_ticket(
    make_ticket, category, other_category, requester, colleague, outsider, agent, other_agent, manager, admin
):
    """The hint restates ``visible_to`` for the planner: ANDed with it, it must hide nothing."""
    own = make_ticket()
    foreign = wf.ticket_file(requester=outsider, category=other_category, title="Ailleurs", description="x")
    watched = wf.ticket_file(requester=outsider, category=other_category, title="Observée", description="x")
    wf.ticket_add_watcher(ticket=watched, actor=other_agent, user=requester)
    wf.ticket_add_watcher(ticket=foreign, actor=other_agent, user=agent)
    for user in (requester, colleague, outsider, agent, other_agent, manager, admin):
        user.refresh_from_db()
        visible = Ticket.objects.visible_to(user)
        assert set(visible.filter(fts.visibility_hint(user))) == set(visible), user
    assert {own, watched} <= set(Ticket.objects.visible_to(requester))
