"""The filing form keeps a draft in the browser: a submission lost on the way can be sent again (issue 23)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import PASSWORD
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Vidéoprojecteur de l'amphi A en panne"
DESCRIPTION = "Plus d'image depuis ce matin ; le câble HDMI a été changé sans effet."


def sign_in(page, email: str) -> None:
    page.goto(page.base_url + reverse("account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form:has(#id_password) button[type=submit]").click()
    if "/accounts/intro/" in page.url:
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
    assert "/accounts/login/" not in page.url


def test_draft_is_restored_after_a_failed_submission_and_forgotten_once_filed(page, requester, category):
    sign_in(page, requester.email)
    url = page.base_url + reverse("tickets:file", args=[category.slug])
    page.goto(url)
    assert page.locator("[data-draft-notice]").is_hidden()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill(DESCRIPTION)

    # The connection drops while the form is sent: the server never sees it.
    page.route(url, lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.get_by_role("button", name="Aperçu de la demande").click()
    page.wait_for_load_state()
    page.unroute(url)
    assert Ticket.objects.count() == 0

    page.goto(url)  # the requester comes back to the form
    assert page.locator("#id_title").input_value() == TITLE
    assert page.locator("#id_description").input_value() == DESCRIPTION
    assert page.locator("[data-draft-notice]").is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="Aperçu de la demande").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer la demande").click()
    assert "/enregistree/" in page.url
    assert Ticket.objects.get().title == TITLE
    assert page.evaluate(f"localStorage.getItem('guichet-draft:{category.slug}')") is None

    page.goto(url)  # a new form starts empty
    assert page.locator("#id_title").input_value() == ""
    assert page.locator("[data-draft-notice]").is_hidden()
