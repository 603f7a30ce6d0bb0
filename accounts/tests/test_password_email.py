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


def test_email_change_takes_effect_only_once_verified(client_for, requester):
    client = client_for(requester)
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
    response = client_for(requester).post("/accounts/email/", {"action_add": "", "email": "x@univ-amu.fr"})
    assert response.status_code == 200
    assert not EmailAddress.objects.filter(email="x@univ-amu.fr").exists()
