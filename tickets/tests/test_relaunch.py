"""An agent's manual relaunch (seed 002): the correspondent said they would be away, so the
requester timer starts again from today instead of closing the DA."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from helpdesk.models import OutboundEmail
from tickets import workflow as wf
from tickets.models import EventAction, Ticket
from tickets.status import TicketStatus

pytestmark = pytest.mark.django_db


def test_relaunch_rearms_the_timer_and_reminds_the_requester(make_ticket, agent, time_machine):
    ticket = make_ticket(TicketStatus.ARS)
    first_expiry = ticket.expire_at
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8))
    Ticket.objects.filter(pk=ticket.pk).update(reminded_at=timezone.now())
    ticket.refresh_from_db()
    event = wf.ticket_relaunch(ticket=ticket, actor=agent, text="Absent jusqu'au 15, prévenu par téléphone.")
    ticket.refresh_from_db()
    assert event.action == EventAction.RELAUNCH
    assert event.reason == "Absent jusqu'au 15, prévenu par téléphone."
    assert ticket.status == TicketStatus.ARS
    assert ticket.reminded_at is None
    assert ticket.expire_at > first_expiry
    assert ticket.remind_at > timezone.now()
    assert OutboundEmail.objects.filter(kind="reminder", ticket_reference=ticket.reference).count() == 1


def test_relaunch_refused_outside_the_waiting_states_and_to_others(make_ticket, agent, other_agent, requester):
    with pytest.raises(wf.ActionRefused):
        wf.ticket_relaunch(ticket=make_ticket(TicketStatus.ECT), actor=agent)
    waiting = make_ticket(TicketStatus.AVS)
    for person in (other_agent, requester):
        with pytest.raises(wf.ActionForbidden):
            wf.ticket_relaunch(ticket=waiting, actor=person)
