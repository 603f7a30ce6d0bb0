"""The agent's ticket page in Chromium, as an agent who works on it all day (issue 17).

A new ticket at 1366×768: the primary action and the composer (its textarea and
its send button) are above the fold, and the page is no taller than two screens.
The knowledge-base search fills results without reloading the page, so the typed
reply stays; the composer's tabs send a note through its own door; the menu opens
one form at a time; a form sent empty comes back with the error summary focused.
axe-core finds nothing serious. Screenshots: ``var/screenshots/ticket-1366x768.png``
and ``ticket-1920x1080.png`` (ignored by git).
"""

from __future__ import annotations

import pytest

from catalogue.selectors import visible_categories
from helpdesk.testing.browser import axe_violations, screenshot
from knowledge.models import Article, ArticleStatus
from tickets import workflow as wf
from tickets.models import MessageKind, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = (
    "Bonjour,\n\nDepuis ce matin je ne peux plus me connecter à l'ENT : le message « identifiant ou mot de passe "
    "incorrect » s'affiche alors que mon mot de passe fonctionne sur la messagerie.\n\nJ'ai essayé avec Firefox et "
    "Chrome, même résultat. Pouvez-vous regarder ? Merci,\nCamille"
)


@pytest.fixture
def new_ticket(demo):
    agent = demo.objects["user:agent"]
    requester = demo.objects["user:requester"]
    offered = visible_categories(user=requester).nodes
    category = next(
        c
        for c in sorted(offered, key=lambda c: c.pk)
        if c.service_id in agent.service_ids and c.accepts_tickets and not c.form_fields.exists()
    )
    ticket = wf.ticket_file(
        requester=requester, category=category, title="Connexion impossible à l'ENT depuis ce matin",
        description=DESCRIPTION,
    )  # fmt: skip
    return agent, ticket


def open_as(browser, live_server, client_for, user, width: int, height: int):
    """A tab of ``user`` (signed in as after a full login), ``width``×``height``."""
    session = client_for(user).cookies["sessionid"].value
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    tab = context.new_page()
    tab.base_url = live_server.url
    return context, tab


def bottom(tab, selector: str) -> float:
    box = tab.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"] + box["height"]


def test_new_ticket_actions_and_composer_above_the_fold(browser, live_server, client_for, new_ticket):
    agent, ticket = new_ticket
    for width, height in ((1366, 768), (1920, 1080)):
        context, tab = open_as(browser, live_server, client_for, agent, width, height)
        tab.goto(f"{live_server.url}/traitement/{ticket.reference}/")
        screenshot(tab, f"ticket-{width}x{height}")
        assert bottom(tab, "text=Je prends la demande") <= height
        for selector in ("#composer-text", "[data-composer-send]", "[role=tab][data-composer-tab=internal_note]"):
            assert bottom(tab, selector) <= height, (width, selector)
        page_height = tab.evaluate("document.documentElement.scrollHeight")
        assert page_height <= 2 * height, (width, page_height)
        assert tab.locator("form.action__form").count() == 0  # no action form until one is chosen
        assert axe_violations(tab) == []
        context.close()


def test_ticket_page_uses_the_staff_width(browser, live_server, client_for, new_ticket):
    """The staff layout, not the requester's 72rem: the page spans the screen; at 1920 px the requester's
    panel sits beside the composer (read without scrolling), at 1366 px under it."""
    agent, ticket = new_ticket
    for width, height in ((1366, 768), (1920, 1080)):
        context, tab = open_as(browser, live_server, client_for, agent, width, height)
        tab.goto(f"{live_server.url}/traitement/{ticket.reference}/")
        page = tab.locator(".agent-ticket").bounding_box()
        assert page["width"] >= width - 60, (width, page)
        composer = tab.locator("[data-composer]").bounding_box()
        side = tab.locator(".agent-ticket__side").bounding_box()
        beside = side["x"] >= composer["x"] + composer["width"] and side["y"] < composer["y"] + composer["height"]
        assert beside is (width == 1920), (width, composer, side)
        if width == 1920:
            assert bottom(tab, ".agent-ticket__side") <= height  # who asked, above the fold too
        context.close()


