"""The agent page keeps each ticket's rendered history per process (issue 22): it must never show a stale one.

Every change the history shows comes with a new ticket version (a message, a status, anonymisation), and
the words and times follow the viewer's language and time zone."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Category, CategoryKind, Lifecycle
from tickets import selectors
from tickets import workflow as wf
from tickets.agent import kept_catalogue, ticket_page
from tickets.models import MessageKind, Ticket
from tickets.status import TicketStatus


def page(client, ticket) -> str:
    response = client.get(reverse("agent:ticket", args=[ticket.reference]))
    assert response.status_code == 200
    return response.content.decode()


def history(html: str) -> str:
    return html[html.index('<ol class="timeline">') :]


@pytest.mark.django_db
def test_history_is_kept_for_an_unchanged_ticket(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(agent)
    first = page(client, ticket)
    assert len(ticket_page._histories) == 1
    assert history(page(client, ticket)) == history(first)
    assert len(ticket_page._histories) == 1


@pytest.mark.django_db
def test_a_new_message_shows_at_once(make_ticket, agent, manager, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(agent)
    assert "Je regarde cela." not in page(client, ticket)
    wf.ticket_add_message(ticket=ticket, actor=manager, kind=MessageKind.INTERNAL_NOTE, text="Je regarde cela.")
    assert "Je regarde cela." in history(page(client, ticket))
    # The same page for a colleague of the service: the kept history, internal note included.
    assert "Je regarde cela." in history(page(client_for(manager), ticket))


@pytest.mark.django_db
def test_an_anonymised_ticket_never_shows_the_kept_history(make_ticket, agent, requester, client_for):
    ticket = make_ticket(TicketStatus.TER)
    client = client_for(agent)
    before = history(page(client, ticket))
    assert requester.get_full_name() in before  # who filed it
    assert wf.tickets_anonymise(ticket_ids=[ticket.pk], reason="essai") == [ticket.pk]
    after = history(page(client, ticket))
    assert requester.get_full_name() not in after
    assert "essai" in after  # the anonymisation's own event


@pytest.mark.django_db
def test_history_follows_the_viewer_language(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_add_message(ticket=ticket, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Note")
    client = client_for(agent)
    assert "interne : invisible du demandeur" in history(page(client, ticket))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = history(page(client, ticket))
    assert "internal: not visible to the requester" in english
    assert "interne : invisible du demandeur" not in english


@pytest.mark.django_db
def test_kept_histories_are_bounded(make_ticket, agent, client_for, monkeypatch):
    monkeypatch.setattr(ticket_page, "HISTORY_KEPT", 2)
    client = client_for(agent)
    tickets = [make_ticket(title=f"Demande {i}") for i in range(3)]
    for ticket in tickets:
        page(client, ticket)
    assert [key[0] for key in ticket_page._histories] == [t.pk for t in tickets[1:]]


@pytest.mark.django_db
def test_kept_catalogue_gives_the_lifecycle_in_force(agent, requester, service):
    """The kept rows' lifecycle in force agrees with ``Category.lifecycle_in_force`` (which reads the whole
    tree) at every depth, and the page reads neither the category tree nor the category."""
    agency = Category.objects.create(name="Agence", slug="agence", service=service, lifecycle=Lifecycle.AGENCY)
    plain = Category.objects.create(name="Simple", slug="simple", service=service)
    chains = {"own": Category.objects.create(name="Propre", slug="propre", service=service, lifecycle="agency")}
    for name, top in (("agence", agency), ("simple", plain)):
        node = top
        for depth in range(1, 4):
            node = Category.objects.create(
                name=f"{name} {depth}", slug=f"{name}-{depth}", parent=node, kind=CategoryKind.LEAF, service=service
            )
            chains[f"{name} {depth}"] = node
    Ticket.objects.bulk_create(
        Ticket(reference=i + 1, title=n, description="x", category=c, service=service, requester=requester)
        for i, (n, c) in enumerate(chains.items())
    )
    for name, category in chains.items():
        expected = Category.objects.get(pk=category.pk).lifecycle_in_force
        ticket = selectors.staff_ticket_query(user=agent).get(title=name)
        kept_catalogue.attach(ticket)
        with CaptureQueriesContext(connection) as queries:
            assert ticket.category.lifecycle_in_force == expected, name
            assert (ticket.category.name, ticket.service.name) == (category.name, service.name)
        assert len(queries) == 0, name


@pytest.mark.django_db
def test_kept_catalogue_follows_a_change_at_once(make_ticket, agent, category, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(agent)
    assert category.name in page(client, ticket)
    category.name = "Messagerie et agenda"
    category.save()
    assert "Messagerie et agenda" in page(client, ticket)


def test_kept_fragment_is_one_per_value_and_language():
    from django.template import Context, Template
    from django.utils import translation

    from tickets.templatetags import kept_fragments

    kept_fragments.forget()
    piece = Template(
        '{% load i18n kept_fragments %}{% kept "t" name %}{{ name }} {% translate "Fermer" %}{% endkept %}'
    )
    assert piece.render(Context({"name": "a"})) == "a Fermer"
    assert piece.render(Context({"name": "b"})) == "b Fermer"
    with translation.override("en"):
        assert piece.render(Context({"name": "a"})) == "a Close"
    assert piece.render(Context({"name": "a"})) == "a Fermer"
    kept_fragments.forget()


@pytest.mark.django_db
def test_kept_ticket_fragments_follow_every_change(make_ticket, agent, manager, requester, category, client_for):
    """The ticket's facts, description and details are kept per ticket version (``{% kept %}``): a door's
    change, the requester's new name and a catalogue change all show at once."""
    ticket = make_ticket(TicketStatus.NEW)
    client = client_for(agent)
    html = page(client, ticket)
    assert '<span class="status status--new">' in html and "<em>personne</em>" in html
    wf.ticket_take(ticket=ticket, actor=manager)
    html = page(client, ticket)
    assert '<span class="status status--ect">' in html and f"<dd>{manager}</dd>" in html
    requester.first_name = "Camilla"
    requester.save()
    assert "Camilla Martin a écrit" in page(client, ticket)
    category.name = "Courriel"
    category.save()
    html = page(client, ticket)
    assert "<dd>Courriel</dd>" in html


def test_kept_fragment_is_one_per_time_zone():
    from django.template import Context, Template
    from django.utils import timezone

    from tickets.templatetags import kept_fragments

    kept_fragments.forget()
    piece = Template('{% load kept_fragments %}{% kept "t" %}{{ when|time:"H:i" }}{% endkept %}')
    when = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)
    with timezone.override("Europe/Paris"):
        assert piece.render(Context({"when": when})) == "13:00"
    with timezone.override("America/Cayenne"):
        assert piece.render(Context({"when": when})) == "09:00"
    kept_fragments.forget()
