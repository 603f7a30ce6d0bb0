"""API fixtures: tokens for the cast, and a client that sends one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.models import TokenScope
from api.tokens import token_create
from tickets.tests.conftest import make_ticket  # noqa: F401 - the tickets app's factory, shared


@pytest.fixture
def api_for():
    """``api_for(user, scope="write")``: an API client sending a new token of ``user`` (anonymous for None)."""

    def make(user, scope: str = TokenScope.WRITE) -> APIClient:
        client = APIClient()
        if user is not None:
            _token, secret = token_create(user=user, name="test", scope=scope)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make
