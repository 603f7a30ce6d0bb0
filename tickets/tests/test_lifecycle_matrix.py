"""The agency's full lifecycle (seed 002): the FSM graph, the statuses each branch uses, and
every (status/état, action, role) on an agency branch, provider included.

The expected tables are written from seed 002's status table and DESIGN.md, independently
of the code; ``test_transition_matrix`` does the same for the core branches.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.db import transaction
from django_fsm import has_transition_perm

from catalogue.models import Lifecycle
from tickets import workflow as wf
from tickets.actions import ACTIONS, available_actions
from tickets.models import Ticket, TicketEvent
from tickets.status import CORE_STATES, STATUSES_BY_LIFECYCLE, Etat, TicketStatus, entering_etat
from tickets.tests.conftest import bring_to_etat
from tickets.tests.test_transition_matrix import call, snapshot

S, E = TicketStatus, Etat
REQUESTER_SIDE = {"requester", "colleague"}
STAFF = {"agent", "manager", "admin"}
ROLES = ["requester", "colleague", "outsider", "agent", "other_agent", "manager", "admin", "scheduler", "provider",
         "other_provider"]  # fmt: skip

ECT_ALL = {(S.ECT, E.INT), (S.ECT, E.EXP), (S.ECT, E.EXT), (S.ECT, E.AVA)}
DEV_ALL = {(S.DEV, E.INI), (S.DEV, E.EC), (S.DEV, E.SUS), (S.DEV, E.CLO)}
CTR_ALL = {(S.CTR, E.EC), (S.CTR, E.CLO)}
STATES = sorted(
    {(S.NEW, ""), *ECT_ALL, (S.ARS, ""), (S.AVS, ""), (S.ATD, ""), (S.ADV, ""), *DEV_ALL, (S.PEC, ""), *CTR_ALL,
     (S.TND, ""), (S.REM, ""), (S.TER, ""), (S.REJ, ""), (S.EXC, ""), (S.ABN, "")}
)  # fmt: skip
CLOSED = {(S.TER, ""), (S.REJ, ""), (S.EXC, ""), (S.ABN, "")}
OPEN = set(STATES) - CLOSED
INT = (S.ECT, E.INT)
CYCLE = {(S.ATD, ""), (S.ADV, ""), *DEV_ALL, (S.PEC, ""), *CTR_ALL, (S.TND, ""), (S.REM, "")}
PAST = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)

# action -> (states it starts from, roles allowed, state afterwards: one, per source, or None for unchanged)
TABLE = {
    "take": ({(S.NEW, "")}, STAFF, INT),
    "assign": (OPEN, STAFF, {(S.NEW, ""): INT}),
    "reject": ({(S.NEW, ""), *ECT_ALL}, STAFF, (S.REJ, "")),
    "ask": (ECT_ALL, STAFF, (S.ARS, "")),
    "answer": ({(S.ARS, "")}, REQUESTER_SIDE, INT),
    "propose": (ECT_ALL, STAFF, (S.AVS, "")),
    "approve": ({(S.AVS, "")}, REQUESTER_SIDE, (S.TER, "")),
    "refuse": ({(S.AVS, "")}, REQUESTER_SIDE, INT),
    "await_decision": (ECT_ALL, STAFF, (S.ATD, "")),
    "await_development": (ECT_ALL, STAFF, (S.ADV, "")),
    "resume": ({(S.ATD, ""), (S.ADV, ""), (S.REM, "")}, STAFF, INT),
    # EXC, not REJ, on the agency's branches ("Exclu / Rejeté"), from the decision and the whole cycle.
    "exclude": (CYCLE, STAFF, (S.EXC, "")),
    "withdraw": ({(S.NEW, ""), *ECT_ALL, (S.ARS, "")}, {"requester"}, (S.ABN, "")),
    "expire": ({(S.ARS, ""), (S.AVS, "")}, {"scheduler"}, {(S.ARS, ""): (S.ABN, ""), (S.AVS, ""): (S.TER, "")}),
    "add_information": (OPEN, REQUESTER_SIDE | STAFF, None),
    "reply": (OPEN, STAFF, None),
    "internal_note": (OPEN, STAFF, None),
    "requalify": (OPEN, STAFF, None),
    "follow_up": (CLOSED, REQUESTER_SIDE, None),
    "relaunch": ({(S.ARS, ""), (S.AVS, "")}, STAFF, None),
    # États set by the agency (the provider's EXT and AVA have their own doors).
    "change_etat": ({(S.ECT, E.INT), (S.ECT, E.EXP), *DEV_ALL, *CTR_ALL}, STAFF, "etat"),
    # The provider tier: ECT/INT → EXT → AVA → AVS (or back to EXT, or taken back to INT).
    "hand_to_provider": ({(S.ECT, E.INT), (S.ECT, E.EXP)}, STAFF, (S.ECT, E.EXT)),
    "provider_answer": ({(S.ECT, E.EXT)}, {"provider"}, (S.ECT, E.AVA)),
    "send_back_to_provider": ({(S.ECT, E.AVA)}, STAFF, (S.ECT, E.EXT)),
    "take_back_from_provider": ({(S.ECT, E.EXT), (S.ECT, E.AVA)}, STAFF, INT),
    "validate_provider_answer": ({(S.ECT, E.AVA)}, STAFF, (S.AVS, "")),
    # Development and acceptance: ADV → DEV → PEC → CTR / TND → TER; REM.
    "start_development": ({(S.ADV, "")}, STAFF, (S.DEV, E.INI)),
    "take_into_account": (DEV_ALL, STAFF, (S.PEC, "")),
    "start_acceptance": ({(S.PEC, "")}, STAFF, (S.CTR, E.EC)),
    "await_documentation": ({(S.PEC, ""), *CTR_ALL}, STAFF, (S.TND, "")),
    "complete": ({*CTR_ALL, (S.TND, "")}, STAFF, (S.TER, "")),
    "await_replacement": ({*ECT_ALL, (S.ATD, ""), (S.ADV, "")}, STAFF, (S.REM, "")),
}


@pytest.fixture
def agency_states(request, agency_lifecycle, make_ticket, agent, provider_member):
    """One ticket per (status, état) of the agency's branch, brought there through the doors."""
    tickets = {}
    for status, etat in STATES:
        ticket = make_ticket(status)
        if etat:
            ticket = bring_to_etat(ticket, etat, agent=agent, provider_member=provider_member)
        assert (ticket.status, ticket.etat) == (status, etat)
        tickets[(status, etat)] = ticket.pk
    Ticket.objects.filter(status__in=[S.ARS, S.AVS]).update(expire_at=PAST)
    return tickets


