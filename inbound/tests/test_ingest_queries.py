"""What one message costs in queries: a new request, a reply, a second delivery —
alone, and within a run of the pipeline (``ingest_run``: a mailbox poll)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from helpdesk.mail import make_message_id
from inbound.handler import Outcome
from inbound.pipeline import ingest
from inbound.routing import ingest_run
from tickets.models import Ticket, TicketCounter

from .conftest import build_mail

pytestmark = pytest.mark.usefixtures("inbound_address")

# A new ticket from a known sender, savepoints included; on PostgreSQL the
# ticket counter takes one query less. Within a run, the inbound addresses,
# the catalogue, a sender already seen (and their count of recent filings), the reply
# address, the service's staff and the hour's count of automatic replies are read once for all the messages.
# The statistics' per-ticket facts, refreshed in the filing's transaction, cost 8 of these (and the
# webhook check 1 on a cold cache): 22 and 12 for the ingest itself. Issue 23's next step moves them out.
MAX_NEW_TICKET = 32
MAX_NEW_TICKET_IN_RUN = 21  # 20 for this sender; another one costs their memberships
MAX_REPLY_IN_RUN = 23  # the sender's answer to the ticket of the run's first message (8 of them the facts')
MAX_DUPLICATE = 1


def queries_of(raw: bytes):
    with CaptureQueriesContext(connection) as queries:
        result = ingest(raw, source="test")
    return result, queries


def mail(index: int) -> bytes:
    return build_mail(sender="Camille <requester@example.org>", message_id=f"<q{index}@example.org>")


def test_queries_per_ingested_message(requester):
    TicketCounter.next_reference()  # the counter row exists, as anywhere but on the first ticket
    result, queries = queries_of(mail(1))
    assert result.outcome == Outcome.FILED
    assert len(queries) <= MAX_NEW_TICKET, "\n".join(q["sql"][:120] for q in queries.captured_queries)
    result, queries = queries_of(mail(1))
    assert (result.outcome, len(queries)) == (Outcome.DUPLICATE, MAX_DUPLICATE)


def test_queries_per_message_within_a_run(requester):
    TicketCounter.next_reference()
    with ingest_run():
        ingest(mail(1), source="test")  # the run's first message reads the addresses and the catalogue
        result, queries = queries_of(mail(2))
    assert result.outcome == Outcome.FILED
    assert len(queries) <= MAX_NEW_TICKET_IN_RUN, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_queries_per_reply_within_a_run(requester):
    TicketCounter.next_reference()
    with ingest_run():
        first = ingest(mail(1), source="test")
        answer = build_mail(
            sender="Camille <requester@example.org>",
            message_id="<q2@example.org>",
            headers={"In-Reply-To": make_message_id(ticket_reference=first.ticket_reference)},
        )
        result, queries = queries_of(answer)
    assert (result.outcome, result.ticket_reference) == (Outcome.CONTINUED, first.ticket_reference)
    assert len(queries) <= MAX_REPLY_IN_RUN, "\n".join(q["sql"][:120] for q in queries.captured_queries)


def test_a_sender_created_by_a_quarantined_message_is_not_reused_within_the_run(settings):
    """The account made for the first message rolled back with it: the second one makes it again."""
    settings.GUICHET_INBOUND_DEFAULT_CATEGORY = ""
    sender = "Nouvelle Personne <new.person@example.net>"
    with ingest_run():
        lost = ingest(build_mail(sender=sender, to="nobody@example.net", message_id="<a@x>"), source="test")
        filed = ingest(build_mail(sender=sender, message_id="<b@x>"), source="test")
    assert (lost.outcome, filed.outcome) == (Outcome.QUARANTINED, Outcome.FILED)
    ticket = Ticket.objects.get(reference=filed.ticket_reference)
    assert User.objects.filter(pk=ticket.requester_id, email="new.person@example.net").exists()
