import pytest


@pytest.mark.django_db
def test_home_in_french_by_default(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Bienvenue sur Guichet" in html
    assert 'href="#main"' in html and 'id="main"' in html  # skip link and its target
    assert 'role="banner"' in html and 'role="contentinfo"' in html


@pytest.mark.django_db
def test_language_switch_gives_same_page_in_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Welcome to Guichet" in html
    assert "Bienvenue sur Guichet" not in html


@pytest.mark.django_db
def test_pages_send_strict_content_security_policy(client):
    response = client.get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"].startswith("accelerometer=(), camera=()")
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_static_css_served_by_whitenoise(client):
    response = client.get("/static/css/guichet.css")
    assert response.status_code == 200
    assert b"--blue" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_navigation_shows_admin_link_only_to_admins(client_for, requester, admin):
    assert "/admin/" not in client_for(requester).get("/").content.decode()
    assert "/admin/" in client_for(admin).get("/").content.decode()
