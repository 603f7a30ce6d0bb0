"""Who sees what, over the cast: list, page, search and download; forbidden is 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tickets import workflow as wf
from tickets.models import Attachment, Message, Ticket, Watcher
from tickets.status import TicketStatus

from .conftest import PDF, PNG, checked

CAST = ["requester", "colleague", "outsider", "agent", "other_agent", "manager", "admin"]
SEES = {"requester", "colleague", "agent", "manager", "admin"}
STAFF = {"agent", "manager", "admin"}
# "Mes demandes" lists what one follows as a requester, not an agent's queue.
IN_MY_LIST = {"requester", "colleague"}


def download_status(client, url: str) -> int:
    """Status of a download; the streamed file is read and closed."""
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.fixture
def world(make_ticket, agent):
    ticket = make_ticket(TicketStatus.ECT, title="Quota de messagerie dépassé", files=[checked("capture.png", PNG)])
    wf.ticket_add_message(
        ticket=ticket,
        actor=agent,
        kind="note",
        text="Note interne : voir le serveur mx2.",
        files=[checked("logs.pdf", PDF)],
    )
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="reply", text="Nous regardons cela.")
    ticket.refresh_from_db()
    public = ticket.attachments.get(message__isnull=True)
    internal = ticket.attachments.get(message__kind="note")
    return ticket, public, internal


@pytest.fixture
def cast(requester, colleague, outsider, agent, other_agent, manager, admin):
    return locals()


@pytest.mark.django_db
@pytest.mark.parametrize("role", CAST)
def test_visibility_matrix(role, world, cast, client_for):
    ticket, public, internal = world
    user = cast[role]
    client = client_for(user)
    sees = role in SEES

    # Queryset rule
    assert Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists() == sees
    # Ticket page
    page = client.get(reverse("tickets:detail", args=[ticket.reference]))
    assert page.status_code == (200 if sees else 404)
    if sees:
        content = page.content.decode()
        assert ("Note interne : voir le serveur mx2." in content) == (role in STAFF)
        assert "Nous regardons cela." in content
    # My tickets list
    mine = client.get(reverse("tickets:mine"))
    assert mine.status_code == 200
    assert (reverse("tickets:detail", args=[ticket.reference]) in mine.content.decode()) == (role in IN_MY_LIST)
    # Search by words and by reference
    words = client.get(reverse("tickets:search"), {"q": "quota messagerie"})
    assert (reverse("tickets:detail", args=[ticket.reference]) in words.content.decode()) == sees
    by_ref = client.get(reverse("tickets:search"), {"q": f"#{ticket.reference}"})
    if sees:
        assert by_ref.status_code == 302
        assert by_ref["Location"] == reverse("tickets:detail", args=[ticket.reference])
    else:
        assert by_ref.status_code == 200
        assert reverse("tickets:detail", args=[ticket.reference]) not in by_ref.content.decode()
    # Downloads: the filing's attachment, and one on an internal note
    assert download_status(client, reverse("tickets:attachment", args=[ticket.reference, public.pk])) == (
        200 if sees else 404
    )
    assert download_status(client, reverse("tickets:attachment", args=[ticket.reference, internal.pk])) == (
        200 if role in STAFF else 404
    )
    # Twins of the rule for messages and attachments
    assert Message.objects.visible_to(user).filter(kind="note").exists() == (role in STAFF)
    assert set(Attachment.objects.visible_to(user)) == (
        {public, internal} if role in STAFF else {public} if sees else set()
    )


@pytest.mark.django_db
def test_anonymous_sees_nothing(world, client):
    ticket, public, _internal = world
    from django.contrib.auth.models import AnonymousUser

    assert list(Ticket.objects.visible_to(AnonymousUser())) == []
    for url in (
        reverse("tickets:detail", args=[ticket.reference]),
        reverse("tickets:mine"),
        reverse("tickets:search") + "?q=quota",
        reverse("tickets:attachment", args=[ticket.reference, public.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_watcher_sees_the_ticket(world, outsider, client_for):
    ticket, public, internal = world
    Watcher.objects.create(ticket=ticket, user=outsider)
    client = client_for(outsider)
    assert client.get(reverse("tickets:detail", args=[ticket.reference])).status_code == 200
    assert download_status(client, reverse("tickets:attachment", args=[ticket.reference, public.pk])) == 200
    assert download_status(client, reverse("tickets:attachment", args=[ticket.reference, internal.pk])) == 404


@pytest.mark.django_db
def test_attachment_of_another_ticket_is_404(world, make_ticket, requester, client_for):
    _ticket, public, _internal = world
    other = make_ticket(TicketStatus.NEW, title="Autre")
    url = reverse("tickets:attachment", args=[other.reference, public.pk])
    assert download_status(client_for(requester), url) == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "inactive", "nobody"])
def test_visibility_rules_are_total(who, world, requester):
    """Every ``visible_to`` answers for anyone, without relying on ``login_required``."""
    requester.is_active = False
    requester.save()
    user = {"anonymous": AnonymousUser(), "inactive": requester, "nobody": None}[who]
    assert list(Ticket.objects.visible_to(user)) == []
    assert list(Message.objects.visible_to(user)) == []
    assert list(Attachment.objects.visible_to(user)) == []
