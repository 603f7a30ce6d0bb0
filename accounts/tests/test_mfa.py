"""TOTP for everyone, mandatory for staff when GUICHET_MFA_REQUIRED_FOR_STAFF is set."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(counters()))))


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_mfa_required_staff_sent_to_enrolment(request, settings, client_for, role):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    response = client_for(request.getfixturevalue(role)).get("/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/totp/activate/")


def test_mfa_required_staff_can_reach_account_pages(settings, client_for, agent):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    assert client_for(agent).get("/accounts/2fa/").status_code == 200


def test_mfa_required_enrolled_staff_pass(settings, client_for, agent):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    TOTP.activate(agent, generate_totp_secret())
    assert client_for(agent).get("/").status_code == 200


def test_mfa_required_does_not_concern_requesters(settings, client_for, requester, colleague):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    assert client_for(requester).get("/").status_code == 200
    assert client_for(colleague).get("/").status_code == 200


def test_mfa_not_required_by_default(client_for, agent):
    assert client_for(agent).get("/").status_code == 200


def test_mfa_login_asks_totp_code(client, requester):
    secret = generate_totp_secret()
    TOTP.activate(requester, secret)
    response = client.post("/accounts/login/", {"login": requester.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.post("/accounts/2fa/authenticate/", {"code": "000000"}).status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(requester.pk)