def test_every_action_of_the_registry_is_in_the_table():
    names = {*ACTIONS["requester"], *ACTIONS["service"], "expire"} - {"duplicate", "add_watcher"}
    assert names == set(TABLE)


@pytest.mark.django_db
# Four groups of actions: building the 22 tickets is the slow part, once per group.
@pytest.mark.parametrize("actions", [list(TABLE)[i::4] for i in range(4)], ids=["a", "b", "c", "d"])
def test_agency_lifecycle_matrix_allows_exactly_the_table(actions, request, agency_states, other_provider_member):
    people = [role for role in ROLES if role not in {"scheduler", "provider", "other_provider"}]
    cast = {role: request.getfixturevalue(role) for role in people}
    cast |= {"scheduler": None, "provider": request.getfixturevalue("provider_member")}
    cast["other_provider"] = other_provider_member
    mismatches = []
    for action, state, ticket_id in ((a, s, t) for a in actions for s, t in agency_states.items()):
        sources, allowed_roles, targets = TABLE[action]
        for role in ROLES:
            expected = state in sources and role in allowed_roles
            with transaction.atomic():
                before = snapshot(ticket_id)
                ticket = Ticket.objects.get(pk=ticket_id)
                try:
                    result = call(action, ticket, cast[role])
                except wf.ActionRefused as exc:
                    assert exc.message, (action, state, role)
                    if expected:
                        mismatches.append((action, state, role, "refused", exc.message))
                    elif snapshot(ticket_id) != before:
                        mismatches.append((action, state, role, "refused but changed"))
                else:
                    ticket.refresh_from_db()
                    after = (ticket.status, ticket.etat)
                    if not expected:
                        mismatches.append((action, state, role, "allowed"))
                    elif targets == "etat":
                        if after[0] != state[0] or after[1] == state[1]:
                            mismatches.append((action, state, role, "went to", after))
                    else:
                        target = targets.get(state, state) if isinstance(targets, dict) else (targets or state)
                        if after != target:
                            mismatches.append((action, state, role, "went to", after))
                    event = result if isinstance(result, TicketEvent) else result.events.get()
                    recorded = (event.actor, event.from_etat, event.to_etat)
                    if not isinstance(result, Ticket) and recorded != (cast[role], state[1], after[1]):
                        mismatches.append((action, state, role, "event", event.actor, event.from_etat, event.to_etat))
                transaction.set_rollback(True)
    assert mismatches == []


@pytest.mark.django_db
def test_pages_offer_exactly_what_the_workflow_allows_to_the_provider(agency_states, provider_member, agent):
    """The provider sees the DAs handed to it, and may answer on ECT/EXT only; the agent's page never offers it."""
    visible = set(Ticket.objects.visible_to(provider_member).values_list("pk", flat=True))
    assert visible == {agency_states[(S.ECT, E.EXT)], agency_states[(S.ECT, E.AVA)]}
    offered = {}
    for state, ticket_id in agency_states.items():
        ticket = Ticket.objects.get(pk=ticket_id)
        if ticket_id in visible:
            offered[state] = [spec.name for spec in available_actions(ticket, provider_member, "requester")]
        assert "provider_answer" not in [spec.name for spec in available_actions(ticket, agent, "requester")]
    assert offered == {(S.ECT, E.EXT): ["provider_answer"], (S.ECT, E.AVA): []}


# --- The graph itself -------------------------------------------------------------------------

