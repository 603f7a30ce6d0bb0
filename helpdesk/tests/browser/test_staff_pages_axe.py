"""axe-core on every page of the staff workspace, as a service manager sees it (every nav link): the queue's
tabs, the ticket page with its "Autres actions" menu open, the staff search, the journal, bookmarks, saved
responses, statistics, the team's workload and the preferences (issue 17)."""

from __future__ import annotations

import pytest

from catalogue.selectors import visible_categories
from helpdesk.testing.browser import axe_violations
from helpdesk.tests.browser.test_agent_ticket_page import open_as
from tickets import workflow as wf
from tickets.models import Bookmark, MessageKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "queue-a-traiter": "/traitement/?vue=a-traiter",
    "queue-a-moi": "/traitement/?vue=a-moi",
    "queue-non-attribuees": "/traitement/?vue=non-attribuees",
    "queue-en-attente": "/traitement/?vue=en-attente",
    "queue-closes": "/traitement/?vue=closes",
    "ticket-menu-open": "/traitement/{reference}/",
    "search": "/traitement/recherche/?q=messagerie",
    "journal": "/traitement/journal/",
    "bookmarks": "/demandes/signets/",
    "responses": "/traitement/reponses/",
    "response-form": "/traitement/reponses/nouvelle/",
    "statistics": "/traitement/statistiques/",
    "workload": "/traitement/statistiques/charge/",
    "preferences": "/accounts/preferences/",
}


@pytest.fixture
def workspace(demo):
    """The manager's service with a ticket in each state a tab shows, one of them bookmarked."""
    manager, agent = demo.objects["user:manager"], demo.objects["user:agent"]
    requester = demo.objects["user:requester"]
    category = next(
        c
        for c in sorted(visible_categories(user=requester).nodes, key=lambda c: c.pk)
        if c.service_id in manager.service_ids and c.accepts_tickets and not c.form_fields.exists()
    )

    def file(title):
        return wf.ticket_file(requester=requester, category=category, title=title, description="Bonjour, merci.")

    file("Messagerie inaccessible depuis l'ENT")  # new, unassigned
    mine = file("Quota de messagerie atteint")
    wf.ticket_take(ticket=mine, actor=manager)
    wf.ticket_add_message(ticket=mine, actor=manager, kind=MessageKind.PUBLIC_REPLY, text="Bonjour, je regarde.")
    wf.ticket_add_message(ticket=mine, actor=manager, kind=MessageKind.INTERNAL_NOTE, text="Voir l'annuaire.")
    asked = file("Compte vacataire à créer")
    wf.ticket_take(ticket=asked, actor=agent)
    wf.ticket_ask(ticket=asked, actor=agent, text="Quel est votre numéro de contrat ?")
    closed = file("Imprimante du bâtiment B")
    wf.ticket_reject(ticket=closed, actor=manager, text="Ce n'est pas notre service.")
    Bookmark.objects.create(user=manager, ticket=mine)
    return manager, mine


@pytest.mark.parametrize("name", list(PAGES))
def test_staff_page_is_axe_clean(name, browser, live_server, client_for, workspace):
    manager, ticket = workspace
    context, tab = open_as(browser, live_server, client_for, manager, 1366, 768)
    try:
        response = tab.goto(live_server.url + PAGES[name].format(reference=ticket.reference))
        assert response.status == 200, name
        layout = "reading" if name == "preferences" else "staff"  # a form of one column keeps the reading width
        assert tab.locator(f"body.layout-{layout}").count() == 1, name
        if name == "ticket-menu-open":
            tab.locator("[data-action-menu] summary").click()
            assert tab.locator("[data-action-menu] ul").is_visible()
        if name.startswith("queue-"):
            assert tab.locator(".queue-tabs [aria-current=page]").get_attribute("href").endswith(name[6:])
        assert axe_violations(tab) == [], name
    finally:
        context.close()
