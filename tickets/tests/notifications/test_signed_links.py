"""``/lien/<token>``: opens one ticket for an email-only requester, and nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.signing import make_ticket_link, revoke_ticket_link, revoke_ticket_links
from tickets import workflow as wf
from tickets.status import TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_only(requester):
    requester.set_unusable_password()
    requester.is_email_only = True
    requester.save()
    return requester


def test_link_opens_the_ticket_in_a_session_limited_to_it(email_only, make_ticket, client):
    ticket, other = make_ticket(TicketStatus.AVS), make_ticket(title="Autre demande")
    response = client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk))
    assert (response.status_code, response["Location"]) == (302, f"/demandes/{ticket.reference}/")
    assert client.get(f"/demandes/{ticket.reference}/").status_code == 200
    # The requester can act on that ticket (POST with CSRF, like any page).
    answer = client.post(f"/demandes/{ticket.reference}/valider/", {"version": ticket.version, "text": ""})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TER
    # Anywhere else, the scoped session ends.
    assert client.get(f"/demandes/{other.reference}/").status_code == 302  # to the login page
    assert client.get(f"/demandes/{ticket.reference}/").status_code == 302  # and it is over


def test_scoped_session_ends_after_its_time_limit(email_only, make_ticket, client, settings):
    ticket = make_ticket()
    client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk))
    with time_machine.travel(timezone.now() + timedelta(minutes=settings.GUICHET_SIGNED_LINK_SESSION_MINUTES + 1)):
        assert client.get(f"/demandes/{ticket.reference}/").status_code == 302


def test_scoped_session_expires_with_the_browser(email_only, make_ticket, client):
    ticket = make_ticket()
    client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk))
    assert client.session.get_expire_at_browser_close()


@pytest.mark.parametrize(("revoke", "status", "text"), [
    ("one", 410, "Ce lien a été désactivé"),
    ("all", 410, "Ce lien a été désactivé"),
])  # fmt: skip
def test_revoked_link_shows_a_clear_page(email_only, make_ticket, client, revoke, status, text):
    ticket = make_ticket()
    path = make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk)
    if revoke == "one":
        revoke_ticket_link(path.removeprefix("/lien/"))
    else:
        revoke_ticket_links(user_id=email_only.pk)
    response = client.get(path)
    assert response.status_code == status
    assert text in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_link_shows_a_clear_page(email_only, make_ticket, client):
    ticket = make_ticket()
    path = make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk, max_age_days=1)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        response = client.get(path)
    assert response.status_code == 410
    assert "Ce lien a expiré" in response.content.decode()


@pytest.mark.parametrize("token", ["garbage", "a" * 300, "eyJyIjoxfQ:1abc:def", "%00"])
def test_broken_link_is_404_never_500(client, token):
    response = client.get(f"/lien/{token}")
    assert response.status_code == 404
    assert "Ce lien n'est pas valide" in response.content.decode()


def test_link_to_a_ticket_the_user_no_longer_sees_is_404(email_only, make_ticket, outsider, client, category):
    ticket = wf.ticket_file(requester=outsider, category=category, title="Pas à lui", description="x")
    response = client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk))
    assert response.status_code == 404
    assert "_auth_user_id" not in client.session


def test_link_never_opens_an_account_with_a_password(requester, make_ticket, client):
    ticket = make_ticket()
    response = client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=requester.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert "_auth_user_id" not in client.session


def test_link_while_logged_in_as_someone_else_is_refused(email_only, colleague, make_ticket, client_for):
    ticket = make_ticket()
    client = client_for(colleague)
    response = client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk))
    assert response.status_code == 403
    assert int(client.session["_auth_user_id"]) == colleague.pk


def test_link_is_get_only(email_only, make_ticket, client):
    ticket = make_ticket()
    response = client.post(make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk))
    assert response.status_code == 405


@pytest.mark.parametrize("revoke", ["one", "all"])
def test_revoking_the_link_ends_the_session_it_opened(email_only, make_ticket, client, revoke):
    """Issue 14, low 14: the link is checked again on each request of the session it opened."""
    ticket = make_ticket()
    path = make_ticket_link(ticket_reference=ticket.reference, user_id=email_only.pk)
    client.get(path)
    assert client.get(f"/demandes/{ticket.reference}/").status_code == 200
    if revoke == "one":
        revoke_ticket_link(path.removeprefix("/lien/"))
    else:
        revoke_ticket_links(user_id=email_only.pk)
    assert client.get(f"/demandes/{ticket.reference}/").status_code == 302  # to the login page
    assert "_auth_user_id" not in client.session
