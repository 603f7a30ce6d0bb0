"""What one filing costs: the submission of the form, everything included
(audience check, ticket, history, one INSERT for all the mails)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from catalogue.models import ServiceMembership, ServiceRole
from helpdesk.models import OutboundEmail
from tickets.models import Ticket, TicketCounter

pytestmark = pytest.mark.django_db

# 21 on SQLite, 20 on PostgreSQL (the counter is one UPDATE … RETURNING there), savepoints included:
# the filing itself costs 12 — session user, verified address, memberships (audience and institution
# in one), counter, ticket, history, agents, reply address, one INSERT for all the mails — the
# catalogue tree none (kept by the process while it does not change); the statistics' per-ticket
# facts refreshed in the same transaction cost 8 (ticket, history, calendars, kept profile, upsert,
# status spans) and the webhook check 1 on a cold cache.
MAX_QUERIES = 21


def test_filing_costs_a_fixed_number_of_queries_whatever_the_number_of_agents(category, requester, client_for):
    for i in range(8):  # the demo's service has eight agents, each mailed
        agent = User.objects.create_user(f"agent{i}@example.org", password=None, first_name="Alex", last_name=str(i))
        ServiceMembership.objects.create(service=category.service, user=agent, role=ServiceRole.AGENT)
    TicketCounter.next_reference()  # the counter row exists, as anywhere but on the first filing
    client = client_for(requester)
    url = reverse("tickets:file", args=[category.slug])
    client.get(url)  # the form, as before any filing: the process keeps the catalogue tree from then on
    data = {"title": "Imprimante", "description": "Elle ne répond plus.", "step": "submit"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302
    assert len(queries) <= MAX_QUERIES, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "helpdesk_outboundemail"')]
    assert len(inserts) == 1
    ticket = Ticket.objects.get()
    mails = OutboundEmail.objects.filter(ticket_reference=ticket.reference)
    assert sorted(mails.values_list("kind", flat=True)) == ["acknowledgement"] + ["queue_new"] * 8
    agent_mail = mails.filter(kind="queue_new").first()
    assert "Imprimante" in agent_mail.subject and "Elle ne répond plus." in agent_mail.body_text
