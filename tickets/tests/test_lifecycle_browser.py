"""The lifecycle diagram in a real browser: axe-core clean, and nothing refused by the strict CSP."""

from __future__ import annotations

import pytest

from helpdesk.testing.browser import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_lifecycle_page_is_axe_clean_at_both_sizes(page):
    for width, height in [(1366, 768), (1920, 1080)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{page.base_url}/demandes/cycle-de-vie/?cycle=agency")
        assert page.locator("svg.lifecycle-diagram rect").count() == 15
        assert axe_violations(page) == []
        screenshot(page, f"lifecycle_agency_{width}x{height}")
    page.goto(f"{page.base_url}/demandes/cycle-de-vie/?cycle=core")
    assert page.locator("svg.lifecycle-diagram rect").count() == 9
    assert axe_violations(page) == []


def test_lifecycle_page_breaks_no_csp_rule(browser, live_server):
    context = browser.new_context(locale="fr-FR")
    tab = context.new_page()
    refused = []
    tab.on("console", lambda message: refused.append(message.text) if "Security Policy" in message.text else None)
    tab.goto(f"{live_server.url}/demandes/cycle-de-vie/")
    assert tab.locator("svg.lifecycle-diagram").is_visible()
    context.close()
    assert refused == []
