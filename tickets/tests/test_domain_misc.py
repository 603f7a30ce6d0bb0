"""Priority, timers, pending-upload purge, demo data, admin view."""

from __future__ import annotations

import datetime
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalogue.models import PriorityScheme, TimerUnit
from tickets import workflow as wf
from tickets.models import PendingUpload, Ticket
from tickets.priority import MATRIX, compute_priority, level_choices, matrix_priority
from tickets.status import TicketStatus
from tickets.uploads import purge_pending_uploads

GLPI = {
    1: [1, 1, 2, 2, 2],
    2: [1, 2, 2, 3, 3],
    3: [2, 2, 3, 4, 4],
    4: [2, 3, 4, 4, 5],
    5: [2, 3, 4, 5, 5],
}


@pytest.mark.parametrize("urgency", range(1, 6))
@pytest.mark.parametrize("impact", range(1, 6))
def test_glpi_matrix(urgency, impact):
    assert matrix_priority(impact=impact, urgency=urgency) == GLPI[urgency][impact - 1]
    assert MATRIX[urgency][impact - 1] == GLPI[urgency][impact - 1]


def test_three_levels_map_onto_one_three_five():
    assert [value for value, _label in level_choices(PriorityScheme.MATRIX_3)] == [1, 3, 5]
    assert compute_priority(scheme=PriorityScheme.MATRIX_3, impact=5, urgency=5) == 5
    assert compute_priority(scheme=PriorityScheme.MATRIX_3, impact=1, urgency=3) == 2


def test_blocking_scheme_and_default():
    assert compute_priority(scheme=PriorityScheme.BLOCKING, is_blocking=True) == 5
    assert compute_priority(scheme=PriorityScheme.BLOCKING, is_blocking=False) == 3
    assert compute_priority(scheme=PriorityScheme.NONE) == 3


def test_matrix_refuses_out_of_range():
    with pytest.raises(ValueError):
        matrix_priority(impact=0, urgency=6)


@pytest.mark.django_db
def test_timers_set_on_entering_and_cleared_on_leaving_calendar_days(make_ticket, category, requester, agent):
    category.timer_unit = TimerUnit.CALENDAR_DAYS
    category.reminder_delay, category.closure_delay = 15, 5
    category.save()
    ticket = make_ticket(TicketStatus.ECT)
    event = wf.ticket_ask(ticket=ticket, actor=agent, text="?")
    assert ticket.remind_at - event.created == timedelta(days=15)
    assert ticket.expire_at - event.created == timedelta(days=20)
    wf.ticket_answer(ticket=ticket, actor=requester, text="!")
    ticket.refresh_from_db()
    assert (ticket.remind_at, ticket.expire_at, ticket.reminded_at) == (None, None, None)


@pytest.mark.django_db
def test_remind_once_when_due(make_ticket):
    ticket = make_ticket(TicketStatus.ARS)
    with pytest.raises(wf.ActionRefused):
        wf.ticket_remind(ticket=ticket)
    Ticket.objects.filter(pk=ticket.pk).update(remind_at=timezone.now() - timedelta(minutes=1))
    ticket.refresh_from_db()
    event = wf.ticket_remind(ticket=ticket)
    assert (event.action, event.actor, ticket.status) == ("remind", None, TicketStatus.ARS)
    assert ticket.reminded_at is not None
    with pytest.raises(wf.ActionRefused):
        wf.ticket_remind(ticket=ticket)


@pytest.mark.django_db
def test_purge_removes_only_stale_pending_uploads(requester):
    def pending(age_hours: int) -> PendingUpload:
        name = default_storage.save("pending/test", io.BytesIO(b"data"))
        return PendingUpload.objects.create(
            user=requester,
            file=name,
            original_name="a.txt",
            content_type="text/plain",
            size=4,
            created=timezone.now() - datetime.timedelta(hours=age_hours),
        )

    stale, fresh = pending(48), pending(1)
    assert purge_pending_uploads() == 1
    assert list(PendingUpload.objects.all()) == [fresh]
    assert not default_storage.exists(stale.file.name)
    assert default_storage.exists(fresh.file.name)


@pytest.mark.django_db
def test_seed_demo_gives_tickets_in_every_status_idempotently():
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert statuses == set(TicketStatus.values)
    count = Ticket.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Ticket.objects.count() == count
    # Built through the workflow: every ticket's last event leads to its status.
    for ticket in Ticket.objects.all():
        assert ticket.events.order_by("pk").last().to_status == ticket.status


@pytest.mark.django_db
def test_admin_shows_ticket_read_only(make_ticket, admin, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(admin)
    assert client.get(reverse("admin:tickets_ticket_changelist")).status_code == 200
    page = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
