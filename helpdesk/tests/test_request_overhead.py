"""What every logged-in page costs before its own work: the user row, nothing more."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import ServiceMembership, ServiceRole

BARE_PAGE = "/bench/page/"


def queries_of(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["requester", "agent", "manager", "admin"])
def test_bare_logged_in_page_costs_one_query(who, request, client_for):
    client = client_for(request.getfixturevalue(who))
    client.get(BARE_PAGE)  # the first page fills the navigation cache
    count, _response = queries_of(client, BARE_PAGE)
    assert count == 1  # the user; the session and the navigation come from the cache


@pytest.mark.django_db
def test_bare_page_needs_login(client):
    response = client.get(BARE_PAGE)
    assert response.status_code == 302


@pytest.mark.django_db
def test_navigation_follows_service_membership_changes(agent, service, client_for):
    client = client_for(agent)
    assert client.get(BARE_PAGE).context["nav_is_agent"] is True
    ServiceMembership.objects.filter(user=agent).get().delete()
    _count, response = queries_of(client, BARE_PAGE)
    assert (response.context["nav_is_agent"], response.context["nav_is_manager"]) == (False, False)
    ServiceMembership.objects.create(user=agent, service=service, role=ServiceRole.MANAGER)
    _count, response = queries_of(client, BARE_PAGE)
    assert (response.context["nav_is_agent"], response.context["nav_is_manager"]) == (True, True)
