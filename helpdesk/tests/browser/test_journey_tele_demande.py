"""Journey 1 (Télé-demande) and journey 4 (the same pages in English), in Chromium.

An external person signs up on a personal address, opens the confirmation
link of the mail actually sent (over SMTP, to the real server of the ``smtp``
fixture: allauth sends it from the request itself), signs in, finds "une inscription" (a legal
e-request of the Aix-Marseille demo catalogue, built with the demo's own
builders) under the profile they chose, fills the form with its required
fields and an attachment, checks the preview, submits and reads the
acknowledgement of receipt, which also arrives by mail (queued in the outbox
and sent by the real Celery worker). Everything is done with the keyboard alone.
Every page visited is checked with axe-core and photographed.
"""

from __future__ import annotations

import re

import pytest

from accounts import demo as accounts_demo
from catalogue import demo as catalogue_demo
from helpdesk.demo import DemoContext
from tickets.models import Ticket
from tickets.status import TicketStatus

from .journey import Journey
from .mails import ticket_links, wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Un-mot-de-passe-solide-2026"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

TEXTS = {
    "fr": {
        "verify": "Vérifiez votre adresse",
        "preview": "Aperçu",
        "filed": "est enregistrée",
        "leaf": "une inscription",
    },
    "en": {
        "verify": "Verify Your",
        "preview": "Preview",
        "filed": "has been filed",
        "leaf": "une inscription",
    },
}


@pytest.fixture
def amu_catalogue(transactional_db, live_server, settings):
    """The demo identities and catalogue, built by the demo's own seeders
    (links in ticket mails point at the live server)."""
    settings.SITE_URL = live_server.url
    ctx = DemoContext()
    accounts_demo.seed(ctx)
    catalogue_demo.seed(ctx)
    return ctx.objects["category:inscription"]


def _confirmation_link(smtp, email: str) -> str:
    """allauth sends synchronously, inside the sign-up request: the mail is in the sink already."""
    mails = [m for m in smtp.received if m.rcpt_tos == [email]]
    assert len(mails) == 1, [(m.rcpt_tos, m["Subject"]) for m in smtp.received]
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", mails[0].body("text/plain")).group(0)


def tele_demande(page, smtp, tmp_path, *, journey_name: str, language: str) -> Ticket:
    texts = TEXTS[language]
    journey = Journey(page, journey_name)
    kb = journey  # keyboard helpers
    email = f"lea.morel.{language}@gmail.test"

    page.goto(page.base_url + "/")
    journey.language = "fr"
    journey.step("home")
    if language == "en":
        kb.follow(page.locator("form.language-switch button[value=en]"))
        journey.language = "en"  # and it stays English through sign-up, sign-in and filing
        journey.step("home in English")

    # Sign up on a personal address, choosing a profile.
    kb.follow(page.locator("header a[href='/accounts/login/']"))
    journey.step("login")
    kb.follow(page.locator("main a[href='/accounts/signup/']"))
    journey.step("signup")
    kb.type_into(page.locator("#id_email"), email)
    kb.type_into(page.locator("#id_password1"), PASSWORD)
    kb.type_into(page.locator("#id_password2"), PASSWORD)
    kb.type_into(page.locator("#id_first_name"), "Léa")
    kb.type_into(page.locator("#id_last_name"), "Morel")
    kb.choose(page.locator("#id_profile"), "student")
    kb.follow(page.locator("main form button[type=submit]"))
    assert texts["verify"] in page.locator("h1").inner_text()
    journey.step("verification sent")

    # The confirmation link, read from the mail really sent.
    link = _confirmation_link(smtp, email)
    page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), page.base_url))
    journey.step("confirm address")
    kb.follow(page.locator("main form button[type=submit]"))
    journey.step("address confirmed")

    # Sign in.
    if "/accounts/login/" not in page.url:
        kb.follow(page.locator("header a[href='/accounts/login/']"))
    kb.type_into(page.locator("#id_login"), email)
    kb.type_into(page.locator("#id_password"), PASSWORD)
    kb.follow(page.locator("main form:has(#id_password) button[type=submit]"))
    journey.step("signed in")
    if "/accounts/intro/" in page.url:
        kb.follow(page.locator("main form button[type=submit]"))
        journey.step("after intro")

    # The catalogue as a student sees it: Télé-demandes → student box → "une inscription".
    if page.url.rstrip("/") != page.base_url:
        kb.follow(page.locator("header a.brand"))
    kb.follow(page.locator("main a[href='/catalogue/amu-tele-demandes/']"))
    journey.step("tele-demandes")
    kb.follow(page.locator("main a[href='/catalogue/amu-td-etudiant/']"))
    journey.step("student requests")
    kb.follow(page.locator("main a[href='/catalogue/amu-td-inscription/']"))
    assert page.locator("h1").inner_text().strip().endswith(texts["leaf"])
    journey.step("leaf une inscription")
    kb.follow(page.locator("main a[href='/demandes/nouvelle/amu-td-inscription/']"))
    journey.step("filing form")

    # The form: required fields and an attachment, typed.
    kb.type_into(page.locator("#id_title"), "Inscription en master de chimie")
    kb.type_into(
        page.locator("#id_description"),
        "Je souhaite m'inscrire en première année de master de chimie pour la rentrée.",
    )
    kb.type_into(page.locator("#id_f-nom"), "Morel")
    kb.type_into(page.locator("#id_f-prenom"), "Léa")
    kb.type_date(page.locator("#id_f-date_naissance"), "2001-03-09")
    kb.type_into(page.locator("#id_f-adresse_postale"), "3 place des Lices\n13001 Marseille")
    attachment = tmp_path / "releve-de-notes.pdf"
    attachment.write_bytes(PDF)
    kb.attach(page.locator("#id_attachments"), attachment)
    journey.step("filing form filled")
    kb.follow(page.locator("main button[name=step][value=preview]"))

    # The preview, then submission.
    assert texts["preview"] in page.locator("h1").inner_text()
    assert "releve-de-notes.pdf" in page.locator("main").inner_text()
    journey.step("preview")
    kb.follow(page.locator("main button[name=step][value=submit]"))

    # The acknowledgement of receipt.
    assert texts["filed"] in page.locator("h1").inner_text()
    journey.step("acknowledgement")

    ticket = Ticket.objects.select_related("requester", "category").get()
    assert (ticket.requester.email, ticket.category.slug, ticket.status) == (email, "amu-td-inscription", "NEW")
    assert ticket.form_values["date_naissance"] == "2001-03-09"
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["releve-de-notes.pdf"]
    assert f"#{ticket.reference}" in page.locator("h1").inner_text()

    # The acknowledgement of receipt by mail, sent by the worker, with the link to the ticket.
    mail = wait_for_mail(smtp, to=email, kind="sve_acknowledgement", reference=ticket.reference)
    assert f"{page.base_url}/demandes/{ticket.reference}/" in ticket_links(mail, page.base_url, ticket.reference)
    return ticket


def test_journey_1_tele_demande_keyboard_only(page, smtp, celery_worker, amu_catalogue, tmp_path):
    ticket = tele_demande(page, smtp, tmp_path, journey_name="journey-1-tele-demande", language="fr")
    assert ticket.status == TicketStatus.NEW


def test_journey_4_tele_demande_in_english(page, smtp, celery_worker, amu_catalogue, tmp_path):
    tele_demande(page, smtp, tmp_path, journey_name="journey-4-language", language="en")