def test_kb_search_keeps_the_typed_reply_and_tabs_send_through_their_door(browser, live_server, client_for, new_ticket):
    agent, ticket = new_ticket
    wf.ticket_take(ticket=ticket, actor=agent, expected_version=ticket.version)
    Article.objects.create(
        title="Réinitialiser son mot de passe ENT", problem="Mot de passe refusé à la connexion",
        solution="Passez par le portail de réinitialisation.", category=ticket.category,
        status=ArticleStatus.PUBLISHED,
    )  # fmt: skip
    context, tab = open_as(browser, live_server, client_for, agent, 1366, 768)
    tab.goto(f"{live_server.url}/traitement/{ticket.reference}/")
    url = tab.url
    tab.locator("#composer-text").fill("Bonjour Camille, voici la marche à suivre :")
    tab.locator("#kb-agent-q").fill("mot de passe")
    tab.locator("#kb-agent-q").press("Enter")
    tab.locator("#kb-agent-results li").first.wait_for()
    assert tab.url == url
    assert tab.locator("#composer-text").input_value() == "Bonjour Camille, voici la marche à suivre :"
    tab.get_by_role("button", name="Insérer le lien : Réinitialiser son mot de passe ENT").click()
    typed = tab.locator("#composer-text").input_value()
    assert typed.startswith("Bonjour Camille, voici la marche à suivre :")
    assert "Réinitialiser son mot de passe ENT : http" in typed

    # The "Note interne" tab: same box, the note's door; arrow keys move between tabs.
    tab.locator("[role=tab][data-composer-tab=reply]").focus()
    tab.keyboard.press("ArrowRight")
    assert tab.locator("[role=tab][data-composer-tab=internal_note]").get_attribute("aria-selected") == "true"
    assert tab.locator("[data-composer-send]").inner_text() == "Ajouter la note"
    assert axe_violations(tab) == []
    with tab.expect_navigation():
        tab.locator("[data-composer-send]").click()
    message = Ticket.objects.get(pk=ticket.pk).messages.last()
    assert (message.kind, message.body.replace("\r\n", "\n")) == (MessageKind.INTERNAL_NOTE, typed)
    context.close()


def test_menu_opens_one_form_and_an_error_comes_back_focused_with_the_text(
    browser, live_server, client_for, new_ticket
):
    agent, ticket = new_ticket
    wf.ticket_take(ticket=ticket, actor=agent, expected_version=ticket.version)
    wf.ticket_add_message(
        ticket=ticket, actor=agent, kind=MessageKind.PUBLIC_REPLY,
        text="Bonjour Camille, pouvez-vous essayer depuis une fenêtre de navigation privée ?",
    )  # fmt: skip
    wf.ticket_add_message(
        ticket=ticket, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Compte verrouillé dans l'annuaire ?"
    )
    context, tab = open_as(browser, live_server, client_for, agent, 1366, 768)
    tab.goto(f"{live_server.url}/traitement/{ticket.reference}/")
    tab.locator("[data-action-menu] summary").click()
    tab.get_by_role("link", name="Requalifier ou transférer").click()
    tab.locator("#action-panel form.action__form").wait_for()
    assert tab.evaluate("document.activeElement.id") == "action-requalify"
    tab.locator("[data-action-menu] summary").click()
    tab.get_by_role("link", name="Marquer comme doublon").click()
    tab.locator("#id_duplicate_original").wait_for()
    assert tab.locator("form.action__form").count() == 1
    assert axe_violations(tab) == []
    screenshot(tab, "ticket-action-1366x768")

    # A reply sent empty: the error summary at the top takes focus; the chosen mode stays.
    tab.locator("[role=tab][data-composer-tab=ask]").click()
    with tab.expect_navigation():
        tab.locator("[data-composer-send]").click()
    assert tab.evaluate("document.activeElement.id") == "error-summary"
    assert tab.locator("[role=tab][data-composer-tab=ask]").get_attribute("aria-selected") == "true"
    assert axe_violations(tab) == []
    context.close()
