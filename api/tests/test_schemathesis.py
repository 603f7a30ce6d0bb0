"""Schemathesis against the live schema, in process (WSGI): an anonymous caller, a requester's token
and an agent's token. No 5xx; status codes, content types, headers and bodies as the schema says."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import TokenScope
from api.tokens import token_create
from helpdesk.wsgi import application

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded once at collection (an anonymous GET of the schema: no database), then one test per operation.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _wsgi_keeps_the_test_connection(db, make_ticket):
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction: Django's own test client switches that off the same way. A ticket to read."""
    make_ticket()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, requester, agent) -> dict[str, dict[str, str]]:
    found = {"anonymous": {}}
    for role, user in (("requester", requester), ("agent", agent)):
        _token, secret = token_create(user=user, name="schemathesis", scope=TokenScope.WRITE)
        found[role] = {"Authorization": f"Bearer {secret}"}
    return found


EXAMPLES = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@schema.parametrize()
@EXAMPLES
def test_api_conforms_to_its_schema_anonymous(case, tokens):
    case.call_and_validate(headers=tokens["anonymous"], checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_api_conforms_to_its_schema_requester_token(case, tokens):
    case.call_and_validate(headers=tokens["requester"], checks=CHECKS)


@schema.parametrize()
@EXAMPLES
def test_api_conforms_to_its_schema_agent_token(case, tokens):
    case.call_and_validate(headers=tokens["agent"], checks=CHECKS)
