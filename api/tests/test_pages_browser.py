"""In a real browser: the API documentation runs under the site's CSP (not bypassed), and the token
page is usable and axe-clean."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from helpdesk.testing.browser import axe_violations, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in_context(browser, live_server, user, **options):
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    context = browser.new_context(locale="fr-FR", **options)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": live_server.url}])
    return context


def test_swagger_ui_renders_under_the_csp(browser, live_server, requester):
    context = signed_in_context(browser, live_server, requester, viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    console = []
    tab.on("console", lambda message: console.append(message.text))
    tab.goto(f"{live_server.url}/api/docs/")
    tab.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    tab.wait_for_selector("text=/api/v1/tickets/", timeout=15_000)
    screenshot(tab, "api-docs-1366")
    assert "Guichet API" in tab.inner_text(".swagger-ui .info .title")
    assert [text for text in console if "Content Security Policy" in text] == []
    context.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_token_page_creates_a_token_and_is_axe_clean(browser, live_server, requester, size):
    context = signed_in_context(browser, live_server, requester, bypass_csp=True,
                                viewport={"width": size[0], "height": size[1]})  # fmt: skip
    tab = context.new_page()
    tab.goto(f"{live_server.url}/api/jetons/")
    tab.get_by_label("Nom du jeton").fill("Script de suivi")
    tab.get_by_label("Lecture et écriture").check()
    tab.get_by_role("button", name="Créer le jeton").click()
    secret = tab.inner_text("code.token-secret")
    screenshot(tab, f"api-tokens-{size[0]}")
    assert secret.startswith("gch_")
    assert axe_violations(tab) == []
    context.close()
