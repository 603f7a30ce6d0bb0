"""Every (status, action, role): allowed exactly when DESIGN.md's table says so.

The expected table below is written from DESIGN.md, independently of the
code. An allowed action moves the ticket to the expected status and records
one event by that actor; a refused one raises ``ActionRefused`` with a
message and changes nothing (status, version, events, messages).
"""

from __future__ import annotations

import inspect

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import ProviderOrganisation
from tickets import workflow as wf
from tickets.actions import ACTIONS
from tickets.models import Message, Ticket, TicketEvent
from tickets.status import CLOSED_STATES, CORE_STATES, MANUAL_ETATS, OPEN_STATES, TicketStatus

S = TicketStatus
REQUESTER_SIDE = {"requester", "colleague"}
STAFF = {"agent", "manager", "admin"}
ROLES = ["requester", "colleague", "outsider", "agent", "other_agent", "manager", "admin", "scheduler"]

CORE_OPEN, CORE_CLOSED = OPEN_STATES & CORE_STATES, CLOSED_STATES & CORE_STATES
# action -> (states it starts from, roles allowed, status afterwards (None: unchanged))
TABLE: dict[str, tuple[set[str], set[str], dict[str, str] | str | None]] = {
    "take": ({S.NEW}, STAFF, S.ECT),
    "assign": (set(CORE_OPEN), STAFF, {S.NEW: S.ECT}),
    "reject": ({S.NEW, S.ECT}, STAFF, S.REJ),
    "ask": ({S.ECT}, STAFF, S.ARS),
    "answer": ({S.ARS}, REQUESTER_SIDE, S.ECT),
    "propose": ({S.ECT}, STAFF, S.AVS),
    "approve": ({S.AVS}, REQUESTER_SIDE, S.TER),
    "refuse": ({S.AVS}, REQUESTER_SIDE, S.ECT),
    "await_decision": ({S.ECT}, STAFF, S.ATD),
    "await_development": ({S.ECT}, STAFF, S.ADV),
    "resume": ({S.ATD, S.ADV}, STAFF, S.ECT),
    "exclude": ({S.ATD}, STAFF, S.REJ),
    "withdraw": ({S.NEW, S.ECT, S.ARS}, {"requester"}, S.ABN),  # the requester alone
    "expire": ({S.ARS, S.AVS}, {"scheduler"}, {S.ARS: S.ABN, S.AVS: S.TER}),
    "add_information": (set(CORE_OPEN), REQUESTER_SIDE | STAFF, None),
    "reply": (set(CORE_OPEN), STAFF, None),
    "internal_note": (set(CORE_OPEN), STAFF, None),
    "requalify": (set(CORE_OPEN), STAFF, None),
    "follow_up": (set(CORE_CLOSED), REQUESTER_SIDE, None),
    "relaunch": ({S.ARS, S.AVS}, STAFF, None),
    # The agency's lifecycle (``test_lifecycle_matrix``) is closed to the core branches.
    **dict.fromkeys(
        [
            "change_etat",
            "hand_to_provider",
            "provider_answer",
            "send_back_to_provider",
            "take_back_from_provider",
            "validate_provider_answer",
            "start_development",
            "take_into_account",
            "start_acceptance",
            "await_documentation",
            "complete",
            "await_replacement",
        ],
        (set(), set(), None),
    ),
}


TEXT = "Un texte suffisant."


def call(action: str, ticket: Ticket, actor):
    """Through the door the action registry names, with ``text=`` when it takes typed text
    (the scheduler's ``expire`` is not a page action)."""
    if action == "expire":
        if actor is not None:  # only the scheduler can call it: it takes no actor
            raise wf.ActionForbidden("people cannot expire tickets")
        return wf.ticket_expire(ticket=ticket)
    spec = ACTIONS["requester"].get(action) or ACTIONS["service"][action]
    extra = {
        "assign": {"assignee": actor}, "requalify": {"priority": 5}, "follow_up": {"title": "Suite"},
        "hand_to_provider": {"provider": ProviderOrganisation.objects.get_or_create(name="Prestataire")[0]},
        "change_etat": {"etat": next((e for e in MANUAL_ETATS.get(ticket.status, ()) if e != ticket.etat), "INT")},
    }  # fmt: skip
    arguments = extra.get(action, {})
    if "text" in inspect.signature(spec.door).parameters:
        arguments["text"] = TEXT
    if action == "follow_up":
        arguments["description"] = TEXT
    return spec.door(ticket=ticket, actor=actor, **arguments)


def snapshot(ticket_id: int) -> tuple:
    ticket = Ticket.objects.get(pk=ticket_id)
    return (
        ticket.status,
        ticket.etat,
        ticket.provider_id,
        ticket.version,
        ticket.assignee_id,
        ticket.priority,
        TicketEvent.objects.count(),
        Message.objects.count(),
        Ticket.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(TABLE))
