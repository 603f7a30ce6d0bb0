"""Password reset and change, email change (re-verified)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Institution, InstitutionDomain
from conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Encore-un-autre-secret-77"


def test_reset_known_and_unknown_addresses_answer_alike(client, requester):
    known = client.post("/accounts/password/reset/", {"email": requester.email})
    unknown = client.post("/accounts/password/reset/", {"email": "ghost@example.net"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/accounts/password/reset/done/"


def test_reset_link_sets_new_password(client, requester):
    client.post("/accounts/password/reset/", {"email": requester.email})
    message = next(m for m in mail.outbox if m.to == [requester.email])
    assert PASSWORD not in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    requester.refresh_from_db()
    assert requester.check_password(NEW_PASSWORD)


def test_password_change_needs_old_password(client_for, requester):
    client = client_for(requester)
    wrong = client.post(
        "/accounts/password/change/", {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200
    right = client.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert right.status_code == 302
    requester.refresh_from_db()
    assert requester.check_password(NEW_PASSWORD)


def test_email_add_asks_reauthentication(client_for, requester):
    client = client_for(requester)
    response = client.post("/accounts/email/", {"action_add": "", "email": "thief@example.net"})
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/reauthenticate/?next=%2Faccounts%2Femail%2F",
    )
    assert not EmailAddress.objects.filter(email="thief@example.net").exists()
    wrong = client.post("/accounts/reauthenticate/?next=/accounts/email/", {"password": "not-the-password"})
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email="thief@example.net").exists()


def test_reset_not_sent_to_unverified_added_address(client, requester):
    # An address added to the account but never confirmed (e.g. by someone who borrowed the session).
    EmailAddress.objects.create(user=requester, email="thief@example.net", verified=False, primary=False)
    response = client.post("/accounts/password/reset/", {"email": "thief@example.net"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/done/")
    assert not [m for m in mail.outbox if "/accounts/password/reset/key/" in m.body]


def test_reset_still_claims_email_only_account(client):
    from accounts.email_only import user_for_email

    user, _created = user_for_email("writer@example.net")
    client.post("/accounts/password/reset/", {"email": "writer@example.net"})
    assert [m.to for m in mail.outbox if "/accounts/password/reset/key/" in m.body] == [[user.email]]


def test_email_change_takes_effect_only_once_verified(client_for, requester):
    client = client_for(requester)
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    response = client.post("/accounts/email/", {"action_add": "", "email": "camille.new@example.net"})
    assert response.status_code == 302
    requester.refresh_from_db()
    assert requester.email == "requester@example.org"
    new = EmailAddress.objects.get(email="camille.new@example.net")
    assert new.verified is False
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    requester.refresh_from_db()
    assert requester.email == "camille.new@example.net"
    assert not EmailAddress.objects.filter(email="requester@example.org").exists()


def test_email_change_refuses_institution_sso_domain(client_for, requester):
    amu = Institution.objects.create(name="AMU", code="amu", sso_kind="cas", sso_settings={"server_url": "https://c/"})
    InstitutionDomain.objects.create(institution=amu, domain="univ-amu.fr")
    client = client_for(requester)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/email/", {"action_add": "", "email": "x@univ-amu.fr"})
    assert response.status_code == 200
    assert not EmailAddress.objects.filter(email="x@univ-amu.fr").exists()
