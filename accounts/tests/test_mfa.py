"""TOTP for everyone; a second factor at login for staff (GUICHET_MFA_REQUIRED_FOR_STAFF)
and superusers (on by default); one login flow, the admin's included."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(iter(counters()))))


def password_login(user) -> Client:
    """A client that went through the login page with the password only (intro page off)."""
    user.intro_dismissed = True
    user.save(update_fields=["intro_dismissed"])
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_mfa_required_staff_without_authenticator_sent_to_enrolment(request, settings, role):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    response = password_login(request.getfixturevalue(role)).get("/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/totp/activate/?next=%2F")


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_mfa_required_staff_enrolled_session_without_second_factor_refused(request, settings, role):
    # A session that did not pass the second factor (here: opened without the
    # login page, as any path that skips allauth's MFA stage would) gets nothing.
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    user = request.getfixturevalue(role)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    client = Client()
    client.force_login(user)
    response = client.get("/traitement/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/reauthenticate/?next=%2Ftraitement%2F")
    assert client.post("/accounts/2fa/reauthenticate/?next=/traitement/", {"code": "000000"}).status_code == 200
    answer = client.post("/accounts/2fa/reauthenticate/?next=/traitement/", {"code": current_code(secret)})
    assert (answer.status_code, answer["Location"]) == (302, "/traitement/")
    assert client.get("/traitement/").status_code == 200


def test_mfa_required_staff_can_reach_account_pages(settings, agent):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    assert password_login(agent).get("/accounts/2fa/").status_code == 200


def test_mfa_required_enrolled_staff_pass_after_code_at_login(settings, client, agent):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    agent.intro_dismissed = True
    agent.save(update_fields=["intro_dismissed"])
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    assert client.post("/accounts/login/", {"login": agent.email, "password": PASSWORD})["Location"] == (
        "/accounts/2fa/authenticate/"
    )
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.get("/").status_code == 200


def test_mfa_required_does_not_concern_requesters(settings, requester, colleague):
    settings.GUICHET_MFA_REQUIRED_FOR_STAFF = True
    assert password_login(requester).get("/").status_code == 200
    assert password_login(colleague).get("/").status_code == 200


def test_mfa_not_required_of_agents_by_default(agent):
    assert password_login(agent).get("/").status_code == 200


def test_mfa_required_of_superusers_by_default(admin):
    response = password_login(admin).get("/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/totp/activate/?next=%2F")


def test_mfa_superuser_requirement_can_be_turned_off(settings, admin):
    settings.GUICHET_MFA_REQUIRED_FOR_SUPERUSERS = False
    assert password_login(admin).get("/").status_code == 200


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


# --- /admin/login/ is allauth's login ----------------------------------------


def test_admin_login_redirects_to_site_login_with_next(client):
    response = client.get("/admin/login/", {"next": "/admin/"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=%2Fadmin%2F")


def test_admin_login_password_post_does_not_log_in(client, admin):
    # The admin's own form used to open a full session with the password alone.
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_admin_reached_only_after_second_factor(client, admin):
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    response = client.post("/accounts/login/?next=/admin/", {"login": admin.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_admin_login_failures_are_rate_limited(client, admin):
    for _ in range(5):
        client.post("/admin/login/", {"username": admin.email, "password": "wrong-password"})
        client.post("/accounts/login/", {"login": admin.email, "password": "wrong-password"})
    # allauth's per-account limit holds: even the right password is refused now.
    client.post("/accounts/login/", {"login": admin.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_admin_login_refuses_signed_in_non_staff(client_for, requester):
    assert client_for(requester).get("/admin/login/").status_code == 403
