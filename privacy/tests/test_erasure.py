"""Right to erasure: the requester asks from their profile, an administrator decides in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from catalogue.models import Category, CategoryKind
from privacy.erasure import account_erase
from privacy.models import ErasureRequest, ErasureStatus
from tickets.exceptions import ActionRefused
from tickets.models import EventAction, Ticket

from .test_anonymise import close


def change_url(erasure: ErasureRequest) -> str:
    return reverse("admin:privacy_erasurerequest_change", args=[erasure.pk])


def decide(client, erasure: ErasureRequest, decision: str, reason: str = ""):
    return client.post(change_url(erasure), {"decision": decision, "refusal_reason": reason, "_save": "1"})


@pytest.fixture
def asked(requester, client_for) -> ErasureRequest:
    response = client_for(requester).post(reverse("privacy:my_erasure"), {"confirm": "yes"})
    assert response.status_code == 302
    return ErasureRequest.objects.get(user=requester)


def test_erasure_request_is_post_only_and_needs_the_confirmation(requester, client_for):
    client = client_for(requester)
    assert client.get(reverse("privacy:my_erasure")).status_code == 405
    client.post(reverse("privacy:my_erasure"), {})
    assert ErasureRequest.objects.count() == 0
    client.post(reverse("privacy:my_erasure"), {"confirm": "yes"})
    client.post(reverse("privacy:my_erasure"), {"confirm": "yes"})
    assert list(ErasureRequest.objects.values_list("user", "status")) == [(requester.pk, ErasureStatus.PENDING)]


def test_requester_cannot_open_the_erasure_admin(requester, agent, client_for, asked):
    assert client_for(requester).get(change_url(asked)).status_code == 302  # to the admin login
    assert client_for(agent).get(change_url(asked)).status_code == 302


def test_erasure_with_an_open_ticket_is_shown_and_refused(requester, admin, client_for, file_ticket, asked):
    ticket = file_ticket(requester, title="Toujours ouverte")
    client = client_for(admin)
    page = client.get(change_url(asked)).content.decode()
    assert f"#{ticket.reference}" in page

    decide(client, asked, "carry_out")
    asked.refresh_from_db()
    assert asked.status == ErasureStatus.PENDING
    assert User.objects.filter(pk=requester.pk).exists()
    assert Ticket.objects.get(pk=ticket.pk).requester_id == requester.pk


def test_erasure_with_no_open_ticket_anonymises_and_deletes(requester, agent, admin, client_for, file_ticket, asked):
    ticket = close(file_ticket(requester, title="Pour Camille Martin"), agent, requester)
    response = decide(client_for(admin), asked, "carry_out")
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.user_id, asked.decided_by_id) == (ErasureStatus.DONE, None, admin.pk)
    assert not User.objects.filter(pk=requester.pk).exists()
    ticket.refresh_from_db()
    assert ticket.title == "Pour [nom]"
    assert ticket.anonymised_at is not None
    event = ticket.events.get(action=EventAction.ANONYMISE)
    assert (event.actor_id, event.reason) == (admin.pk, f"Demande d'effacement n° {asked.pk}")


def test_erasure_refused_with_a_reason_shown_to_the_requester(requester, admin, client_for, asked):
    client = client_for(admin)
    decide(client, asked, "refuse", "")
    asked.refresh_from_db()
    assert asked.status == ErasureStatus.PENDING  # no reason, no refusal
    decide(client, asked, "refuse", "Contentieux en cours.")
    asked.refresh_from_db()
    assert (asked.status, asked.refusal_reason) == (ErasureStatus.REFUSED, "Contentieux en cours.")
    assert "Contentieux en cours." in client_for(requester).get(reverse("privacy:my_data")).content.decode()


def test_sve_ticket_under_legal_hold_is_kept_and_the_account_deactivated(requester, agent, service, file_ticket):
    sve = Category.objects.create(name="Saisine", slug="sve", kind=CategoryKind.LEAF, service=service, is_sve=True)
    held = close(file_ticket(requester, title="Saisine", in_category=sve), agent, requester)
    other = close(file_ticket(requester, title="Autre"), agent, requester)
    check = account_erase(user=requester, reason="test")
    assert [t.pk for t in check.held_tickets] == [held.pk]
    requester.refresh_from_db()
    assert requester.is_active is False
    assert Ticket.objects.get(pk=held.pk).anonymised_at is None
    assert Ticket.objects.get(pk=other.pk).anonymised_at is not None


def test_staff_accounts_are_not_erased_this_way(agent):
    with pytest.raises(ActionRefused):
        account_erase(user=agent, reason="test")
