"""Preset rejection reasons per catalogue branch (seed 002), plus free text."""

from __future__ import annotations

import pytest

from catalogue.models import Category
from tickets.models import EventAction
from tickets.status import TicketStatus

pytestmark = pytest.mark.django_db

REASONS = ["Un problème par DA.", "DA portant sur une autre DA."]


@pytest.fixture
def presets(category):
    Category.objects.filter(pk=category.parent_id).update(rejection_reasons=REASONS)
    return REASONS


def test_leaf_inherits_the_branch_reasons(presets, category, other_category):
    assert Category.objects.get(pk=category.pk).rejection_reasons_in_force == REASONS
    assert other_category.rejection_reasons_in_force == []


def test_agent_rejects_with_a_preset_reason_and_details(presets, make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(agent)
    page = client.get(f"/traitement/{ticket.reference}/").content.decode()
    assert "DA portant sur une autre DA." in page
    response = client.post(
        f"/traitement/{ticket.reference}/rejeter/",
        {"version": ticket.version, "preset": REASONS[1], "text": "Voir la DA #12."},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    event = ticket.events.get(action=EventAction.REJECT)
    assert (ticket.status, event.reason) == (TicketStatus.REJ, "DA portant sur une autre DA.\nVoir la DA #12.")


def test_reject_needs_a_preset_or_a_text(presets, make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(agent).post(f"/traitement/{ticket.reference}/rejeter/", {"version": ticket.version})
    assert response.status_code == 400
    assert "Choisissez un motif prédéfini ou écrivez le motif du rejet." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ECT


def test_free_text_alone_where_the_branch_has_no_presets(make_ticket, agent, client_for, other_category):
    ticket = make_ticket(TicketStatus.ECT)
    Category.objects.filter(pk=ticket.category.parent_id).update(rejection_reasons=[])
    client = client_for(agent)
    assert 'name="preset"' not in client.get(f"/traitement/{ticket.reference}/").content.decode()
    client.post(f"/traitement/{ticket.reference}/rejeter/", {"version": ticket.version, "text": "Hors périmètre."})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REJ
