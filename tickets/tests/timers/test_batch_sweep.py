"""The sweeps work in sets: the queries of a sweep do not grow with the number
of due tickets, the batch door writes what the single doors write, and a row
changed behind the batch's back falls back to the single doors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import OutboundEmail
from helpdesk.workdays import PARIS
from tickets import workflow as wf
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.status import TicketStatus
from tickets.sweeps import expire_due_tickets, send_due_reminders

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday


def waiting(make_ticket, count: int) -> list[Ticket]:
    with time_machine.travel(START, tick=False):
        statuses = [TicketStatus.AVS, TicketStatus.ARS]
        return [make_ticket(statuses[i % 2], title=f"Demande {i}") for i in range(count)]


def sweep_queries(function, moment: datetime) -> tuple[int, int]:
    with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
        report = function()
    return report.done, len(queries)


def test_sweep_queries_do_not_grow_with_the_due_tickets(make_ticket):
    waiting(make_ticket, 2)
    OutboundEmail.objects.all().delete()
    few = sweep_queries(send_due_reminders, START + timedelta(days=8))
    waiting(make_ticket, 12)
    many = sweep_queries(send_due_reminders, START + timedelta(days=8))
    assert (few[0], many[0]) == (2, 12)
    # The first sweep also fills the webhook check's cache (one query); the statistics' facts of the
    # batch are refreshed together (8 queries, whatever the batch's size).
    assert many[1] <= few[1] <= 24
    closed_few = sweep_queries(expire_due_tickets, START + timedelta(days=16))
    assert closed_few[0] == 14 and closed_few[1] <= 24


def test_batch_reminder_writes_what_the_door_writes(make_ticket, requester):
    tickets = waiting(make_ticket, 3)
    OutboundEmail.objects.all().delete()
    moment = START + timedelta(days=8)
    with time_machine.travel(moment, tick=False):
        [single] = [Ticket.objects.get(pk=tickets[0].pk)]
        wf.ticket_remind(ticket=single)
        batch = list(Ticket.objects.filter(pk__in=[t.pk for t in tickets[1:]]).order_by("pk"))
        outcome = wf.tickets_remind(tickets=batch)
    assert (len(outcome.events), outcome.refused) == (2, [])
    rows = {t.pk: t for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])}
    single_row = rows[tickets[0].pk]
    for ticket in batch:
        row = rows[ticket.pk]
        assert (row.reminded_at, row.last_activity_at, row.version) == (moment, moment, single_row.version)
        assert (row.expire_at, row.status) == (ticket.expire_at, ticket.status)
    assert TicketEvent.objects.filter(action=EventAction.REMIND).count() == 3
    mails = list(OutboundEmail.objects.filter(kind="reminder").order_by("ticket_reference"))
    assert [m.to for m in mails] == [[requester.email]] * 3
    # Same wording as the single door's mail (both AVS), but for the title and the reference.
    first, second = mails[0], mails[2]
    assert (
        second.body_text.replace("Demande 2", "Demande 0")
        .replace(f"#{second.ticket_reference}", f"#{first.ticket_reference}")
        .replace(f"/{second.ticket_reference}/", f"/{first.ticket_reference}/")
        == first.body_text
    )


def test_batch_expiry_closes_and_refuses_what_is_not_due(make_ticket):
    tickets = waiting(make_ticket, 2)
    with time_machine.travel(START + timedelta(days=8), tick=False):
        send_due_reminders()
    with time_machine.travel(START + timedelta(days=16), tick=False):
        fresh = make_ticket(TicketStatus.NEW)
        batch = list(Ticket.objects.filter(pk__in=[tickets[0].pk, tickets[1].pk, fresh.pk]).order_by("pk"))
        outcome = wf.tickets_expire(tickets=batch)
    assert [t.pk for t, _exc in outcome.refused] == [fresh.pk]
    statuses = dict(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("pk", "status"))
    assert sorted(statuses.values()) == [TicketStatus.ABN, TicketStatus.TER]
    assert Ticket.objects.filter(pk__in=statuses, closed_automatically=True, expire_at=None).count() == 2
    assert TicketEvent.objects.filter(action=EventAction.EXPIRE).count() == 2


def test_a_row_changed_behind_the_batch_falls_back_to_the_single_doors(make_ticket, requester):
    tickets = waiting(make_ticket, 3)
    OutboundEmail.objects.all().delete()
    with time_machine.travel(START + timedelta(days=8), tick=False):
        stale = list(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by("pk"))
        wf.ticket_remind(ticket=Ticket.objects.get(pk=tickets[1].pk))  # another beat, without a lock
        outcome = wf.tickets_remind(tickets=stale)
    assert len(outcome.events) == 2
    assert [t.pk for t, _exc in outcome.refused] == [tickets[1].pk]
    assert TicketEvent.objects.filter(action=EventAction.REMIND).count() == 3  # one per ticket, never two
    assert OutboundEmail.objects.filter(kind="reminder").count() == 3
