"""The ticket page and the requester's actions through it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets import workflow as wf
from tickets.models import Ticket
from tickets.status import TicketStatus

from .conftest import EXE, PNG, checked, upload

ACTION_URLS = ["answer", "approve", "refuse", "withdraw", "add_information", "follow_up"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTION_URLS)
def test_state_changing_get_is_405(name, make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    response = client_for(requester).get(reverse(f"tickets:{name}", args=[ticket.reference]))
    assert response.status_code == 405
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AVS


@pytest.mark.django_db
def test_actions_need_csrf(make_ticket, requester):
    from django.test import Client

    ticket = make_ticket(TicketStatus.AVS)
    client = Client(enforce_csrf_checks=True)
    client.force_login(requester)
    response = client.post(reverse("tickets:approve", args=[ticket.reference]), {"version": ticket.version})
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AVS


@pytest.mark.django_db
def test_page_explains_status_and_shows_only_allowed_actions(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    content = client_for(requester).get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    assert "Une réponse vous a été proposée" in content
    assert "Redémarrez." in content
    assert "Alex Petit" in content  # who handles it
    assert reverse("tickets:approve", args=[ticket.reference]) in content
    assert reverse("tickets:refuse", args=[ticket.reference]) in content
    assert reverse("tickets:answer", args=[ticket.reference]) not in content
    assert reverse("tickets:withdraw", args=[ticket.reference]) not in content  # not from AVS
    assert reverse("tickets:follow_up", args=[ticket.reference]) not in content


@pytest.mark.django_db
def test_agent_sees_no_requester_buttons(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    content = client_for(agent).get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    assert reverse("tickets:approve", args=[ticket.reference]) not in content


@pytest.mark.django_db
def test_answer_through_the_page_with_a_file(make_ticket, colleague, client_for):
    ticket = make_ticket(TicketStatus.ARS)
    response = client_for(colleague).post(
        reverse("tickets:answer", args=[ticket.reference]),
        {"version": ticket.version, "text": "Version 6.2.1.", "attachments": [upload("ecran.png", PNG)]},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ECT
    event = ticket.events.last()
    assert (event.action, event.actor, event.message.body) == ("answer", colleague, "Version 6.2.1.")
    assert [a.original_name for a in event.message.attachments.all()] == ["ecran.png"]


@pytest.mark.django_db
def test_refuse_without_reason_keeps_state_and_shows_error(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    response = client_for(requester).post(
        reverse("tickets:refuse", args=[ticket.reference]), {"version": ticket.version, "text": ""}
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AVS


@pytest.mark.django_db
def test_approve_through_the_page(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    response = client_for(requester).post(
        reverse("tickets:approve", args=[ticket.reference]), {"version": ticket.version, "text": ""}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_automatically) == (TicketStatus.TER, False)


@pytest.mark.django_db
def test_refused_action_changes_nothing_and_says_why(make_ticket, outsider, requester, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    # An action not allowed in this state (approve in ECT), by someone who sees the ticket.
    response = client_for(requester).post(
        reverse("tickets:approve", args=[ticket.reference]), {"version": ticket.version, "text": ""}
    )
    assert response.status_code == 409
    assert "n&#x27;est pas possible" in response.content.decode()
    # By someone who does not see it: 404.
    response = client_for(outsider).post(
        reverse("tickets:withdraw", args=[ticket.reference]), {"version": ticket.version, "text": "Non."}
    )
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, ticket.events.count()) == (TicketStatus.ECT, 2)


@pytest.mark.django_db
def test_stale_form_refused_with_reload_message_and_text_kept(make_ticket, requester, colleague, client_for):
    ticket = make_ticket(TicketStatus.AVS)
    seen_version = ticket.version
    # The colleague validates first …
    wf.ticket_approve(ticket=ticket, actor=colleague)
    # … then the requester submits the refusal typed on the page loaded before.
    response = client_for(requester).post(
        reverse("tickets:refuse", args=[ticket.reference]),
        {"version": seen_version, "text": "La réponse ne marche pas sur Firefox."},
    )
    content = response.content.decode()
    assert response.status_code == 409
    # The typed text is kept below: the banner says what to do with it, not to reload (which would lose it).
    assert "Cette demande a été modifiée entre-temps : rien n&#x27;a été envoyé." in content
    assert "veuillez recharger la page" not in content
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TER
    assert ticket.messages.filter(body__contains="Firefox").count() == 0


@pytest.mark.django_db
def test_stale_add_information_keeps_typed_text(make_ticket, requester, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    seen_version = ticket.version
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="reply", text="Nous avançons.")
    response = client_for(requester).post(
        reverse("tickets:add_information", args=[ticket.reference]),
        {"version": seen_version, "text": "Le problème touche aussi mon collègue."},
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "Ne rechargez pas la page" in content
    assert "Le problème touche aussi mon collègue." in content  # in the textarea again


@pytest.mark.django_db
def test_bad_file_on_a_message_refused_with_text_kept(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(requester).post(
        reverse("tickets:add_information", args=[ticket.reference]),
        {"version": ticket.version, "text": "Voici le programme.", "attachments": [upload("outil.pdf", EXE)]},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "« outil.pdf » n&#x27;est pas accepté" in content
    assert "Voici le programme." in content
    assert ticket.messages.count() == 0


@pytest.mark.django_db
def test_follow_up_of_a_closed_ticket(make_ticket, requester, client_for):
    closed = make_ticket(TicketStatus.TER)
    client = client_for(requester)
    page = client.get(reverse("tickets:detail", args=[closed.reference])).content.decode()
    assert reverse("tickets:follow_up", args=[closed.reference]) in page
    response = client.post(
        reverse("tickets:follow_up", args=[closed.reference]),
        {"title": "Le problème revient", "description": "Même erreur depuis hier."},
    )
    new = Ticket.objects.get(follow_up_of=closed)
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:filed", args=[new.reference])
    assert (new.status, new.category, new.requester) == (TicketStatus.NEW, closed.category, requester)
    closed.refresh_from_db()
    assert closed.status == TicketStatus.TER  # never reopened
    assert f"#{new.reference}" in client.get(reverse("tickets:detail", args=[closed.reference])).content.decode()
    assert f"#{closed.reference}" in client.get(reverse("tickets:detail", args=[new.reference])).content.decode()


@pytest.mark.django_db
def test_follow_up_of_an_open_ticket_refused(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(requester).post(
        reverse("tickets:follow_up", args=[ticket.reference]), {"title": "Suite", "description": "…"}
    )
    assert response.status_code == 409
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_lists_split_open_and_closed_sorted_by_activity(make_ticket, requester, client_for):
    old = make_ticket(TicketStatus.ECT, title="Ancienne")
    recent = make_ticket(TicketStatus.ARS, title="Récente")
    closed = make_ticket(TicketStatus.REJ, title="Rejetée")
    client = client_for(requester)
    open_page = client.get(reverse("tickets:mine"))
    assert [t.pk for t in open_page.context["page"].object_list] == [recent.pk, old.pk]
    assert "vous" in open_page.content.decode()  # ARS: waiting on the requester
    closed_page = client.get(reverse("tickets:mine_closed"))
    assert [t.pk for t in closed_page.context["page"].object_list] == [closed.pk]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_my_tickets_query_count_constant(make_ticket, requester, client_for):
    client = client_for(requester)
    for _ in range(21):
        make_ticket(TicketStatus.ECT)
    client.get(reverse("tickets:mine"))  # the first page of a session fills the navigation cache
    with_two_pages = count_queries(client, reverse("tickets:mine"))
    for _ in range(30):
        make_ticket(TicketStatus.ARS)
    client = client_for(requester)
    assert count_queries(client, reverse("tickets:mine")) == with_two_pages
    assert count_queries(client, reverse("tickets:mine") + "?page=3") == with_two_pages


@pytest.mark.django_db
def test_my_tickets_on_one_page_are_not_counted(make_ticket, requester, client_for):
    for _ in range(21):
        make_ticket(TicketStatus.ECT)
    client = client_for(requester)
    client.get(reverse("tickets:mine"))
    with_two_pages = count_queries(client, reverse("tickets:mine"))
    Ticket.objects.filter(pk__in=list(Ticket.objects.order_by("pk").values_list("pk", flat=True)[:2])).update(
        status=TicketStatus.TER
    )
    assert count_queries(client, reverse("tickets:mine")) == with_two_pages - 1  # no COUNT (issue 22)


@pytest.mark.django_db
def test_ticket_page_query_count_constant(make_ticket, requester, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT, files=[checked("a.png", PNG)])

    def add_messages(n: int) -> None:
        for i in range(n):
            wf.ticket_add_message(
                ticket=ticket, actor=agent, kind="reply", text=f"Réponse {i}", files=[checked(f"{i}.png", PNG)]
            )
            wf.ticket_add_information(ticket=ticket, actor=requester, text=f"Information {i}")

    add_messages(1)
    url = reverse("tickets:detail", args=[ticket.reference])
    client = client_for(requester)
    client.get(url)  # the first page of a session fills the navigation cache
    with_two = count_queries(client, url)
    add_messages(8)  # 18 messages: the attachment limit (10 per ticket) stops before 30 files
    ticket.refresh_from_db()
    assert ticket.messages.count() == 18
    for i in range(12):
        wf.ticket_add_information(ticket=ticket, actor=requester, text=f"Encore {i}")
    assert ticket.messages.count() == 30
    assert count_queries(client_for(requester), url) == with_two


@pytest.mark.django_db
@pytest.mark.parametrize("status", [TicketStatus.ARS, TicketStatus.AVS, TicketStatus.TER])
def test_ticket_page_ids_unique_and_fields_labelled(status, make_ticket, requester, client_for):
    import re

    ticket = make_ticket(status)
    html = client_for(requester).get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for field_id in re.findall(r'<(?:textarea|input type="(?:text|file)")[^>]*\sid="([^"]+)"', html):
        assert f'for="{field_id}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "shown"), [("", 1), ("1", 1), ("abc", 1), ("2", 2), ("0", 2), ("9", 2)])
def test_my_tickets_page_numbers_read_as_the_paginator_reads_them(page, shown, make_ticket, requester, client_for):
    for _ in range(21):
        make_ticket(TicketStatus.ECT)
    response = client_for(requester).get(reverse("tickets:mine"), {"page": page})
    assert response.context["page"].number == shown
    assert len(response.context["rows"]) == (20 if shown == 1 else 1)
