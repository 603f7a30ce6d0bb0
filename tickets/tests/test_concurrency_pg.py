"""Two sessions act on the same ticket at once, on real PostgreSQL connections.

Each thread has its own database connection (Django gives one per thread);
a barrier makes both load the ticket before either writes, so both pass the
version check in memory and race on the UPDATE … WHERE version = n. The loser
blocks on the row lock, then matches no row and gets ``StaleTicket``.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tickets import workflow as wf
from tickets.models import Message, Ticket, TicketEvent
from tickets.status import TicketStatus


def run_race(ticket_id: int, *actions) -> list:
    """Run each ``action(ticket)`` in its own thread and connection, all starting together."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action, ticket_id):
        try:
            ticket = Ticket.objects.get(pk=ticket_id)
            barrier.wait(timeout=10)
            results[index] = action(ticket)
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a, ticket_id)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approve_and_refuse_at_once_one_wins(make_ticket, requester, colleague):
    ticket = make_ticket(TicketStatus.AVS)
    version = ticket.version
    events_before = TicketEvent.objects.count()
    messages_before = Message.objects.count()
    results = run_race(
        ticket.pk,
        lambda t: wf.ticket_approve(ticket=t, actor=requester, expected_version=version),
        lambda t: wf.ticket_refuse(ticket=t, actor=colleague, text="Toujours en panne.", expected_version=version),
    )
    winners = [r for r in results if isinstance(r, TicketEvent)]
    losers = [r for r in results if isinstance(r, wf.StaleTicket)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].message == "Cette demande a été modifiée entre-temps, veuillez recharger la page."
    ticket.refresh_from_db()
    # No lost update: the ticket is exactly what the winner made of it.
    assert ticket.status == winners[0].to_status
    assert ticket.version == version + 1
    assert TicketEvent.objects.count() == events_before + 1
    expected_messages = messages_before + (1 if winners[0].action == "refuse" else 0)
    assert Message.objects.count() == expected_messages


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_action_twice_at_once_happens_once(make_ticket, agent, manager):
    ticket = make_ticket(TicketStatus.NEW)
    results = run_race(
        ticket.pk,
        lambda t: wf.ticket_take(ticket=t, actor=agent),
        lambda t: wf.ticket_take(ticket=t, actor=manager),
    )
    assert sorted(type(r).__name__ for r in results) == ["StaleTicket", "TicketEvent"], results
    ticket.refresh_from_db()
    winner = next(r for r in results if isinstance(r, TicketEvent))
    assert (ticket.status, ticket.assignee) == (TicketStatus.ECT, winner.actor)
    assert ticket.events.filter(action="take").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requalifications_no_lost_update(make_ticket, agent, manager):
    """No status change here: only the version column can tell the two apart."""
    ticket = make_ticket(TicketStatus.ECT)
    version = ticket.version
    results = run_race(
        ticket.pk,
        lambda t: wf.ticket_requalify(ticket=t, actor=agent, priority=1, expected_version=version),
        lambda t: wf.ticket_requalify(ticket=t, actor=manager, priority=5, domain="", expected_version=version),
    )
    assert sorted(type(r).__name__ for r in results) == ["StaleTicket", "TicketEvent"], results
    winner = next(r for r in results if isinstance(r, TicketEvent))
    ticket.refresh_from_db()
    assert ticket.priority == winner.changes["priority"][1]
    assert ticket.events.filter(action="requalify").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_references_unique_and_gapless_under_concurrent_filing(requester, category):
    count = 6
    barrier = threading.Barrier(count)
    refs: list = []

    def file_one(i):
        try:
            barrier.wait(timeout=10)
            ticket = wf.ticket_file(requester=requester, category=category, title=f"T{i}", description="…")
            refs.append(ticket.reference)
        except Exception as exc:
            refs.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(refs) == list(range(min(refs), min(refs) + count))
