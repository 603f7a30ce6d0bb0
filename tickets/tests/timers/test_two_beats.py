"""Two beats at once: one reminder and one closure per ticket, never two.

On PostgreSQL two threads (two connections) run the same sweep together;
the due rows are selected through the partial indexes. Everywhere, a sweep
holding a stale copy of a ticket is refused by the workflow's conditional
save.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction

from helpdesk.models import OutboundEmail
from helpdesk.workdays import PARIS
from tickets import workflow as wf
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.status import TicketStatus
from tickets.sweeps import due_for_expiry, due_for_reminder, expire_due_tickets, send_due_reminders

START = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)  # a Monday


def make_waiting(make_ticket, count: int) -> list[Ticket]:
    with time_machine.travel(START, tick=False):
        return [
            make_ticket(TicketStatus.ARS if i % 2 else TicketStatus.AVS, title=f"Demande {i}") for i in range(count)
        ]


def run_together(function, times: int = 2) -> list:
    barrier = threading.Barrier(times)
    results: list = [None] * times

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = function(batch_size=3)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_one_reminder_and_close_once(make_ticket):
    tickets = make_waiting(make_ticket, 12)
    OutboundEmail.objects.all().delete()
    with time_machine.travel(START + timedelta(days=8)):  # reminders due (5 working days)
        results = run_together(send_due_reminders)
    assert [type(r).__name__ for r in results] == ["TimerReport", "TimerReport"], results
    assert sum(r.done for r in results) == 12
    assert TicketEvent.objects.filter(action=EventAction.REMIND).count() == 12
    assert OutboundEmail.objects.filter(kind="reminder").count() == 12

    with time_machine.travel(START + timedelta(days=16)):  # closures due (5 more working days)
        results = run_together(expire_due_tickets)
    assert sum(r.done for r in results) == 12, results
    assert TicketEvent.objects.filter(action=EventAction.EXPIRE).count() == 12
    assert OutboundEmail.objects.filter(kind__in=["closed_automatically", "abandoned_automatically"]).count() == 12
    statuses = sorted(Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("status", flat=True))
    assert statuses == [TicketStatus.ABN] * 6 + [TicketStatus.TER] * 6


@pytest.mark.postgres
@pytest.mark.django_db
def test_due_rows_are_read_through_the_partial_indexes(make_ticket):
    make_waiting(make_ticket, 2)
    now = START + timedelta(days=30)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        assert "tickets_remind_due" in due_for_reminder(now).explain()
        assert "tickets_expire_due" in due_for_expiry(now).explain()


@pytest.mark.django_db
def test_a_beat_holding_a_stale_copy_cannot_remind_or_close_again(make_ticket):
    [ticket] = make_waiting(make_ticket, 1)
    with time_machine.travel(START + timedelta(days=8)):
        first, second = Ticket.objects.get(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk)
        wf.ticket_remind(ticket=first)
        with pytest.raises(wf.ActionRefused):
            wf.ticket_remind(ticket=second)
    with time_machine.travel(START + timedelta(days=16)):
        first, second = Ticket.objects.get(pk=ticket.pk), Ticket.objects.get(pk=ticket.pk)
        wf.ticket_expire(ticket=first)
        with pytest.raises(wf.ActionRefused):
            wf.ticket_expire(ticket=second)
    assert TicketEvent.objects.filter(ticket=ticket, action=EventAction.REMIND).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, action=EventAction.EXPIRE).count() == 1
    assert OutboundEmail.objects.filter(kind="reminder").count() == 1
