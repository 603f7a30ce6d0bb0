"""Rate limits (allauth's "login": 30 a minute per address, then 429) count the real
client behind the TLS proxy (issue 14, Medium 6),
and sign-up does the same work whether the address is taken (Low 9)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from accounts.tests.hashers import CountingHasher
from accounts.tests.test_signup import signup

pytestmark = pytest.mark.django_db


def fail_logins(client, *, count: int, forwarded_for: str) -> None:
    for i in range(count):
        client.post(
            "/accounts/login/",
            {"login": f"nobody{i}@example.net", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )


def login_page_status(client, user, *, forwarded_for: str) -> int:
    return client.post(
        "/accounts/login/", {"login": user.email, "password": "wrong"}, HTTP_X_FORWARDED_FOR=forwarded_for
    ).status_code


def test_behind_proxy_one_client_failures_do_not_lock_out_others(settings, client, client_for, requester):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # what DJANGO_BEHIND_PROXY sets
    fail_logins(client, count=30, forwarded_for="203.0.113.7")
    assert login_page_status(client, requester, forwarded_for="203.0.113.7") == 429
    # Every request comes from the proxy's address (REMOTE_ADDR 127.0.0.1), yet another person is not refused.
    assert login_page_status(client_for(None), requester, forwarded_for="198.51.100.20") == 200


def test_behind_proxy_forged_leftmost_entry_does_not_reset_the_limit(settings, client):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for i in range(30):
        client.post(
            "/accounts/login/",
            {"login": f"nobody{i}@example.net", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.7",  # the client wrote the first part
        )
    response = client.post(
        "/accounts/login/", {"login": "x@example.net", "password": "wrong"}, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert response.status_code == 429


def test_without_proxy_forwarded_header_is_ignored(settings, client, client_for, requester):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    fail_logins(client, count=30, forwarded_for="203.0.113.7")
    # Same REMOTE_ADDR: a forged X-Forwarded-For does not buy a fresh budget.
    assert login_page_status(client_for(None), requester, forwarded_for="198.51.100.20") == 429


def settings_value(name: str, **env: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "helpdesk.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    return result.stdout.strip()


def test_proxy_setting_drives_client_ip_resolution():
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT", DJANGO_BEHIND_PROXY="false") == "0"
    assert settings_value("ALLAUTH_TRUSTED_PROXY_COUNT", DJANGO_BEHIND_PROXY="true") == "1"
    assert settings_value(
        "ALLAUTH_TRUSTED_PROXY_COUNT", DJANGO_BEHIND_PROXY="true", DJANGO_TRUSTED_PROXY_COUNT="2"
    ) == ("2")
    assert settings_value(
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", DJANGO_BEHIND_PROXY="true", DJANGO_TRUSTED_CLIENT_IP_HEADER="X-Real-IP"
    ) == ("X-Real-IP")


def test_signup_hashes_a_password_whether_or_not_the_address_is_taken(settings, client, requester):
    settings.PASSWORD_HASHERS = ["accounts.tests.hashers.CountingHasher"]
    CountingHasher.calls = 0
    signup(client, requester.email)
    taken = CountingHasher.calls
    CountingHasher.calls = 0
    signup(client, "nobody-yet@example.net")
    free = CountingHasher.calls
    assert (taken, free) == (1, 1)
