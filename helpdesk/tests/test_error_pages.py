"""Error pages with DEBUG off: site layout, visitor's language, a way back; 500 with the database down."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test import Client

# (language, title, sentence) of each page.
PAGES = {
    400: {"fr": ("Requête incorrecte", "Rien n'a été enregistré."), "en": ("Bad request", "Nothing was saved.")},
    403: {
        "fr": ("Accès refusé", "Vous n'avez pas le droit d'afficher cette page"),
        "en": ("Access denied", "You are not allowed to view this page"),
    },
    404: {
        "fr": ("Page introuvable", "Cette page n'existe pas"),
        "en": ("Page not found", "This page does not exist"),
    },
    "csrf": {
        "fr": ("Formulaire expiré", "Rien n'a été enregistré."),
        "en": ("Form expired", "Nothing was saved."),
    },
    500: {
        "fr": ("Erreur du serveur", "Rien n'a été enregistré"),
        "en": ("Server error", "Nothing was saved"),
    },
}
WAY_BACK = {"fr": ("Catalogue des services", "Mes demandes"), "en": ("Service catalogue", "My requests")}


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "helpdesk.tests.urls_errors"


def visitor(language: str, user=None) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def assert_error_page(response, status: int, key, language: str) -> str:
    html = response.content.decode()
    title, sentence = PAGES[key][language]
    assert response.status_code == status
    assert f'<html lang="{language}">' in html
    assert f"<h1>{title}</h1>" in html
    assert sentence in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert '<a href="/">' + WAY_BACK[language][0] + "</a>" in html
    assert '<a href="/demandes/">' + WAY_BACK[language][1] + "</a>" in html
    return html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_404_page(db, language):
    html = assert_error_page(visitor(language).get("/pas-de-page-ici/"), 404, 404, language)
    assert 'href="/accounts/login/"' in html  # anonymous: a way to log in


@pytest.mark.parametrize("language", ["fr", "en"])
def test_403_page(db, requester, language):
    html = assert_error_page(visitor(language, requester).get("/test-forbidden/"), 403, 403, language)
    assert 'href="/accounts/login/"' not in html  # already logged in


@pytest.mark.parametrize("language", ["fr", "en"])
def test_400_page_for_a_host_we_do_not_serve(db, language):
    assert_error_page(visitor(language).get("/", HTTP_HOST="evil.example"), 400, 400, language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_csrf_failure_page(db, language):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert_error_page(response, 403, "csrf", language)


def refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("the database is down")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_500_page_renders_with_the_database_down(db, requester, language):
    client = visitor(language, requester)
    with connection.execute_wrapper(refuse_every_query):
        response = client.get("/demandes/")
    html = assert_error_page(response, 500, 500, language)
    assert 'href="/accounts/login/"' in html  # the user cannot be read: the login link is offered


def test_500_page_makes_no_query(db, requester, django_assert_num_queries):
    from django.test import RequestFactory

    from helpdesk.errors import server_error

    request = RequestFactory().get("/demandes/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500


def test_favicon_is_served(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