def test_transition_matrix_allows_exactly_the_table(
    action, make_ticket, requester, colleague, outsider, agent, other_agent, manager, admin
):
    cast = {
        "requester": requester,
        "colleague": colleague,
        "outsider": outsider,
        "agent": agent,
        "other_agent": other_agent,
        "manager": manager,
        "admin": admin,
        "scheduler": None,
    }
    tickets = {status: make_ticket(status).pk for status in sorted(CORE_STATES)}
    # Timers of the waiting states are due, so that only the table decides.
    Ticket.objects.filter(status__in=[S.ARS, S.AVS]).update(expire_at=timezone.now())
    sources, allowed_roles, targets = TABLE[action]
    mismatches = []
    for status, ticket_id in tickets.items():
        for role in ROLES:
            expected = status in sources and role in allowed_roles
            with transaction.atomic():
                before = snapshot(ticket_id)
                ticket = Ticket.objects.get(pk=ticket_id)
                try:
                    result = call(action, ticket, cast[role])
                except wf.ActionRefused as exc:
                    assert exc.message, (action, status, role)
                    if expected:
                        mismatches.append((status, role, "refused", exc.message))
                    elif snapshot(ticket_id) != before:
                        mismatches.append((status, role, "refused but changed"))
                else:
                    if not expected:
                        mismatches.append((status, role, "allowed"))
                    else:
                        target = targets.get(status, status) if isinstance(targets, dict) else (targets or status)
                        ticket.refresh_from_db()
                        if ticket.status != target:
                            mismatches.append((status, role, "went to", ticket.status))
                        event = result if isinstance(result, TicketEvent) else result.events.get()
                        if event.actor != cast[role]:
                            mismatches.append((status, role, "event actor", event.actor))
                transaction.set_rollback(True)
    assert mismatches == []


@pytest.mark.django_db
def test_expire_refused_before_the_deadline(make_ticket):
    ticket = make_ticket(S.ARS)
    assert ticket.expire_at > timezone.now()
    with pytest.raises(wf.ActionRefused):
        wf.ticket_expire(ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == S.ARS


@pytest.mark.django_db
def test_expire_marks_closed_automatically(make_ticket):
    ticket = make_ticket(S.AVS)
    Ticket.objects.filter(pk=ticket.pk).update(expire_at=timezone.now())
    ticket.refresh_from_db()
    event = wf.ticket_expire(ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_automatically, event.actor, event.to_status) == (S.TER, True, None, S.TER)
    assert ticket.closed_at is not None
    assert (ticket.remind_at, ticket.expire_at) == (None, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action", "kwargs"),
    [
        (S.NEW, "reject", {"text": "  "}),
        (S.ECT, "ask", {"text": ""}),
        (S.ECT, "propose", {"text": ""}),
        (S.AVS, "refuse", {"text": ""}),
        (S.ATD, "exclude", {"text": ""}),
        (S.NEW, "withdraw", {"text": ""}),
        (S.ARS, "answer", {"text": " "}),
    ],
)
def test_required_text_refused_when_empty(status, action, kwargs, make_ticket, agent, requester):
    ticket = make_ticket(status)
    actor = requester if action in {"refuse", "withdraw", "answer"} else agent
    before = snapshot(ticket.pk)
    with pytest.raises(wf.ActionRefused) as exc:
        getattr(wf, f"ticket_{action}")(ticket=ticket, actor=actor, **kwargs)
    assert exc.value.message
    assert snapshot(ticket.pk) == before


@pytest.mark.django_db
def test_assign_by_manager_to_colleague_and_agent_only_to_self(make_ticket, agent, manager):
    ticket = make_ticket(S.NEW)
    with pytest.raises(wf.ActionForbidden):
        wf.ticket_assign(ticket=ticket, actor=agent, assignee=manager)
    wf.ticket_assign(ticket=ticket, actor=manager, assignee=agent)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (S.ECT, agent)


@pytest.mark.django_db
def test_assign_refuses_someone_outside_the_service(make_ticket, manager, other_agent):
    ticket = make_ticket(S.NEW)
    with pytest.raises(wf.ActionRefused):
        wf.ticket_assign(ticket=ticket, actor=manager, assignee=other_agent)


@pytest.mark.django_db
def test_correspondent_action_recorded_under_their_name(make_ticket, colleague):
    ticket = make_ticket(S.ARS)
    event = wf.ticket_answer(ticket=ticket, actor=colleague, text="Version 6.2, depuis lundi.")
    assert (event.actor, event.message.author, event.from_status, event.to_status) == (
        colleague,
        colleague,
        "ARS",
        "ECT",
    )


@pytest.mark.django_db
def test_signal_sent_once_inside_the_transaction(make_ticket, agent):
    from django.db import connection

    from tickets.signals import ticket_event_recorded

    ticket = make_ticket(S.NEW)
    received = []

    def receiver(sender, event, **kwargs):
        received.append((sender, event.action, connection.in_atomic_block))

    ticket_event_recorded.connect(receiver)
    try:
        wf.ticket_take(ticket=ticket, actor=agent)
    finally:
        ticket_event_recorded.disconnect(receiver)
    assert received == [(Ticket, "take", True)]


@pytest.mark.django_db
def test_requalify_records_changes_and_moves_service(make_ticket, agent, other_category):
    ticket = make_ticket(S.ECT)
    event = wf.ticket_requalify(ticket=ticket, actor=agent, category=other_category, priority=1, text="Scolarité")
    ticket.refresh_from_db()
    assert (ticket.category, ticket.service_id, ticket.assignee, ticket.priority) == (
        other_category,
        other_category.service_id,
        None,
        1,
    )
    assert event.changes["category"] == ["Messagerie", "Inscriptions"]
    assert event.changes["priority"] == [3, 1]
    assert event.reason == "Scolarité"


@pytest.mark.django_db
def test_events_are_append_only(make_ticket):
    event = make_ticket(S.NEW).events.get()
    event.reason = "réécrit"
    with pytest.raises(ValueError, match="append-only"):
        event.save()


@pytest.mark.django_db
def test_references_are_sequential(make_ticket):
    refs = [make_ticket(S.NEW).reference for _ in range(3)]
    assert refs == [refs[0], refs[0] + 1, refs[0] + 2]
