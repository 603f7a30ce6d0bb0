"""Full requester-timer cycles in time travel: ask/propose, reminder, automatic
closure, across public holidays and closure periods (added before or after
the deadline was set)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from accounts.models import ClosurePeriod
from helpdesk.models import OutboundEmail
from helpdesk.workdays import PARIS
from tickets import workflow as wf
from tickets.models import EventAction, TicketEvent
from tickets.status import TicketStatus
from tickets.sweeps import expire_due_tickets, send_due_reminders

pytestmark = pytest.mark.django_db


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def sweep_at(moment: datetime) -> tuple[int, int, int]:
    """(reminders sent, tickets closed, deadlines postponed) by one beat at ``moment``."""
    with time_machine.travel(moment, tick=False):
        reminders = send_due_reminders()
        expiries = expire_due_tickets()
    return reminders.done, expiries.done, reminders.postponed + expiries.postponed


def test_ars_cycle_across_holidays_and_a_closure_added_after_the_deadline(make_ticket, requester):
    # Wednesday 29 April 2026; Friday 1 May is a public holiday.
    with time_machine.travel(paris(2026, 4, 29, 10, 0), tick=False):
        ticket = make_ticket(TicketStatus.ARS)
    assert ticket.remind_at == paris(2026, 5, 7, 10, 0)  # 30/4, 4, 5, 6, 7 May
    # 8 May (Fri) and Ascension (14 May) do not count.
    assert ticket.expire_at == paris(2026, 5, 18, 10, 0)  # 11, 12, 13, 15, 18 May

    assert sweep_at(paris(2026, 5, 7, 9, 59)) == (0, 0, 0)
    assert sweep_at(paris(2026, 5, 7, 10, 1)) == (1, 0, 0)
    assert sweep_at(paris(2026, 5, 7, 10, 6)) == (0, 0, 0)  # one reminder, not two
    reminder = OutboundEmail.objects.get(kind="reminder")
    assert reminder.to == [requester.email]
    assert "18 mai 2026" in reminder.body_text

    # The agency declares a closure after the deadline was set.
    ClosurePeriod.objects.create(label="Fermeture", start=date(2026, 5, 18), end=date(2026, 5, 22))
    assert sweep_at(paris(2026, 5, 18, 10, 1)) == (0, 0, 1)
    ticket.refresh_from_db()
    # Whit Monday (25 May) is a holiday: the first working day after the closure is the 26th.
    assert (ticket.status, ticket.expire_at) == (TicketStatus.ARS, paris(2026, 5, 26, 10, 0))
    assert sweep_at(paris(2026, 5, 22, 16, 0)) == (0, 0, 0)

    assert sweep_at(paris(2026, 5, 26, 10, 1)) == (0, 1, 0)
    assert sweep_at(paris(2026, 5, 26, 10, 6)) == (0, 0, 0)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_automatically) == (TicketStatus.ABN, True)
    assert ticket.closed_at == paris(2026, 5, 26, 10, 1)
    assert (ticket.remind_at, ticket.expire_at) == (None, None)
    [event] = TicketEvent.objects.filter(ticket=ticket, action=EventAction.EXPIRE)
    assert (event.actor, event.from_status, event.to_status) == (None, TicketStatus.ARS, TicketStatus.ABN)
    closure = OutboundEmail.objects.get(kind="abandoned_automatically")
    assert closure.to == [requester.email]
    assert "close automatiquement" in closure.body_text


def test_avs_cycle_in_alsace_moselle_across_easter_and_a_closure(make_ticket, requester, institution):
    institution.holiday_region = "57"  # Good Friday is a holiday there
    institution.save()
    ClosurePeriod.objects.create(
        label="Vacances de printemps", institution=institution, start=date(2026, 4, 13), end=date(2026, 4, 17)
    )
    with time_machine.travel(paris(2026, 4, 1, 14, 0), tick=False):
        ticket = make_ticket(TicketStatus.AVS)
    # 2 April, then Good Friday (3) and Easter Monday (6) skipped: 7, 8, 9, 10.
    assert ticket.remind_at == paris(2026, 4, 10, 14, 0)
    # The closure 13-17 April does not count: 20, 21, 22, 23, 24.
    assert ticket.expire_at == paris(2026, 4, 24, 14, 0)

    assert sweep_at(paris(2026, 4, 10, 14, 1)) == (1, 0, 0)
    assert sweep_at(paris(2026, 4, 24, 13, 59)) == (0, 0, 0)
    assert sweep_at(paris(2026, 4, 24, 14, 1)) == (0, 1, 0)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_automatically) == (TicketStatus.TER, True)
    assert OutboundEmail.objects.get(kind="closed_automatically").to == [requester.email]
    # Closed automatically, not validated: no approval event, nothing to capitalise.
    assert not TicketEvent.objects.filter(ticket=ticket, action=EventAction.APPROVE).exists()


def test_no_timer_fires_during_a_closure_period_even_when_overdue(make_ticket):
    with time_machine.travel(paris(2026, 7, 1, 9, 0), tick=False):
        ticket = make_ticket(TicketStatus.AVS)  # reminder 8 July, closure 15 July
    ClosurePeriod.objects.create(label="Été", start=date(2026, 7, 27), end=date(2026, 8, 21))
    # The beat was down: the first sweep happens inside the closure.
    assert sweep_at(paris(2026, 8, 3, 8, 0)) == (0, 0, 1)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.reminded_at) == (TicketStatus.AVS, None)
    assert ticket.remind_at == paris(2026, 8, 24, 8, 0)  # the Monday after the closure
    # The late reminder gives the requester the full delay again before the closure.
    assert sweep_at(paris(2026, 8, 24, 8, 1)) == (1, 0, 0)
    ticket.refresh_from_db()
    assert ticket.expire_at == paris(2026, 8, 31, 8, 1)
    assert sweep_at(paris(2026, 8, 31, 8, 2)) == (0, 1, 0)


def test_answer_in_time_stops_the_timers(make_ticket, requester):
    with time_machine.travel(paris(2026, 3, 2, 9, 0), tick=False):
        ticket = make_ticket(TicketStatus.ARS)
        wf.ticket_answer(ticket=ticket, actor=requester, text="Voici.")
    assert sweep_at(paris(2026, 4, 30, 9, 0)) == (0, 0, 0)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.remind_at, ticket.expire_at) == (TicketStatus.ECT, None, None)


def test_expiry_waits_for_the_reminder(make_ticket):
    with time_machine.travel(paris(2026, 3, 2, 9, 0), tick=False):
        ticket = make_ticket(TicketStatus.ARS)
    with time_machine.travel(paris(2026, 4, 30, 9, 0), tick=False):
        assert expire_due_tickets().done == 0  # never closed without a reminder
        assert send_due_reminders().done == 1
        assert expire_due_tickets().done == 0  # and the reminder gives the full delay
    ticket.refresh_from_db()
    assert ticket.expire_at == paris(2026, 5, 11, 9, 0)  # 4, 5, 6, 7 and 11 May (1 and 8 May are holidays)
    assert sweep_at(paris(2026, 5, 11, 9, 1)) == (0, 1, 0)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ABN


def test_category_without_reminder_closes_after_its_delay(make_ticket, category):
    category.reminder_delay, category.closure_delay = 0, 3
    category.save()
    with time_machine.travel(paris(2026, 3, 2, 9, 0), tick=False):  # Monday
        ticket = make_ticket(TicketStatus.AVS)
    assert (ticket.remind_at, ticket.expire_at) == (None, paris(2026, 3, 5, 9, 0))
    assert sweep_at(paris(2026, 3, 5, 9, 1)) == (0, 1, 0)
    assert not OutboundEmail.objects.filter(kind="reminder").exists()
