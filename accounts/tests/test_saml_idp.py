"""SAML 2 logins through a real identity provider process (pysaml2's IdP), and the linking rules."""

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from accounts.models import Institution, Membership, RequesterProfile, User
from accounts.tests.conftest import CAS_PASSWORD, SAML_SP_ACS, SAML_SP_ENTITY_ID, SUPANN_AMUE
from accounts.tests.peers.process import html_forms
from accounts.tests.peers.saml_idp import self_signed
from accounts.tests.sso_helpers import local_path, sso_institution
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(saml_client):
    return saml_client


@pytest.fixture
def unicaen(saml_idp) -> Institution:
    idp = {
        "entity_id": f"{saml_idp.url}/metadata",
        "sso_url": f"{saml_idp.url}/sso/redirect",
        "x509cert": saml_idp.cert,
    }
    return sso_institution(
        "unicaen",
        "unicaen.fr",
        name="Université de Caen Normandie",
        acronym="Unicaen",
        sso_kind="saml",
        sso_settings={
            "idp": idp,
            "uid_attribute": ["urn:oid:1.3.6.1.4.1.5923.1.1.1.6"],  # eduPersonPrincipalName
            "trust_email": True,
        },
    )


def saml_login(client, username: str, *, connect: bool = False):
    """Our SP sends the browser to the IdP, which logs the person in and posts its answer back."""
    response = client.post("/sso/unicaen/connect/" if connect else "/sso/unicaen/")
    assert response.status_code == 302, response.content[:300]
    browser = requests.Session()
    page = browser.get(response["Location"], timeout=10)
    assert page.status_code == 200, page.text[:300]
    form = html_forms(page.text)[0]
    answer = browser.post(
        page.url.rsplit("/sso/", 1)[0] + form["action"],
        data={**form["fields"], "username": username, "password": CAS_PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:300]
    post = html_forms(answer.text)[0]
    assert post["action"] == SAML_SP_ACS
    assert "SAMLResponse" in post["fields"]
    received = client.post(local_path(post["action"]), post["fields"])
    # allauth's ACS checks the response, then finishes the login on its next page.
    assert (received.status_code, received["Location"]) == (302, "/accounts/saml/unicaen/acs/finish/")
    return client.get(received["Location"])


def test_saml_sp_metadata_is_what_the_idp_knows(client, unicaen):
    body = client.get("/accounts/saml/unicaen/metadata/").content.decode()
    assert f'entityID="{SAML_SP_ENTITY_ID}"' in body
    assert f'Location="{SAML_SP_ACS}"' in body


def test_saml_idp_login_creates_verified_member(client, unicaen):
    response = saml_login(client, "lmartin")
    assert response.status_code == 302
    user = User.objects.get(email="lea.martin@unicaen.fr")
    assert (user.first_name, user.last_name, user.profile) == ("Léa", "Martin", RequesterProfile.STAFF)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert EmailAddress.objects.get(user=user).verified is True
    assert Membership.objects.get(user=user).institution == unicaen
    account = SocialAccount.objects.get(user=user)
    assert account.uid == "lmartin@unicaen.fr"
    assert account.extra_data["urn:oid:1.3.6.1.4.1.7135.1.2.1.14"] == [SUPANN_AMUE]


def test_saml_idp_signature_by_another_key_refused(client, unicaen, tmp_path):
    # The institution is configured with another IdP's certificate: the real IdP's signature no longer counts.
    _key, other_cert = self_signed(tmp_path)
    unicaen.sso_settings["idp"]["x509cert"] = other_cert.read_text()
    unicaen.save()
    saml_login(client, "lmartin")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="lea.martin@unicaen.fr").exists()


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_saml_never_links_privileged_account(request, client, unicaen, role):
    user = request.getfixturevalue(role)
    EmailAddress.objects.filter(user=user).update(email="staffer@unicaen.fr")
    user.email = "staffer@unicaen.fr"
    user.save(update_fields=["email"])
    response = saml_login(client, "staffer")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert SocialAccount.objects.count() == 0


def test_saml_does_not_vouch_outside_institution_domains(client, unicaen, requester):
    assert saml_login(client, "foreign").status_code == 403
    assert "_auth_user_id" not in client.session


def test_saml_trust_off_by_default_never_links(client, unicaen):
    unicaen.sso_settings = {k: v for k, v in unicaen.sso_settings.items() if k != "trust_email"}
    unicaen.save()
    local = User.objects.create_user(email="known@unicaen.fr", password=PASSWORD)
    EmailAddress.objects.create(user=local, email=local.email, verified=True, primary=True)
    assert saml_login(client, "known").status_code == 403
    assert SocialAccount.objects.count() == 0


def test_saml_links_ordinary_verified_account_keeping_its_names(client, unicaen):
    local = User.objects.create_user(email="known@unicaen.fr", password=PASSWORD, first_name="Kim", last_name="Local")
    EmailAddress.objects.create(user=local, email=local.email, verified=True, primary=True)
    assert saml_login(client, "known").status_code == 302
    local.refresh_from_db()
    assert (client.session["_auth_user_id"], local.first_name, local.last_name) == (str(local.pk), "Kim", "Local")
    assert SocialAccount.objects.get(uid="known@unicaen.fr").user == local


def test_saml_connect_by_signed_in_agent(client_for, unicaen, agent):
    browser = client_for(agent)
    browser.defaults["HTTP_HOST"] = "127.0.0.1"
    browser.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert saml_login(browser, "staffer", connect=True).status_code == 302
    assert SocialAccount.objects.get(uid="staffer@unicaen.fr").user == agent
