"""A manager's statistics in Chromium: open the page, change the period and the
filters, read a chart's data table, download the XLSX; axe-core clean at each
step, photographed at 1366×768 and 1920×1080 (``var/screenshots/stats/``).
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from helpdesk.tests.browser.journey import Journey
from stats.models import SurveyAnswer
from stats.tests.conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _manager_tab(browser, live_server, client_for, manager, width: int, height: int):
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    session = client_for(manager).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    tab = context.new_page()
    tab.base_url = live_server.url
    return context, tab


def _label_heights(tab) -> list[float]:
    """Rendered height in CSS pixels of every chart label (what the reader sees)."""
    return tab.eval_on_selector_all(".stats-chart__label", "els => els.map(e => e.getBoundingClientRect().height)")


def test_manager_reads_and_exports_the_statistics(browser, live_server, client_for, manager, history, tmp_path):
    SurveyAnswer.objects.create(
        ticket=history["T1"], rating=4, comment="Rapide et clair.", answered_at=at(5, 8), updated_at=at(5, 8)
    )
    context, tab = _manager_tab(browser, live_server, client_for, manager, 1366, 768)
    journey = Journey(tab, "stats")
    tab.goto(live_server.url + "/traitement/")
    with tab.expect_navigation():
        tab.get_by_role("link", name="Statistiques").first.click()
    assert tab.url.endswith("/traitement/statistiques/")
    journey.step("statistics, last 30 days")

    # Another period and two filters, with the keyboard.
    tab.locator("#id_start").fill("2026-05-01")
    tab.locator("#id_end").fill("2026-05-31")
    tab.locator("#id_channel").select_option("web")
    tab.locator("#id_profile").select_option("student")
    journey.follow(tab.get_by_role("button", name="Afficher"))
    assert "start=2026-05-01" in tab.url and "channel=web" in tab.url
    journey.step("statistics, may 2026, web, students")

    # The chart's data table says what the bars show.
    table = tab.locator("table", has=tab.locator("caption", has_text="Demandes déposées et closes"))
    row = table.locator("tr", has=tab.get_by_text("Déposées", exact=True))
    assert row.locator("td").all_inner_texts() == ["7", "2"]  # T6 went to another service, T8 came by mail
    assert "Rapide et clair." in tab.locator("#comments-title + table").inner_text()
    # Labels are readable at 1366 px: as tall as the page's small text once the SVG is laid out.
    assert min(_label_heights(tab)) >= 14

    # The XLSX of the filtered tickets.
    with tab.expect_download() as info:
        tab.get_by_role("link", name="Liste des demandes de la période (XLSX)").click()
    path = tmp_path / "tickets.xlsx"
    info.value.save_as(path)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Référence", "Titre", "Statut") and len(rows) == 1 + 7
    context.close()

    context, tab = _manager_tab(browser, live_server, client_for, manager, 1920, 1080)
    journey.page = tab
    tab.goto(live_server.url + "/traitement/statistiques/?start=2026-05-01&end=2026-05-31")
    journey.step("statistics, may 2026, 1920 px")
    assert min(_label_heights(tab)) >= 14
    context.close()


def test_requester_rates_a_closed_ticket_in_the_browser(browser, live_server, client_for, requester, agent, category):
    from tickets import workflow as wf

    ticket = wf.ticket_file(requester=requester, category=category, title="Messagerie", description="Erreur.")
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_propose(ticket=ticket, actor=agent, text="Videz le cache.")
    wf.ticket_approve(ticket=ticket, actor=requester)
    context, tab = _manager_tab(browser, live_server, client_for, requester, 1366, 768)
    journey = Journey(tab, "stats-survey")
    tab.goto(f"{live_server.url}/demandes/{ticket.reference}/")
    journey.step("closed ticket invites a rating")
    journey.tab_to(tab.locator("#id_rating_0"))  # a radio group is one Tab stop; arrows choose
    for _ in range(3):
        tab.keyboard.press("ArrowRight")
    assert tab.locator("#id_rating_3").is_checked()  # 4/5
    journey.type_into(tab.locator("#id_comment"), "Rapide, merci.")
    journey.follow(tab.get_by_role("button", name="Envoyer mon avis"))
    assert tab.url.endswith(f"/demandes/{ticket.reference}/#avis")
    assert "Vous avez donné la note de 4 sur 5." in tab.locator("#avis").inner_text()
    journey.step("rating recorded, still changeable")
    assert SurveyAnswer.objects.get(ticket=ticket).comment == "Rapide, merci."
    context.close()
