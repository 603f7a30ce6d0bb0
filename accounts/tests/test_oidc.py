"""OpenID Connect round trips against a real provider process (oidc-provider-mock)."""

import pytest
from allauth.socialaccount.models import SocialAccount

from accounts.models import Institution, InstitutionDomain, Membership, RequesterProfile, User
from accounts.tests.sso_helpers import local_path, oidc_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc_institution(oidc_provider) -> Institution:
    institution = Institution.objects.create(
        name="Université Jean Monnet",
        acronym="UJM",
        code="ujm",
        sso_kind="oidc",
        sso_settings={
            "server_url": oidc_provider.url,
            "client_id": "guichet",
            "secret": "guichet-secret",
            "trust_email": True,
        },
    )
    InstitutionDomain.objects.create(institution=institution, domain="univ-st-etienne.fr")
    return institution


def claims(email: str, **extra) -> dict:
    return {"email": email, "email_verified": True, "given_name": "Noa", "family_name": "Dupont", **extra}


def test_oidc_first_login_creates_member_with_profile(client, oidc_provider, oidc_institution):
    session_before = client.session.session_key or ""
    callback = oidc_login(
        client,
        code="ujm",
        provider_url=oidc_provider.url,
        sub="noa-1",
        claims=claims("Noa.Dupont@univ-st-etienne.fr", eduPersonAffiliation=["student", "member"]),
    )
    assert local_path(callback).startswith("/accounts/oidc/ujm/login/callback/?code=")

    response = client.get(local_path(callback))

    assert response.status_code == 302
    user = User.objects.get(email="noa.dupont@univ-st-etienne.fr")
    assert (user.first_name, user.last_name, user.profile) == ("Noa", "Dupont", RequesterProfile.STUDENT)
    assert SocialAccount.objects.get(user=user).uid == "noa-1"
    assert Membership.objects.get(user=user).institution == oidc_institution
    assert user.has_verified_email
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session.session_key != session_before


def test_oidc_never_takes_over_unverified_local_account(client, oidc_provider, oidc_institution):
    from allauth.account.models import EmailAddress

    squatter = User.objects.create_user(email="target@univ-st-etienne.fr", password="squatter-password-1")
    EmailAddress.objects.create(user=squatter, email=squatter.email, verified=False, primary=True)

    callback = oidc_login(
        client, code="ujm", provider_url=oidc_provider.url, sub="target-1", claims=claims("target@univ-st-etienne.fr")
    )
    response = client.get(local_path(callback))

    assert response.status_code == 403
    assert "jamais été vérifiée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == 0


def test_oidc_missing_email_gives_clear_page(client, oidc_provider, oidc_institution):
    callback = oidc_login(
        client, code="ujm", provider_url=oidc_provider.url, sub="anon-1", claims={"given_name": "Anne"}
    )
    response = client.get(local_path(callback))
    assert response.status_code == 403
    assert "ne nous a pas transmis votre adresse électronique" in response.content.decode()
    assert User.objects.count() == 0


def test_oidc_start_on_get_only_shows_button(client, oidc_institution):
    response = client.get("/sso/ujm/")
    assert response.status_code == 200
    assert 'method="post" action="/sso/ujm/"' in response.content.decode()
