"""Every workflow action through the API, on the transition × role table of the pages
(``tickets/tests/test_transition_matrix.py``'s TABLE, written from DESIGN.md), plus If-Match."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from api.models import TokenScope
from tickets.models import Ticket
from tickets.status import TicketStatus
from tickets.tests.test_transition_matrix import ROLES, TABLE, TEXT, snapshot

S = TicketStatus
PAGE_ACTIONS = [action for action in TABLE if action != "expire"]  # the scheduler's, not a page's


def body(action: str, actor, agent) -> dict:
    # The assign form offers a manager (or an administrator) the service's members, an agent themselves.
    extra = {
        "assign": {"assignee": agent.pk if actor.is_staff or actor.managed_service_ids else actor.pk},
        "requalify": {"priority": 5, "reason": TEXT},
        "follow_up": {"title": "Suite", "description": TEXT},
    }
    return extra.get(action, {"text": TEXT})


@pytest.mark.django_db
@pytest.mark.parametrize("action", PAGE_ACTIONS)
def test_api_actions_follow_the_transition_matrix(
    action, api_for, make_ticket, requester, colleague, outsider, agent, other_agent, manager, admin
):
    cast = {"requester": requester, "colleague": colleague, "outsider": outsider, "agent": agent,
            "other_agent": other_agent, "manager": manager, "admin": admin}  # fmt: skip
    clients = {role: api_for(user) for role, user in cast.items()}
    tickets = {status: make_ticket(status) for status in S.values}
    Ticket.objects.filter(status__in=[S.ARS, S.AVS]).update(expire_at=timezone.now())
    sources, allowed_roles, targets = TABLE[action]
    mismatches = []
    for status, ticket in tickets.items():
        for role in ROLES:
            if role == "scheduler":
                continue
            expected = status in sources and role in allowed_roles
            sees = Ticket.objects.visible_to(cast[role]).filter(pk=ticket.pk).exists()
            with transaction.atomic():
                before = snapshot(ticket.pk)
                url = f"/api/v1/tickets/{ticket.reference}/actions/{action}/"
                response = clients[role].post(
                    url, body(action, cast[role], agent), format="json", HTTP_IF_MATCH=f'"{before[1]}"'
                )
                code = response.status_code
                if expected:
                    target = targets.get(status, status) if isinstance(targets, dict) else (targets or status)
                    new_status = Ticket.objects.get(pk=ticket.pk).status
                    if code not in (200, 201) or new_status != target:
                        mismatches.append((status, role, code, new_status, response.content[:200]))
                    elif code == 200 and response["ETag"] != f'"{before[1] + 1}"':
                        mismatches.append((status, role, "etag", response["ETag"]))
                else:
                    wanted = {404} if not sees else {403, 409}
                    if code not in wanted or snapshot(ticket.pk) != before:
                        mismatches.append((status, role, "refused with", code))
                    elif response["Content-Type"] != "application/problem+json":
                        mismatches.append((status, role, "content type", response["Content-Type"]))
                transaction.set_rollback(True)
    assert mismatches == []


@pytest.mark.django_db
def test_stale_if_match_is_412_and_changes_nothing(api_for, make_ticket, agent):
    ticket = make_ticket(S.NEW)
    client = api_for(agent)
    url = f"/api/v1/tickets/{ticket.reference}/actions/take/"
    stale = client.post(url, {}, format="json", HTTP_IF_MATCH=f'"{ticket.version - 1 or 99}"')
    assert (stale.status_code, stale.json()["current_version"], snapshot(ticket.pk)[:2]) == (
        412,
        ticket.version,
        (S.NEW, ticket.version),
    )
    fresh = client.post(
        url, {}, format="json", HTTP_IF_MATCH=client.get(f"/api/v1/tickets/{ticket.reference}/")["ETag"]
    )
    assert (fresh.status_code, fresh.json()["status"]) == (200, S.ECT)


@pytest.mark.django_db
def test_action_without_if_match_acts_on_the_current_version(api_for, make_ticket, agent):
    ticket = make_ticket(S.NEW)
    assert (
        api_for(agent).post(f"/api/v1/tickets/{ticket.reference}/actions/take/", {}, format="json").status_code == 200
    )


@pytest.mark.django_db
def test_read_only_token_cannot_act_or_write(api_for, make_ticket, agent, requester):
    ticket = make_ticket(S.NEW)
    client = api_for(agent, scope=TokenScope.READ)
    assert client.get(f"/api/v1/tickets/{ticket.reference}/").status_code == 200
    response = client.post(f"/api/v1/tickets/{ticket.reference}/actions/take/", {}, format="json")
    assert (response.status_code, response["Content-Type"]) == (403, "application/problem+json")
    message = client.post(f"/api/v1/tickets/{ticket.reference}/messages/", {"text": TEXT}, format="json")
    assert message.status_code == 403
    assert snapshot(ticket.pk)[:2] == (S.NEW, ticket.version)


@pytest.mark.django_db
def test_unknown_action_is_404(api_for, make_ticket, agent):
    ticket = make_ticket(S.NEW)
    assert api_for(agent).post(f"/api/v1/tickets/{ticket.reference}/actions/expire/", {}).status_code == 404


@pytest.mark.django_db
def test_errors_speak_the_callers_language(api_for, make_ticket, requester):
    ticket = make_ticket(S.NEW)
    client = api_for(requester)
    url = f"/api/v1/tickets/{ticket.reference}/actions/approve/"
    french = client.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="fr").json()
    english = client.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (french["status"], french["title"]) == (409, "Action refusée par le circuit de traitement")
    assert english["detail"] == "This action is not possible on a request with status “New”."
    assert french["detail"] == "Cette action n'est pas possible sur une demande « Nouvelle »."
