"""Rate limits, open redirects and session fixation."""

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_rate_limit_answers_429(client):
    # allauth's "login" limit: 30 attempts a minute from one address.
    statuses = [
        client.post("/accounts/login/", {"login": f"u{i}@example.net", "password": "x"}).status_code for i in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert "Trop de tentatives" in client.post("/accounts/login/", {"login": "a@b.c", "password": "x"}).content.decode()


def test_login_failures_limited_per_account(client, requester):
    for _ in range(5):
        client.post("/accounts/login/", {"login": requester.email, "password": "wrong-password"})
    # Even the right password is refused until the window passes.
    response = client.post("/accounts/login/", {"login": requester.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_signup_rate_limit_answers_429(client):
    statuses = [client.post("/accounts/signup/", {"email": f"s{i}@example.net"}).status_code for i in range(21)]
    assert statuses[20] == 429


def test_login_open_redirect_refused(client, requester):
    response = client.post(
        "/accounts/login/", {"login": requester.email, "password": PASSWORD, "next": "https://evil.example/steal"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_login_local_next_followed(client, requester):
    response = client.post(
        "/accounts/login/", {"login": requester.email, "password": PASSWORD, "next": "/accounts/preferences/"}
    )
    assert response["Location"] == "/accounts/preferences/"


def test_login_rotates_session_key(client, requester):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert before
    client.post("/accounts/login/", {"login": requester.email, "password": PASSWORD})
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(requester.pk)


def test_intro_next_to_other_host_refused(client_for, requester):
    response = client_for(requester).post("/accounts/intro/", {"next": "//evil.example/"})
    assert response["Location"] == "/"
