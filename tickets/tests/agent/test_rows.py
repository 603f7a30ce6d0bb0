"""The lists' rows of plain values say what the template used to compute from the ticket (issue 22)."""

from __future__ import annotations

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from tickets import workflow as wf
from tickets.agent import ages
from tickets.agent import queue as q
from tickets.agent.rows import ticket_rows
from tickets.models import Ticket


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
