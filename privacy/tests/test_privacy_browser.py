"""The requester's data page (export, erasure) and the DPO's access journal in a real Chromium:
accessible (axe-core), at the two reference screen sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.testing.browser import axe_violations, screenshot
from privacy.models import AccessKind, AccessRecord, ErasureRequest
from tickets.tests.test_filing_draft_browser import sign_in

from .test_access_journal import dpo  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = [(1366, 768), (1920, 1080)]


def shots(page, name: str) -> None:
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"{name}-{width}x{height}")


def test_requester_asks_for_erasure_from_their_data_page(page, requester):
    sign_in(page, requester.email)
    page.goto(page.base_url + reverse("privacy:my_data"))
    assert axe_violations(page) == []
    page.get_by_label("Je demande l'effacement de mon compte et de mes données").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Demander l'effacement").click()
    assert page.get_by_role("table", name="Mes demandes d'effacement").is_visible()
    assert ErasureRequest.objects.filter(user=requester).count() == 1
    assert axe_violations(page) == []
    shots(page, "privacy-my-data-erasure")


def test_dpo_reads_the_access_journal(page, dpo, agent, requester, file_ticket):  # noqa: F811
    ticket = file_ticket(requester)
    for kind in (AccessKind.PAGE, AccessKind.ATTACHMENT, AccessKind.SEARCH):
        AccessRecord.objects.create(user=agent, ticket=ticket, kind=kind, ip="192.0.2.1", detail="imprimante")
    sign_in(page, dpo.email)
    page.goto(page.base_url + reverse("privacy:access_journal") + "?person=agent")
    assert page.get_by_role("table", name="Accès enregistrés").locator("tbody tr").count() == 3
    assert axe_violations(page) == []
    shots(page, "privacy-access-journal")
