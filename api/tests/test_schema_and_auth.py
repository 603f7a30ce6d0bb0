"""The schema and docs pages, tokens (hashed, shown once, scope, expiry, revocation) and sessions."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from api.models import AccessToken, TokenScope
from api.tokens import digest_of, token_create, token_revoke

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_the_versioned_paths(client):
    response = client.get("/api/schema/?format=json")
    schema = response.json()
    assert (response.status_code, schema["openapi"][:2]) == (200, "3.")
    assert "/api/v1/tickets/{reference}/actions/{action}/" in schema["paths"]
    assert "bearerAuth" in schema["components"]["securitySchemes"]


def test_docs_page_uses_vendored_assets_and_keeps_the_csp(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in html and "<style" not in html and "http" not in html.replace("http-equiv", "")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get("/api/docs/?script")
    assert (script.status_code, script["Content-Type"].split(";")[0]) == (200, "application/javascript")
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_token_is_stored_hashed_and_authenticates(api_for, requester):
    token, secret = token_create(user=requester, name="script")
    assert (token.digest, secret.startswith("gch_"), secret in str(AccessToken.objects.values_list())) == (
        digest_of(secret),
        True,
        False,
    )
    client = api_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/tickets/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "inactive"])
def test_unusable_token_is_401_problem(api_for, requester, state):
    token, secret = token_create(user=requester, name="script")
    if state == "revoked":
        token_revoke(token=token)
    elif state == "expired":
        AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif state == "unknown":
        secret += "x"
    else:
        requester.is_active = False
        requester.save(update_fields=["is_active"])
    client = api_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.get("/api/v1/tickets/")
    assert (response.status_code, response["Content-Type"], response.json()["status"]) == (
        401,
        "application/problem+json",
        401,
    )
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_reads_catalogue_but_not_tickets(api_for, category):
    client = api_for(None)
    assert client.get("/api/v1/catalogue/").status_code == 200
    assert client.get("/api/v1/tickets/").status_code == 401


def test_session_write_needs_csrf(client_for, requester, make_ticket):
    from django.test import Client

    ticket = make_ticket()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(requester)
    url = f"/api/v1/tickets/{ticket.reference}/messages/"
    assert strict.get(url).status_code == 200
    assert strict.post(url, {"text": "Sans jeton CSRF"}, content_type="application/json").status_code == 403


def test_token_page_creates_shows_once_and_revokes(client_for, requester):
    client = client_for(requester)
    assert client.get("/accounts/profil/").content.decode().count("/api/jetons/") == 1
    response = client.post("/api/jetons/", {"name": "Suivi", "scope": TokenScope.READ})
    token = AccessToken.objects.get(user=requester)
    html = response.content.decode()
    assert (response.status_code, token.scope, token.prefix in html, "gch_" in html) == (200, "read", True, True)
    assert "gch_" not in client.get("/api/jetons/").content.decode().replace(token.prefix, "")
    client.post(f"/api/jetons/{token.pk}/revoquer/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_pages_reject_get_revoke_and_others_tokens(client_for, requester, colleague):
    token, _secret = token_create(user=colleague, name="autre")
    client = client_for(requester)
    assert client.get(f"/api/jetons/{token.pk}/revoquer/").status_code == 405
    assert client.post(f"/api/jetons/{token.pk}/revoquer/").status_code == 404


def test_mfa_user_needs_a_fresh_second_factor_to_create_a_token(client_for, requester):
    TOTP.activate(requester, generate_totp_secret())
    client = client_for(requester)
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= 3600  # the login's second factor is an hour old
    session.save()
    response = client.post("/api/jetons/", {"name": "Suivi", "scope": TokenScope.WRITE})
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/2fa/reauthenticate/?next=%2Fapi%2Fjetons%2F",
    )
    assert AccessToken.objects.count() == 0
    fresh = client_for(requester)  # a second factor just used
    assert fresh.post("/api/jetons/", {"name": "Suivi", "scope": TokenScope.WRITE}).status_code == 200
    assert AccessToken.objects.count() == 1
