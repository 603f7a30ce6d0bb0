"""Where each role lands after login, the intro for requesters only, and the staff preferences."""

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, user, next_url=""):
    data = {"login": user.email, "password": PASSWORD}
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


@pytest.mark.parametrize("who", ["agent", "manager", "admin"])
def test_staff_land_on_their_queue(who, request, client, settings):
    settings.GUICHET_MFA_REQUIRED_FOR_SUPERUSERS = False
    user = request.getfixturevalue(who)
    response = login(client, user)
    assert (response.status_code, response["Location"]) == (302, "/traitement/")
    # No intro in between, although they never dismissed it.
    assert not user.intro_dismissed
    assert client.get("/traitement/").status_code == 200


def test_requester_lands_on_the_catalogue_after_the_intro(client, requester):
    response = login(client, requester)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/")["Location"] == "/accounts/intro/?next=%2F"


def test_explicit_next_wins_for_staff(client, agent):
    response = login(client, agent, next_url="/traitement/journal/")
    assert response["Location"] == "/traitement/journal/"


def test_staff_preferences_offer_shortcuts_not_the_intro(client_for, agent):
    client = client_for(agent)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'name="keyboard_shortcuts"' in page and 'name="show_intro"' not in page
    response = client.post("/accounts/preferences/", {"language": "fr"})  # the box left unticked
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.keyboard_shortcuts is False
    client.post("/accounts/preferences/", {"language": "fr", "keyboard_shortcuts": "on"})
    agent.refresh_from_db()
    assert agent.keyboard_shortcuts is True


def test_requester_preferences_offer_the_intro_not_shortcuts(client_for, requester):
    page = client_for(requester).get("/accounts/preferences/").content.decode()
    assert 'name="show_intro"' in page and 'name="keyboard_shortcuts"' not in page
