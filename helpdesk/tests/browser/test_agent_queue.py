"""The agent's queue in Chromium: rows above the fold, keyboard work, shortcuts off, axe-core.

Screenshots: ``var/screenshots/queue-1366x768.png`` and ``queue-1920x1080.png``
(what the agent sees on arrival, with a filter applied), ``queue-bulk-1366x768.png``
(rows selected, the bulk toolbar on top) and ``queue-help-1366x768.png`` (the "?" dialog).
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Institution, Membership, RequesterProfile
from conftest import make_user
from helpdesk.testing.browser import SCREENSHOTS, axe_violations
from tickets.models import Ticket, TicketCounter
from tickets.status import TicketStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Impossible d'accéder à la messagerie depuis l'ENT",
    "Demande de création de compte pour un vacataire",
    "Erreur 500 à l'envoi d'une pièce jointe volumineuse",
    "Mot de passe expiré, réinitialisation refusée",
    "Accès VPN refusé depuis l'étranger",
    "Liste de diffusion du master à mettre à jour",
    "Imprimante du bâtiment B hors service",
    "Quota de la boîte aux lettres atteint",
]
STATUSES = [TicketStatus.NEW, TicketStatus.ECT, TicketStatus.NEW, TicketStatus.ARS, TicketStatus.ECT, TicketStatus.AVS]


@pytest.fixture
def busy_queue(agent, manager, category, institution):
    """65 open tickets of the agent's service, of several requesters, statuses and priorities."""
    other = Institution.objects.create(name="Université Côte d'Azur", acronym="UniCA", code="unica")
    requesters = []
    for i, (first, last, inst) in enumerate(
        [("Camille", "Martin", institution), ("Yanis", "Benali", other), ("Léa", "Fournier-Delacroix", institution)]
    ):
        person = make_user(
            f"demandeur{i}@example.org", first_name=first, last_name=last, profile=RequesterProfile.STUDENT
        )
        Membership.objects.create(user=person, institution=inst)
        requesters.append(person)
    now = timezone.now()
    tickets = []
    for i in range(65):
        status = STATUSES[i % len(STATUSES)]
        person = requesters[i % len(requesters)]
        waiting = status in (TicketStatus.ARS, TicketStatus.AVS)
        tickets.append(
            Ticket(
                reference=3000 + i,
                title=f"{TITLES[i % len(TITLES)]} ({i})",
                description="x",
                category=category,
                service_id=category.service_id,
                requester=person,
                institution=person.institution,
                status=status,
                priority=1 + i % 5,
                assignee=None if status == TicketStatus.NEW else (agent if i % 2 else manager),
                created=now - datetime.timedelta(days=i % 20, hours=i),
                last_activity_at=now - datetime.timedelta(hours=i),
                expire_at=now + datetime.timedelta(days=1 + i % 9) if waiting else None,
            )
        )
    Ticket.objects.bulk_create(tickets)
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": 3100})
    return tickets


def staff_tab(browser, live_server, client_for, user, width=1366, height=768):
    """A tab signed in as ``user`` (the session of a full login, as ``client_for`` makes it)."""
    client = client_for(user)
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    tab = context.new_page()
    tab.base_url = live_server.url
    return context, tab