EDGES = {
    ("take", S.NEW, S.ECT), ("assign", S.NEW, S.ECT), ("reject", S.NEW, S.REJ), ("reject", S.ECT, S.REJ),
    ("ask", S.ECT, S.ARS), ("answer", S.ARS, S.ECT), ("propose", S.ECT, S.AVS), ("approve", S.AVS, S.TER),
    ("refuse", S.AVS, S.ECT), ("await_decision", S.ECT, S.ATD), ("await_development", S.ECT, S.ADV),
    ("resume", S.ATD, S.ECT), ("resume", S.ADV, S.ECT), ("resume", S.REM, S.ECT), ("exclude", S.ATD, S.REJ),
    ("withdraw", S.NEW, S.ABN), ("withdraw", S.ECT, S.ABN), ("withdraw", S.ARS, S.ABN),
    ("expire_unanswered", S.ARS, S.ABN), ("expire_unvalidated", S.AVS, S.TER),
    *{("mark_duplicate", s, S.REJ) for s in (S.NEW, S.ECT, S.ARS, S.AVS, S.ATD, S.ADV)},
    ("start_development", S.ADV, S.DEV), ("take_into_account", S.DEV, S.PEC), ("start_acceptance", S.PEC, S.CTR),
    ("await_documentation", S.PEC, S.TND), ("await_documentation", S.CTR, S.TND),
    ("complete", S.CTR, S.TER), ("complete", S.TND, S.TER),
    ("await_replacement", S.ECT, S.REM), ("await_replacement", S.ATD, S.REM), ("await_replacement", S.ADV, S.REM),
    *{("exclude_from_cycle", s, S.EXC) for s in (S.ATD, S.ADV, S.DEV, S.PEC, S.CTR, S.TND, S.REM)},
    ("change_etat", S.ECT, None), ("change_etat", S.DEV, None), ("change_etat", S.CTR, None),
    ("hand_to_provider", S.ECT, S.ECT), ("provider_answer", S.ECT, S.ECT), ("send_back_to_provider", S.ECT, S.ECT),
    ("take_back_from_provider", S.ECT, S.ECT), ("validate_provider_answer", S.ECT, S.AVS),
}  # fmt: skip


def graph():
    return list(Ticket._meta.get_field("status").get_all_transitions(Ticket))


def test_fsm_graph_has_exactly_the_lifecycle_edges():
    assert {(t.name, t.source, t.target) for t in graph()} == EDGES


def reachable(lifecycle: str) -> set[str]:
    """Statuses reached from NEW on a branch of ``lifecycle``, following the transitions whose
    conditions some état (and a due timer, a provider) lets pass there."""
    category = SimpleNamespace(lifecycle_in_force=lifecycle)
    seen, todo = {S.NEW}, [S.NEW]
    while todo:
        status = todo.pop()
        for t in graph():
            if t.source != status or t.target is None or t.target in seen:
                continue
            for etat in ["", *E.values]:
                stub = SimpleNamespace(category=category, etat=etat, provider_id=1, expire_at=PAST)
                stub.is_due_for_expiry = lambda stub=stub: True
                if all(condition(stub) for condition in t.conditions):
                    seen.add(t.target)
                    todo.append(t.target)
                    break
    return seen


def test_each_branch_reaches_exactly_its_statuses():
    assert reachable(Lifecycle.CORE) == set(CORE_STATES) == STATUSES_BY_LIFECYCLE[Lifecycle.CORE]
    assert len(CORE_STATES) == 9
    assert reachable(Lifecycle.AGENCY) == set(S.values) == STATUSES_BY_LIFECYCLE[Lifecycle.AGENCY]


def test_etats_exist_on_the_agency_branches_only():
    assert entering_etat(S.ECT, Lifecycle.CORE) == ""
    assert entering_etat(S.ECT, Lifecycle.AGENCY) == E.INT
    assert entering_etat(S.ECT, Lifecycle.AGENCY, handed_to_provider=True) == E.EXT
    assert entering_etat(S.DEV, Lifecycle.AGENCY) == E.INI
    assert entering_etat(S.CTR, Lifecycle.AGENCY) == E.EC
    assert entering_etat(S.PEC, Lifecycle.AGENCY) == ""


def test_permissions_of_the_provider_transitions(make_ticket, agency_lifecycle, agent, provider_member, requester):
    ticket = bring_to_etat(make_ticket(S.ECT), E.EXT, agent=agent, provider_member=provider_member)
    assert has_transition_perm(ticket.provider_answer, provider_member)
    assert not has_transition_perm(ticket.provider_answer, agent)
    assert not has_transition_perm(ticket.provider_answer, requester)
    assert not has_transition_perm(ticket.take_back_from_provider, provider_member)
    assert has_transition_perm(ticket.take_back_from_provider, agent)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.DEV, S.PEC, S.CTR, S.TND, S.REM, S.ARS, S.AVS])
def test_requester_timers_run_on_ars_and_avs_only(status, make_ticket, agency_lifecycle):
    """Seed 002: 5 + 5 working days to answer (ARS) or validate (AVS); the cycle waits on the agency."""
    ticket = make_ticket(status)
    has_timer = (ticket.remind_at is not None, ticket.expire_at is not None)
    assert has_timer == ((True, True) if status in (S.ARS, S.AVS) else (False, False))
