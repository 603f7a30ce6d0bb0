"""Who an SSO login may become, through the real CAS server and OIDC provider.

Issue 14 (High 1): an IdP vouches only for its institution's domains, an
unverified claim never links, privileged accounts are linked only by their own
signed-in action, IdP names never overwrite an account's, trust is off by default.
"""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import Institution, SSOIdentity, User
from accounts.tests.conftest import CAS_PASSWORD
from accounts.tests.sso_helpers import cas_login, local_path, oidc_login, sso_institution
from conftest import PASSWORD

pytestmark = pytest.mark.django_db
STAFFER = "staffer@univ-test.fr"


@pytest.fixture
def cas(cas_server) -> Institution:
    return sso_institution(
        "ucas", "univ-test.fr", sso_kind="cas", sso_settings={"server_url": cas_server.url, "trust_email": True}
    )


@pytest.fixture
def oidc(oidc_provider) -> Institution:
    conf = {"server_url": oidc_provider.url, "client_id": "guichet", "secret": "s", "trust_email": True}
    return sso_institution("ujm", "univ-st-etienne.fr", sso_kind="oidc", sso_settings=conf)


def readdress(user: User, email: str) -> User:
    """Give a cast member an address on the institution's domain, verified."""
    EmailAddress.objects.filter(user=user).update(email=email)
    user.email = email
    user.save(update_fields=["email"])
    return user


def verified_local(email: str, **names) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **names)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def cas_answer(client, username: str):
    return client.get(local_path(cas_login(client, code="ucas", username=username, password=CAS_PASSWORD)))


def oidc_answer(client, oidc_provider, sub: str, email: str, **claims):
    claims = {"email": email, "email_verified": True, "given_name": "Mallory", "family_name": "Usurpe", **claims}
    callback = oidc_login(client, code="ujm", provider_url=oidc_provider.url, sub=sub, claims=claims)
    return client.get(local_path(callback))


# --- Privileged accounts -------------------------------------------------------


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_cas_never_links_privileged_account(request, client, cas, role):
    readdress(request.getfixturevalue(role), STAFFER)
    response = cas_answer(client, "staffer")
    assert response.status_code == 403
    assert "seul son titulaire peut le relier" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert SSOIdentity.objects.count() == 0


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_oidc_never_links_privileged_account(request, client, oidc_provider, oidc, role):
    readdress(request.getfixturevalue(role), "boss@univ-st-etienne.fr")
    response = oidc_answer(client, oidc_provider, "boss-1", "boss@univ-st-etienne.fr")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == 0


def test_cas_connect_by_signed_in_agent_links_then_logs_in(client_for, cas, agent):
    readdress(agent, STAFFER)
    browser = client_for(agent)
    # Connecting is a sensitive change: the password is asked again first.
    assert browser.post("/sso/ucas/connect/")["Location"].startswith("/accounts/reauthenticate/")
    browser.post("/accounts/reauthenticate/", {"password": PASSWORD})
    callback = cas_login(browser, code="ucas", username="staffer", password=CAS_PASSWORD, connect=True)
    assert browser.get(local_path(callback)).status_code == 302
    assert SSOIdentity.objects.get(subject="staffer").user == agent

    other = client_for(None)
    cas_answer(other, "staffer")
    assert other.session["_auth_user_id"] == str(agent.pk)


def test_oidc_connect_by_signed_in_agent_links(client_for, oidc_provider, oidc, agent):
    browser = client_for(agent)
    browser.post("/accounts/reauthenticate/", {"password": PASSWORD})
    claims = {"email": "other@univ-st-etienne.fr", "email_verified": True}
    callback = oidc_login(browser, code="ujm", provider_url=oidc_provider.url, sub="ag-1", claims=claims, connect=True)
    assert browser.get(local_path(callback)).status_code == 302
    assert SocialAccount.objects.get(uid="ag-1").user == agent


# --- Domains, trust and verification -------------------------------------------


def test_cas_does_not_vouch_for_address_outside_institution_domains(client, cas, requester):
    # The institution's CAS releases requester@example.org: not its domain to speak for.
    response = cas_answer(client, "foreign")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SSOIdentity.objects.count() == 0


def test_oidc_does_not_vouch_for_address_outside_institution_domains(client, oidc_provider, oidc, requester):
    response = oidc_answer(client, oidc_provider, "foreign-1", requester.email)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_oidc_unverified_claim_never_links(client, oidc_provider, oidc):
    local = verified_local("lea@univ-st-etienne.fr")
    response = oidc_answer(client, oidc_provider, "lea-1", local.email, email_verified=False)
    assert response.status_code == 403
    assert SocialAccount.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_oidc_unverified_claim_new_account_address_stays_unverified(client, oidc_provider, oidc):
    oidc_answer(client, oidc_provider, "new-1", "new@univ-st-etienne.fr", email_verified=False)
    assert EmailAddress.objects.get(email="new@univ-st-etienne.fr").verified is False
    assert "_auth_user_id" not in client.session  # verification by mail first


def test_cas_trust_email_off_by_default(client, cas):
    cas.sso_settings = {"server_url": cas.sso_settings["server_url"]}
    cas.save()
    verified_local("known@univ-test.fr")
    response = cas_answer(client, "known")
    assert response.status_code == 403
    assert SSOIdentity.objects.count() == 0
    cas_answer(client, "etu1")
    assert EmailAddress.objects.get(email="lou.etudiant@etu.univ-test.fr").verified is False


def test_oidc_trust_email_off_by_default(client, oidc_provider, oidc):
    oidc.sso_settings = {k: v for k, v in oidc.sso_settings.items() if k != "trust_email"}
    oidc.save()
    verified_local("lea@univ-st-etienne.fr")
    assert oidc_answer(client, oidc_provider, "lea-2", "lea@univ-st-etienne.fr").status_code == 403
    assert SocialAccount.objects.count() == 0


# --- Names ----------------------------------------------------------------------


def test_cas_link_keeps_local_names(client, cas):
    local = verified_local("known@univ-test.fr", first_name="Kim", last_name="Original")
    assert cas_answer(client, "known").status_code == 302
    local.refresh_from_db()
    assert (client.session["_auth_user_id"], local.first_name, local.last_name) == (str(local.pk), "Kim", "Original")


def test_oidc_link_keeps_local_names(client, oidc_provider, oidc):
    local = verified_local("lea@univ-st-etienne.fr", first_name="Léa", last_name="Martin")
    assert oidc_answer(client, oidc_provider, "lea-3", local.email).status_code == 302
    local.refresh_from_db()
    assert (client.session["_auth_user_id"], local.first_name, local.last_name) == (str(local.pk), "Léa", "Martin")


# --- CAS login CSRF (Low 11) ------------------------------------------------------


def test_cas_callback_refused_in_browser_that_never_started_login(client, client_for, cas):
    # The attacker logs in at the CAS server with their own account, then makes
    # the victim's browser open the callback: the victim must not be logged in.
    callback = cas_login(client_for(None), code="ucas", username="etu1", password=CAS_PASSWORD)
    victim = client
    response = victim.get(local_path(callback))
    assert response.status_code == 403
    assert "_auth_user_id" not in victim.session


def test_cas_callback_refused_with_another_browser_nonce(client, client_for, cas):
    callback = cas_login(client_for(None), code="ucas", username="etu1", password=CAS_PASSWORD)
    victim = client
    assert victim.get("/sso/ucas/").status_code == 302  # the victim started a login of their own
    assert victim.get(local_path(callback)).status_code == 403
    assert "_auth_user_id" not in victim.session