def rows_above_the_fold(tab) -> int:
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll('[data-queue-row]')).filter(row => {
             const box = row.getBoundingClientRect();
             return box.top >= 0 && box.bottom <= window.innerHeight;
           }).length"""
    )


@pytest.mark.parametrize(("width", "height", "at_least"), [(1920, 1080, 20), (1366, 768, 10)])
def test_queue_rows_above_the_fold_with_a_filter_applied(
    width, height, at_least, browser, live_server, client_for, agent, service, busy_queue
):
    context, tab = staff_tab(browser, live_server, client_for, agent, width, height)
    try:
        tab.goto(tab.base_url + "/traitement/")
        tab.select_option("#id_service", str(service.pk))
        tab.select_option("#id_sort", "priority")
        with tab.expect_navigation():
            tab.locator(".queue-bar button[type=submit]").click()
        assert f"service={service.pk}" in tab.url
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"queue-{width}x{height}.png"))
        assert tab.locator("[data-queue-row]").count() == 50
        assert rows_above_the_fold(tab) >= at_least
        assert tab.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    finally:
        context.close()


def test_select_all_shows_the_bulk_toolbar_above_the_rows(browser, live_server, client_for, agent, busy_queue):
    context, tab = staff_tab(browser, live_server, client_for, agent)
    try:
        tab.goto(tab.base_url + "/traitement/")
        bar = tab.locator("[data-bulk-bar]")
        assert bar.is_hidden()
        tab.locator("[data-select-all]").check()
        assert bar.is_visible()
        assert tab.locator("[data-bulk-count]").inner_text() == "50 demandes cochées :"
        first_row = tab.locator("[data-queue-row]").first.bounding_box()
        assert bar.bounding_box()["y"] + bar.bounding_box()["height"] <= first_row["y"]
        tab.locator("[data-row-select]").first.uncheck()
        assert tab.locator("[data-bulk-count]").inner_text() == "49 demandes cochées :"
        tab.screenshot(path=str(SCREENSHOTS / "queue-bulk-1366x768.png"))
        assert axe_violations(tab) == []
    finally:
        context.close()


def test_keyboard_moves_between_rows_and_opens_the_ticket(browser, live_server, client_for, agent, busy_queue):
    context, tab = staff_tab(browser, live_server, client_for, agent)
    try:
        tab.goto(tab.base_url + "/traitement/")
        links = tab.locator("[data-queue-row] [data-row-link]")
        tab.keyboard.press("j")
        tab.keyboard.press("j")
        tab.keyboard.press("j")
        tab.keyboard.press("k")
        second = links.nth(1).get_attribute("href")
        assert tab.evaluate("document.activeElement.getAttribute('href')") == second
        assert tab.locator("[data-queue-row].is-current").count() == 1
        assert "is-current" in tab.locator("[data-queue-row]").nth(1).get_attribute("class")
        # The focus is visible: the browser draws its focus ring on the link.
        outline = tab.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
        tab.keyboard.press("x")
        assert tab.locator("[data-row-select]").nth(1).is_checked()
        # Typing in a field never triggers a shortcut.
        tab.locator("#id_agent_q").focus()
        tab.keyboard.type("jk")
        assert tab.locator("#id_agent_q").input_value() == "jk"
        assert "is-current" in tab.locator("[data-queue-row]").nth(1).get_attribute("class")
        links.nth(1).focus()
        with tab.expect_navigation():
            tab.keyboard.press("o")
        assert tab.url == tab.base_url + second
        tab.go_back()
        tab.keyboard.press("j")  # back on the queue: the first row, opened with Enter
        first = links.nth(0).get_attribute("href")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        assert tab.url == tab.base_url + first
    finally:
        context.close()


def test_question_mark_opens_the_shortcuts_help(browser, live_server, client_for, agent, busy_queue):
    context, tab = staff_tab(browser, live_server, client_for, agent)
    try:
        tab.goto(tab.base_url + "/traitement/")
        dialog = tab.locator("#shortcuts-help")
        assert dialog.is_hidden()
        tab.keyboard.press("?")
        assert dialog.is_visible()
        assert "File d'attente : demande suivante / précédente" in dialog.inner_text()
        tab.screenshot(path=str(SCREENSHOTS / "queue-help-1366x768.png"))
        assert axe_violations(tab) == []
        tab.keyboard.press("Escape")
        assert dialog.is_hidden()
        tab.locator("[data-shortcuts-open]").click()  # the same list, for the mouse
        assert dialog.is_visible()
    finally:
        context.close()


def test_shortcuts_turned_off_in_preferences(browser, live_server, client_for, agent, busy_queue):
    context, tab = staff_tab(browser, live_server, client_for, agent)
    try:
        tab.goto(tab.base_url + "/accounts/preferences/")
        assert axe_violations(tab) == []
        tab.locator("#id_keyboard_shortcuts").uncheck()
        with tab.expect_navigation():
            tab.locator("main form button[type=submit]").first.click()
        agent.refresh_from_db()
        assert agent.keyboard_shortcuts is False
        tab.goto(tab.base_url + "/traitement/")
        tab.keyboard.press("j")
        tab.keyboard.press("?")
        assert tab.locator("[data-queue-row].is-current").count() == 0
        assert tab.evaluate("document.activeElement === document.body")
        assert tab.locator("#shortcuts-help").count() == 0
    finally:
        context.close()


def test_filter_panel_state_is_remembered(browser, live_server, client_for, agent, busy_queue):
    context, tab = staff_tab(browser, live_server, client_for, agent)
    try:
        tab.goto(tab.base_url + "/traitement/")
        panel = tab.locator("[data-queue-panel]")
        assert panel.get_attribute("open") is None
        with tab.expect_response(lambda r: r.url.endswith("/traitement/panneau/")):
            tab.locator("[data-queue-panel] > summary").click()
        tab.screenshot(path=str(SCREENSHOTS / "queue-filters-open-1366x768.png"))
        assert axe_violations(tab) == []
        tab.reload()
        assert panel.get_attribute("open") == ""
        agent.refresh_from_db()
        assert agent.queue_state["panel_open"] is True
    finally:
        context.close()
