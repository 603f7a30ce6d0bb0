"""One wording per priority scheme, the same on the requester's and the agents' pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalogue.models import PriorityScheme
from tickets.priority import Level, priority_label

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("priority", "is_blocking", "expected"),
    [
        (Level.VERY_HIGH, True, "Bloquant"),
        (Level.MEDIUM, False, "Non bloquant"),
        (Level.VERY_HIGH, None, "Très haute"),
        (Level.LOW, None, "Basse"),
    ],
)
def test_priority_label_per_scheme(priority, is_blocking, expected):
    assert priority_label(priority=priority, is_blocking=is_blocking) == expected


def _priority_cell(html: str, reference: int) -> str:
    """The priority column of the queue row of ``reference``."""
    href = reverse("agent:ticket", args=[reference])
    row = re.search(rf'<tr data-queue-row>(?:(?!</tr>).)*?href="{href}"(?:(?!</tr>).)*</tr>', html, re.S)
    assert row, reference
    cell = r'<td class="queue-table__priority"><span class="prio prio--\d">([^<]*)</span></td>'
    return re.findall(cell, row.group(0))[0]


@pytest.mark.parametrize(
    ("scheme", "inputs", "expected"),
    [
        (PriorityScheme.BLOCKING, {"is_blocking": True}, "Bloquant"),
        (PriorityScheme.BLOCKING, {"is_blocking": False}, "Non bloquant"),
        (PriorityScheme.MATRIX_5, {"impact": 5, "urgency": 5}, "Très haute"),
    ],
)
def test_priority_shows_the_same_to_requester_and_agent(
    scheme, inputs, expected, category, make_ticket, requester, agent, client_for
):
    category.priority_scheme = scheme
    category.save()
    ticket = make_ticket(**inputs)
    requester_page = client_for(requester).get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    agent_client = client_for(agent)
    agent_page = agent_client.get(reverse("agent:ticket", args=[ticket.reference])).content.decode()
    queue = agent_client.get(reverse("agent:queue")).content.decode()
    dd = r"<dt>Priorité</dt><dd>([^<]*)</dd>"
    assert re.search(dd, requester_page).group(1) == expected
    assert re.search(dd, agent_page).group(1) == expected
    assert _priority_cell(queue, ticket.reference) == expected
