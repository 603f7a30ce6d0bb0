"""Preferences (language, notification opt-outs, intro page) and the intro shown after login."""

import pytest
from django.conf import settings

from accounts.notifications import OptionalNotification, wants_notification
from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_preferences_requires_login(client):
    response = client.get("/accounts/preferences/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_preferences_page_lists_requester_opt_outs_only(client_for, requester):
    html = client_for(requester).get("/accounts/preferences/").content.decode()
    assert 'value="taken"' in html
    assert 'value="queue_new"' not in html  # agents only
    assert "<legend>" in html


def test_preferences_agent_sees_agent_opt_outs(client_for, agent):
    assert 'value="queue_new"' in client_for(agent).get("/accounts/preferences/").content.decode()


def test_preferences_saved_and_language_applied(client_for, requester):
    client = client_for(requester)
    response = client.post(
        "/accounts/preferences/",
        {"language": "en", "notification_opt_outs": ["taken", "reminder"], "show_intro": ""},
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/preferences/")
    requester.refresh_from_db()
    assert (requester.language, requester.notification_opt_outs, requester.intro_dismissed) == (
        "en",
        ["taken", "reminder"],
        True,
    )
    page = client.get("/")
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    assert not wants_notification(requester, OptionalNotification.TAKEN)
    assert wants_notification(requester, OptionalNotification.ASSIGNED)
    assert wants_notification(requester, "acknowledgement")  # essential: not an opt-out code


def test_preferences_invalid_choice_rerenders_with_error(client_for, requester):
    response = client_for(requester).post("/accounts/preferences/", {"language": "xx"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_login_applies_saved_language(client, requester):
    requester.language = "en"
    requester.save()
    client.post("/accounts/login/", {"login": requester.email, "password": PASSWORD})
    assert '<html lang="en">' in client.get("/accounts/preferences/").content.decode()


def test_intro_shown_after_login_until_dismissed(client, requester):
    client.post("/accounts/login/", {"login": requester.email, "password": PASSWORD})
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/intro/?next=%2F")
    html = client.get(response["Location"]).content.decode()
    assert "Ne plus montrer cette page à partir de maintenant" in html
    assert client.get("/").status_code == 200  # once per login

    response = client.post("/accounts/intro/", {"next": "/", "dismiss": "on"})
    assert response["Location"] == "/"
    requester.refresh_from_db()
    assert requester.intro_dismissed
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": requester.email, "password": PASSWORD})
    assert client.get("/").status_code == 200


def test_intro_next_without_dismiss_keeps_it(client_for, requester):
    response = client_for(requester).post("/accounts/intro/", {"next": "/"})
    assert response["Location"] == "/"
    requester.refresh_from_db()
    assert not requester.intro_dismissed


def test_intro_rejects_put(client_for, requester):
    assert client_for(requester).put("/accounts/intro/").status_code == 405
