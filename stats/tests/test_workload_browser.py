"""The workload view in a real Chromium: axe-clean, readable at both staff screen sizes."""

from __future__ import annotations

import pytest
from django.conf import settings

from helpdesk.testing.browser import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

URL = "/traitement/statistiques/charge/"


def sign_in_as(page, client) -> None:
    """The session of a test client logged in as after a full login (password and second factor)."""
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": page.base_url}]
    )  # fmt: skip


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_workload_page_is_accessible_and_fits_the_screen(page, workload_tickets, manager, client_for, width, height):
    sign_in_as(page, client_for(manager))
    page.set_viewport_size({"width": width, "height": height})
    page.goto(page.base_url + URL)
    assert page.locator("h1").inner_text() == "Charge de l'équipe"
    assert axe_violations(page) == []
    # Both tables are above the fold, with no horizontal scrolling. (The workload's own tables: the staff
    # layout also holds the closed keyboard-shortcuts dialog, whose table is not displayed.)
    last_row = page.locator("table.workload-table").last.locator("tbody tr").last.bounding_box()
    assert last_row["y"] + last_row["height"] <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"workload-{width}x{height}")

    late = page.get_by_role("link", name="2 demandes en retard — Assistance informatique")
    with page.expect_navigation():
        late.click()
    assert "/traitement/" in page.url and "waiting=service" in page.url
