"""Self-registration with an email address, as in the Télé-demande seed."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Institution, InstitutionDomain, Membership, RequesterProfile, User

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-42"


def signup(client, email: str, **extra):
    data = {
        "email": email,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "profile": RequesterProfile.CANDIDATE,
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post("/accounts/signup/", data)


def confirmation_link(message) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


@pytest.fixture
def amu(db) -> Institution:
    amu = Institution.objects.create(
        name="Aix-Marseille Université",
        acronym="AMU",
        code="amu",
        sso_kind="cas",
        sso_settings={"server_url": "https://cas.example/cas/"},
    )
    InstitutionDomain.objects.create(institution=amu, domain="univ-amu.fr")
    return amu


def test_signup_page_asks_email_name_profile(client):
    html = client.get("/accounts/signup/").content.decode()
    for name in ("email", "first_name", "last_name", "profile", "password1", "password2"):
        assert f'name="{name}"' in html
    assert 'for="id_first_name"' in html
    assert "Créez votre compte" in html


def test_signup_verification_then_login(client):
    response = signup(client, "Ada@Example.net")
    assert (response.status_code, response["Location"]) == (302, "/accounts/confirm-email/")
    user = User.objects.get(email="ada@example.net")
    assert (user.first_name, user.last_name, user.profile) == ("Ada", "Lovelace", RequesterProfile.CANDIDATE)
    assert "_auth_user_id" not in client.session  # not logged in before verifying
    assert len(mail.outbox) == 1
    assert PASSWORD not in mail.outbox[0].body  # a password is never sent by email

    # Login is refused until the address is verified.
    response = client.post("/accounts/login/", {"login": "ada@example.net", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    link = confirmation_link(mail.outbox[-1])
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True

    response = client.post("/accounts/login/", {"login": "ada@example.net", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_refuses_institution_sso_domain(client, amu):
    response = signup(client, "jean.dupont@univ-amu.fr")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Connexion avec un compte AMU" in html
    assert 'aria-invalid="true"' in html
    assert 'value="jean.dupont@univ-amu.fr"' in html  # typed data kept
    assert not User.objects.exists()


def test_signup_refuses_institution_subdomain(client, amu):
    signup(client, "jean.dupont@etu.univ-amu.fr")
    assert not User.objects.exists()


def test_signup_domain_without_sso_accepted_and_joins_institution_on_verification(client):
    caen = Institution.objects.create(name="Université de Caen", code="unicaen")
    InstitutionDomain.objects.create(institution=caen, domain="unicaen.fr")
    signup(client, "paul@unicaen.fr")
    user = User.objects.get(email="paul@unicaen.fr")
    assert not Membership.objects.filter(user=user).exists()
    client.post(confirmation_link(mail.outbox[-1]))
    assert Membership.objects.get(user=user).institution == caen


def test_signup_existing_address_does_not_reveal_account(client, requester):
    existing = signup(client, requester.email)
    fresh = signup(client, "nobody-yet@example.net")
    # Same answer either way; the owner of the address gets an email instead.
    assert (existing.status_code, existing["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email=requester.email).count() == 1
    assert mail.outbox[0].to == [requester.email]


def test_signup_requires_profile(client):
    response = signup(client, "noprofile@example.net", profile="")
    assert response.status_code == 200
    assert not User.objects.exists()
