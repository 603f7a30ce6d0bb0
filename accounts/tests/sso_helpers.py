"""Drive a browser's part of an SSO round trip: the Django test client plays
our side, ``requests`` plays the person's browser at the identity provider."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from django.test import Client

from accounts.models import Institution, InstitutionDomain
from accounts.tests.peers.process import html_forms


def local_path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.netloc in ("", "testserver", "127.0.0.1"), url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def cas_login(
    client: Client, *, code: str, username: str, password: str, next_url: str = "", connect: bool = False
) -> str:
    """Start at /sso/<code>/ (or post to /sso/<code>/connect/), log in at the CAS server's form;
    return the callback URL it sends back."""
    if connect:
        response = client.post(f"/sso/{code}/connect/", {"next": next_url} if next_url else {})
    else:
        response = client.get(f"/sso/{code}/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content[:500]
    login_url = response["Location"]
    browser = requests.Session()
    page = browser.get(login_url, timeout=10)
    assert page.status_code == 200
    form = html_forms(page.text)[0]
    fields = {**form["fields"], "username": username, "password": password}
    answer = browser.post(urljoin(page.url, form["action"]), data=fields, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def oidc_login(client: Client, *, code: str, provider_url: str, sub: str, claims: dict, connect: bool = False) -> str:
    """Start at /sso/<code>/ (or /sso/<code>/connect/), choose the subject at the provider; return the callback URL."""
    requests.put(f"{provider_url}/users/{sub}", json=claims, timeout=10).raise_for_status()
    response = client.post(f"/sso/{code}/connect/" if connect else f"/sso/{code}/")
    assert response.status_code == 302, response.content[:500]
    authorize_url = response["Location"]
    assert authorize_url.startswith(provider_url)
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def sso_institution(code: str, domain: str, **fields) -> Institution:
    """An institution with its one mail domain (``fields``: sso_kind, sso_settings, name…)."""
    fields = {"name": code.upper(), "acronym": code.upper(), **fields}
    institution = Institution.objects.create(code=code, **fields)
    InstitutionDomain.objects.create(institution=institution, domain=domain)
    return institution
