"""The bad inputs of issue 14 (low 13), one by one: a page or an empty result, never a 500.

A NUL byte reaches PostgreSQL as an error and huge numbers overflow dates and
offsets; the query-string forms (``helpdesk.query``) refuse them first.
``helpdesk/tests/test_bad_query_params.py`` walks every URL the same way.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets.status import TicketStatus

NUL = "imprimante\x00"


@pytest.mark.django_db
def test_bad_query_strings_of_the_issue_answer_without_error(make_ticket, agent, client, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    staff = client_for(agent)
    statuses = {
        "suggest (anonymous)": client.get(reverse("knowledge:suggest"), {"q": NUL}).status_code,
        "staff search": staff.get(reverse("agent:search"), {"q": NUL}).status_code,
        "agent kb search": staff.get(reverse("knowledge:agent_search"), {"q": NUL}).status_code,
        "agent page kb": staff.get(reverse("agent:ticket", args=[ticket.reference]), {"kb": NUL}).status_code,
        "queue older_than": staff.get(reverse("agent:queue"), {"older_than": "999999999"}).status_code,
        "staff search page": staff.get(reverse("agent:search"), {"q": "messagerie", "page": "9" * 30}).status_code,
        "journal agent": staff.get(reverse("agent:journal"), {"agent": "9" * 30}).status_code,
    }
    assert statuses == dict.fromkeys(statuses, 200)


@pytest.mark.django_db
def test_queue_older_than_out_of_bounds_is_a_form_error(agent, client_for):
    response = client_for(agent).get(reverse("agent:queue"), {"older_than": "999999999"})
    assert list(response.context["form"].errors) == ["older_than"]
