"""CAS round trips against a real django-cas-server process."""

import pytest
import requests
from allauth.account.models import EmailAddress

from accounts.models import (
    Institution,
    InstitutionDomain,
    Membership,
    MembershipRole,
    RequesterProfile,
    SSOIdentity,
    User,
)
from accounts.tests.conftest import CAS_PASSWORD
from accounts.tests.sso_helpers import cas_login, local_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def cas_institution(cas_server) -> Institution:
    institution = Institution.objects.create(
        name="Université de Test",
        acronym="UTEST",
        code="utest",
        sso_kind="cas",
        sso_settings={"server_url": cas_server.url, "version": "3", "trust_email": True},
    )
    InstitutionDomain.objects.create(institution=institution, domain="univ-test.fr")
    return institution


def test_cas_first_login_creates_verified_member_with_profile(client, cas_institution):
    session_before = client.session.session_key or ""
    callback = cas_login(
        client, code="utest", username="etu1", password=CAS_PASSWORD, next_url="/accounts/preferences/"
    )
    assert local_path(callback).startswith("/sso/utest/cas/callback/?state=")
    assert "&ticket=ST-" in callback

    response = client.get(local_path(callback))

    assert (response.status_code, response["Location"]) == (302, "/accounts/preferences/")
    user = User.objects.get(email="lou.etudiant@etu.univ-test.fr")
    assert (user.first_name, user.last_name, user.profile, user.student_number) == (
        "Lou",
        "Étudiant",
        RequesterProfile.STUDENT,
        "21001234",
    )
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified is True
    assert Membership.objects.get(user=user).institution == cas_institution
    assert SSOIdentity.objects.get(user=user).subject == "etu1"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != session_before


def test_cas_second_login_is_same_user(client, client_for, cas_institution):
    client.get(local_path(cas_login(client, code="utest", username="pers1", password=CAS_PASSWORD)))
    other = client_for(None)
    other.get(local_path(cas_login(other, code="utest", username="pers1", password=CAS_PASSWORD)))
    assert User.objects.filter(email="marie.roux@univ-test.fr").count() == 1
    user = User.objects.get(email="marie.roux@univ-test.fr")
    assert user.profile == RequesterProfile.STAFF
    assert other.session["_auth_user_id"] == str(user.pk)


def test_cas_missing_email_gives_clear_page(client, cas_institution):
    response = client.get(local_path(cas_login(client, code="utest", username="nomail", password=CAS_PASSWORD)))
    assert response.status_code == 403
    assert "ne nous a pas transmis votre adresse électronique" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(last_name="Adresse").exists()


def test_cas_never_takes_over_unverified_local_account(client, cas_institution):
    # Someone signed up with the victim's address and never verified it.
    squatter = User.objects.create_user(email="victim@univ-test.fr", password="squatter-password-1")
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)

    response = client.get(local_path(cas_login(client, code="utest", username="victim", password=CAS_PASSWORD)))

    assert response.status_code == 403
    assert "jamais été vérifiée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SSOIdentity.objects.count() == 0


def test_cas_links_local_account_whose_address_was_verified(client, cas_institution):
    local = User.objects.create_user(email="known@univ-test.fr", password="local-password-1")
    EmailAddress.objects.create(user=local, email=local.email, verified=True, primary=True)

    response = client.get(local_path(cas_login(client, code="utest", username="known", password=CAS_PASSWORD)))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(local.pk)
    assert SSOIdentity.objects.get(subject="known").user == local
    assert Membership.objects.get(user=local).role == MembershipRole.MEMBER


def test_cas_forged_ticket_refused(client, cas_institution):
    response = client.get("/sso/utest/cas/callback/", {"ticket": "ST-forged-0000"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_cas_ticket_cannot_be_replayed(client, client_for, cas_institution):
    callback = local_path(cas_login(client, code="utest", username="etu1", password=CAS_PASSWORD))
    assert client.get(callback).status_code == 302
    replay = client_for(None).get(callback)
    assert replay.status_code == 403


def test_cas_next_to_other_host_is_dropped(client, cas_institution):
    callback = cas_login(client, code="utest", username="etu1", password=CAS_PASSWORD, next_url="https://evil.example/")
    response = client.get(local_path(callback))
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_cas_login_page_offers_institution_button(client, cas_institution):
    html = client.get("/accounts/login/").content.decode()
    assert "Connexion avec un compte UTEST" in html
    assert "Connexion avec une adresse électronique" in html
    assert 'action="/sso/utest/"' in html


def test_cas_server_is_really_validating(cas_server):
    # The peer answers CAS 3 validation itself: an unknown ticket is a failure document.
    page = requests.get(
        f"{cas_server.url}p3/serviceValidate", params={"ticket": "ST-x", "service": "http://testserver/"}, timeout=5
    )
    assert "authenticationFailure" in page.text
