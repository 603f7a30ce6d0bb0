"""The requester's pages on a phone, and the filing form's errors, in Chromium.

At 320×640 CSS px every requester page reflows without horizontal scrolling
(WCAG 1.4.10, RGAA 10.11): the document is no wider than the viewport. The
filing form with errors is photographed on a desktop (1366×768) and a phone
(360 px wide), and its error summary receives the focus.

Screenshots land in ``var/screenshots/requester-phone/`` (ignored by git).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from catalogue.models import Category
from helpdesk.testing.browser import SCREENSHOTS
from knowledge.models import Article
from tickets.models import Ticket

from .journey import Journey, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REQUESTER = "etudiant@demo.guichet.test"
LEAF = "amu-td-inscription"
FOLDER = SCREENSHOTS / "requester-phone"


@pytest.fixture
def demo_site(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())
    return settings.GUICHET_DEMO_PASSWORD


def _tab(browser, live_server, width: int, height: int):
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.base_url = live_server.url
    return context, tab


def _sign_in(tab, password: str) -> None:
    sign_in(Journey(tab, "requester-phone-login"), tab, REQUESTER, password)


def _shot(tab, name: str) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(FOLDER / f"{name}.png"), full_page=True)


def _width(tab) -> int:
    return tab.evaluate("document.documentElement.scrollWidth")


def _submit(tab, step: str) -> None:
    with tab.expect_navigation():
        tab.locator(f"main form button[name=step][value={step}]").click()


def _fill_required(tab) -> None:
    tab.locator("#id_title").fill("Inscription en deuxième année de licence de lettres modernes")
    tab.locator("#id_description").fill("Je souhaite m'inscrire en L2 après une L1 validée à l'université de Nice.")
    tab.locator("#id_f-date_naissance").fill("2004-05-12")


def test_every_requester_page_fits_a_320_px_screen(browser, live_server, demo_site):
    context, tab = _tab(browser, live_server, 320, 640)
    try:
        _sign_in(tab, demo_site)
        requester = User.objects.get(email=REQUESTER)
        leaf = Category.objects.get(slug=LEAF)
        widths: dict[str, int] = {}

        def visit(name: str, path: str | None = None) -> None:
            if path is not None:
                tab.goto(tab.base_url + path)
            tab.wait_for_load_state()
            _shot(tab, f"320-{name}")
            widths[name] = _width(tab)

        visit("catalogue", "/")
        visit("leaf", leaf.get_absolute_url())
        visit("form", reverse("tickets:file", args=[leaf.slug]))
        _submit(tab, "preview")
        visit("form-errors")
        _fill_required(tab)
        _submit(tab, "preview")
        visit("preview")
        _submit(tab, "submit")
        visit("filed")
        ticket = Ticket.objects.filter(requester=requester).latest("pk")
        visit("acknowledgement", reverse("tickets:sve_acknowledgement", args=[ticket.reference]))
        visit("my-open-requests", reverse("tickets:mine"))
        visit("my-closed-requests", reverse("tickets:mine_closed"))
        asked = Ticket.objects.get(requester=requester, title="Inscription pédagogique bloquée")
        visit("ticket", reverse("tickets:detail", args=[asked.reference]))
        visit("ticket-filed", reverse("tickets:detail", args=[ticket.reference]))
        visit("knowledge-base", reverse("knowledge:search") + "?q=mot+de+passe")
        article = Article.objects.published().get(
            title="Erreur ORA-01555 « snapshot too old » lors d'une extraction SIFAC"
        )
        visit("article", article.get_absolute_url())
        visit("profile", reverse("accounts:profile"))
        assert {name: width for name, width in widths.items() if width > 320} == {}
        assert len(widths) == 14
    finally:
        context.close()


@pytest.mark.parametrize(("label", "width", "height"), [("desktop", 1366, 768), ("phone", 360, 740)])
def test_filing_form_errors_summary_gets_focus(browser, live_server, demo_site, label, width, height):
    context, tab = _tab(browser, live_server, width, height)
    try:
        _sign_in(tab, demo_site)
        tab.goto(tab.base_url + reverse("tickets:file", args=[LEAF]))
        tab.locator("#id_title").fill("")
        tab.locator("#id_f-nom").fill("")
        _submit(tab, "preview")
        tab.wait_for_load_state()
        summary = tab.locator(".error-summary")
        assert tab.evaluate("document.activeElement.id") == "error-summary"
        assert summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
            "#id_title",
            "#id_description",
            "#id_f-nom",
            "#id_f-date_naissance",
        ]
        # Following a link of the summary puts the focus in its field.
        summary.locator("a[href='#id_f-nom']").click()
        assert tab.evaluate("document.activeElement.id") == "id_f-nom"
        assert tab.locator("#id_f-nom").get_attribute("aria-invalid") == "true"
        tab.evaluate("window.scrollTo(0, 0)")
        FOLDER.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(FOLDER / f"filing-form-errors-{label}.png"), full_page=True)
        assert _width(tab) <= width
    finally:
        context.close()
