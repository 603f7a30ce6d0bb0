"""The lists' rows of plain values say what the template used to compute from the ticket, and the queue's
rows written in Python are what its template loop wrote (issue 22)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from tickets import workflow as wf
from tickets.agent import ages
from tickets.agent import queue as q
from tickets.agent.rows import queue_rows_html, ticket_rows
from tickets.models import Ticket
from tickets.status import TicketStatus


@pytest.mark.django_db
def test_rows_hold_the_values_the_template_read_from_the_ticket(make_ticket, agent):
    filed = make_ticket()
    wf.ticket_take(ticket=filed, actor=agent)
    ticket = Ticket.objects.select_related("category", "service", "requester", "assignee", "institution").get(
        pk=filed.pk
    )
    timings = ages.timings([ticket])
    with translation.override("fr"):
        [row] = ticket_rows([ticket], dates={"long": "DATETIME_FORMAT", "day": "d/m H:i"}, timings=timings,
                            short_status=q.SHORT_STATUS)  # fmt: skip
        local = timezone.localtime(ticket.last_activity_at)
        assert row == {
            "ticket": ticket,
            "reference": ticket.reference,
            "version": ticket.version,
            "url": reverse("agent:ticket", args=[ticket.reference]),
            "title": ticket.title,
            "requester": str(ticket.requester),
            "institution_name": ticket.institution.name,
            "institution_short": ticket.institution.short_label,
            "service_name": ticket.service.name,
            "category_name": ticket.category.name,
            "domain": ticket.domain,
            "priority": ticket.priority,
            "priority_label": ticket.priority_label,
            "status_class": "ect",
            "status_label": ticket.get_status_display(),
            "short_status": str(q.SHORT_STATUS[ticket.status]),
            "assignee": str(agent),
            "activity_iso": date_filter(local, "c"),
            "long": date_filter(local, "DATETIME_FORMAT"),
            "day": date_filter(local, "d/m H:i"),
            "age": timings[ticket.pk].age,
            "closes_in": None,
        }


# The queue's rows as its template loop wrote them before ``queue_rows_html`` (issue 22): the reference markup.
TEMPLATE_ROWS = Path(__file__).with_name("queue_rows_reference.html")


def template_rows(rows) -> str:
    return Template(TEMPLATE_ROWS.read_text()).render(Context({"rows": rows}))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_queue_rows_html_writes_what_the_template_loop_wrote(language, make_ticket, agent, institution):
    waiting = make_ticket(TicketStatus.ARS, title='Accès « VPN » <refusé> & "bloqué"')
    wf.ticket_take(ticket=make_ticket(), actor=agent)
    Ticket.objects.filter(pk=waiting.pk).update(
        domain="Réseau & <wifi>", expire_at=timezone.now() + datetime.timedelta(days=9)
    )
    Ticket.objects.exclude(pk=waiting.pk).update(institution=None)
    tickets = list(
        Ticket.objects.select_related("category", "service", "requester", "assignee", "institution").order_by("pk")
    )
    with translation.override(language):
        rows = ticket_rows(tickets, dates={"activity_long": "DATETIME_FORMAT", "activity_day": "d/m H:i"},
                           timings=ages.timings(tickets), short_status=q.SHORT_STATUS)  # fmt: skip
        rows.append({**rows[0], "closes_in": 1, "assignee": "", "requester": "O'Brien <x@y>"})
        assert [row["closes_in"] is None for row in rows] == [False, True, False]
        assert queue_rows_html(rows) == template_rows(rows)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_rows_dates_are_the_date_filter_s_in_every_format(language, make_ticket):
    make_ticket()
    Ticket.objects.update(last_activity_at=timezone.now().replace(month=3, day=7, hour=5, minute=4, second=3))
    formats = ["d/m H:i", "SHORT_DATETIME_FORMAT", "DATETIME_FORMAT", "Y-m-d H:i:s", "j/n/y", "d \\h H"]
    tickets = list(Ticket.objects.select_related("category", "service", "requester", "assignee", "institution"))
    with translation.override(language):
        [row] = ticket_rows(tickets, dates={f"date{i}": f for i, f in enumerate(formats)})
        local = timezone.localtime(tickets[0].last_activity_at)
        assert [row[f"date{i}"] for i in range(len(formats))] == [date_filter(local, f) for f in formats]
