"""The agency's lifecycle actions through the agent page: offered in their state, POST only, one event each."""

from __future__ import annotations

import pytest

from tickets.status import Etat, TicketStatus
from tickets.tests.agent.test_agent_ticket_page import url
from tickets.tests.conftest import bring_to_etat

S = TicketStatus
# (action, starting status, état, POST data, expected status, expected event action)
CASES = [
    ("change_etat", S.ECT, Etat.INT, {"etat": "EXP"}, S.ECT, "change_etat"),
    ("hand_to_provider", S.ECT, Etat.INT, {"text": "Merci d'analyser.", "provider": "org"}, S.ECT,
     "hand_to_provider"),
    ("send_back_to_provider", S.ECT, Etat.AVA, {"text": "Précisez la version."}, S.ECT, "send_back"),
    ("take_back_from_provider", S.ECT, Etat.EXT, {"text": ""}, S.ECT, "take_back"),
    ("validate_provider_answer", S.ECT, Etat.AVA, {"text": "Appliquez le correctif."}, S.AVS, "validate_provider"),
    ("start_development", S.ADV, "", {"text": ""}, S.DEV, "start_development"),
    ("take_into_account", S.DEV, Etat.INI, {"text": "En qualification."}, S.PEC, "take_into_account"),
    ("start_acceptance", S.PEC, "", {"text": ""}, S.CTR, "start_acceptance"),
    ("await_documentation", S.PEC, "", {"text": ""}, S.TND, "await_documentation"),
    ("complete", S.TND, "", {"text": "Documentation à jour."}, S.TER, "complete"),
    ("await_replacement", S.ECT, Etat.INT, {"text": ""}, S.REM, "await_replacement"),
    ("relaunch", S.ARS, "", {"text": "Absent jusqu'au 15."}, S.ARS, "relaunch"),
]  # fmt: skip
LIFECYCLE_ACTIONS = [case[0] for case in CASES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "start", "etat", "data", "end", "event_action"), CASES)
def test_lifecycle_action_through_the_page(
    name, start, etat, data, end, event_action, make_ticket, agency_lifecycle, agent, provider_member, client_for
):
    ticket = make_ticket(start)
    if etat and etat != ticket.etat:
        ticket = bring_to_etat(ticket, etat, agent=agent, provider_member=provider_member)
    client = client_for(agent)
    assert client.get(url(name, ticket)).status_code == 405
    page = client.get(url("ticket", ticket)).content.decode()
    assert url(name, ticket) in page  # offered in this state
    if data.get("provider") == "org":
        data = {**data, "provider": provider_member.provider_organisations.get().pk}
    response = client.post(url(name, ticket), {"version": ticket.version, **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket.refresh_from_db()
    assert ticket.status == end
    event = ticket.events.last()
    assert (event.action, event.actor) == (event_action, agent)


@pytest.mark.django_db
def test_lifecycle_actions_never_offered_on_a_core_branch(make_ticket, agent, client_for):
    for status in (S.ECT, S.ADV, S.ATD):
        ticket = make_ticket(status)
        page = client_for(agent).get(url("ticket", ticket)).content.decode()
        for name in LIFECYCLE_ACTIONS:
            if name != "relaunch":
                assert url(name, ticket) not in page, (status, name)
