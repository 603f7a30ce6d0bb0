"""Keyboard only, as an agent working through their queue (issue 17): ``j`` picks the first row, Enter opens
it, ``r`` goes to the composer, Escape leaves it, ``]`` / ``[`` switch its tab, Ctrl+Enter sends, ``n`` opens
the next ticket of the queue the agent came from. Keys typed in the composer stay text, never shortcuts.
"""

from __future__ import annotations

import pytest

from catalogue.selectors import visible_categories
from helpdesk.tests.browser.test_agent_ticket_page import open_as
from tickets import workflow as wf
from tickets.models import MessageKind, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "Bonjour, essayez [ceci] : j'ai réinitialisé votre compte ; n'hésitez pas ? Cordialement"


@pytest.fixture
def three_tickets(demo):
    """Three new tickets of the agent's service, filed one after the other (the queue shows the last first)."""
    agent = demo.objects["user:agent"]
    requester = demo.objects["user:requester"]
    offered = visible_categories(user=requester).nodes
    category = next(
        c
        for c in sorted(offered, key=lambda c: c.pk)
        if c.service_id in agent.service_ids and c.accepts_tickets and not c.form_fields.exists()
    )
    tickets = [
        wf.ticket_file(requester=requester, category=category, title=title, description="Bonjour, merci d'avance.")
        for title in ("Imprimante hors service", "Quota de messagerie atteint", "Connexion impossible à l'ENT")
    ]
    return agent, tickets[::-1]  # the queue's order: last activity first


def selected_tab(tab) -> str:
    return tab.locator("[role=tab][aria-selected=true]").get_attribute("data-composer-tab")


def reply_by_keyboard(tab, text: str) -> None:
    tab.keyboard.press("r")
    assert tab.evaluate("document.activeElement.id") == "composer-text"
    tab.keyboard.type(text)
    with tab.expect_navigation():
        tab.keyboard.press("Control+Enter")


def test_queue_to_ticket_to_reply_to_next_ticket_by_keyboard_only(browser, live_server, client_for, three_tickets):
    agent, (first, second, third) = three_tickets
    context, tab = open_as(browser, live_server, client_for, agent, 1366, 768)
    try:
        tab.goto(f"{live_server.url}/traitement/")
        tab.keyboard.press("j")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        assert tab.url == f"{live_server.url}/traitement/{first.reference}/"

        tab.keyboard.press("r")
        assert tab.evaluate("document.activeElement.id") == "composer-text"
        tab.keyboard.type(REPLY)  # j, n, r, [, ], ? typed in the box are text, not shortcuts
        assert tab.locator("#composer-text").input_value() == REPLY
        assert tab.url == f"{live_server.url}/traitement/{first.reference}/"
        assert selected_tab(tab) == "reply"
        assert not tab.locator("#shortcuts-help").is_visible()

        tab.keyboard.press("Escape")  # out of the box: the shortcuts work again
        assert tab.evaluate("document.activeElement.getAttribute('data-composer-tab')") == "reply"
        tab.keyboard.press("]")
        assert selected_tab(tab) == "internal_note"
        assert tab.locator("[data-composer-send]").inner_text() == "Ajouter la note"
        tab.keyboard.press("Escape")
        tab.keyboard.press("[")
        assert selected_tab(tab) == "reply"
        assert tab.evaluate("document.activeElement.id") == "composer-text"
        assert tab.locator("#composer-text").input_value() == REPLY
        with tab.expect_navigation():
            tab.keyboard.press("Control+Enter")
        message = Ticket.objects.get(pk=first.pk).messages.order_by("pk").last()
        assert (message.kind, message.body, message.author_id) == (MessageKind.PUBLIC_REPLY, REPLY, agent.pk)
        assert "Votre réponse est envoyée." in tab.locator("main").inner_text()

        # The first ticket now has the latest activity; "next" still goes down the queue, not back up.
        with tab.expect_navigation():
            tab.keyboard.press("n")
        assert tab.url == f"{live_server.url}/traitement/{second.reference}/"
        reply_by_keyboard(tab, "Bonjour, c'est corrigé.")
        assert Ticket.objects.get(pk=second.pk).messages.filter(kind=MessageKind.PUBLIC_REPLY).count() == 1
        with tab.expect_navigation():
            tab.keyboard.press("n")
        assert tab.url == f"{live_server.url}/traitement/{third.reference}/"
        with tab.expect_navigation():
            tab.keyboard.press("n")  # the end of the queue: back to it, with a word
        assert tab.url == f"{live_server.url}/traitement/"
        assert "pas d'autre demande après celle-ci" in tab.locator("main").inner_text()

        tab.keyboard.press("?")
        assert "Demande : ouvrir la demande suivante" in tab.locator("#shortcuts-help").inner_text()
    finally:
        context.close()
