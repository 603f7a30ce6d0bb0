"""The base layout in a real Chromium: accessible (axe-core), bilingual, keyboard-friendly."""

import pytest

from helpdesk.testing.browser import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_accessible_in_french_and_english(page):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Bienvenue sur Guichet"
    assert axe_violations(page) == []
    screenshot(page, "base-home-fr")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Welcome to Guichet"
    assert axe_violations(page) == []
    screenshot(page, "base-home-en")


def test_skip_link_is_first_keyboard_stop(page):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
