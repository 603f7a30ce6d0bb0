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
from tickets.tests.conftest import PNG

from .conftest import build_mail

pytestmark = pytest.mark.usefixtures("inbound_address")

# Bounds at the counts of issue 22 on PostgreSQL, savepoints included. Per message: one read for the
# deduplication (and, for a sender's first message of a run, the flood guard's count in the same
# statement); a new ticket then costs the counter, the ticket, its event, the acknowledgement, the
# statistics marker and the inbound row, in one transaction (the doors open no savepoint in it).
# Within a run (``ingest_run``: a mailbox poll), the inbound addresses, the catalogue, a sender
# already seen (with their memberships and their count of recent filings), the reply address, the
# service's staff and the hour's count of automatic replies are read once for all the messages.
MAX_NEW_TICKET = 21  # alone (no run): the sender, their memberships and the addresses are read
MAX_NEW_TICKET_IN_RUN = 9  # a sender already seen in the run
# An unknown address: its email-only account and address are created in one statement, without
# savepoint (``accounts.email_only``; SQLite keeps the ORM's savepoint and two INSERTs).
MAX_NEW_SENDER_IN_RUN = 12
MAX_REPLY_IN_RUN = 11  # the sender's answer to the ticket of the run's first message
MAX_DUPLICATE = 1


def bound(postgresql: int, *, sqlite_extra: int = 3) -> int:
    """Plus the webhooks' check when the cache has forgotten it (another test cleared it). SQLite
    keeps the doors' savepoint (its backend opens one in any atomic block) and its ticket counter
    takes one query more."""
    cold_cache = 1
    return cold_cache + (postgresql if connection.vendor == "postgresql" else postgresql + sqlite_extra)


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
    assert len(queries) <= bound(MAX_NEW_TICKET), "\n".join(q["sql"][:120] for q in queries.captured_queries)
    result, queries = queries_of(mail(1))
    assert (result.outcome, len(queries)) == (Outcome.DUPLICATE, MAX_DUPLICATE)


def test_queries_per_message_within_a_run(requester):
    TicketCounter.next_reference()
    with ingest_run():
        ingest(mail(1), source="test")  # the run's first message reads the addresses and the catalogue
        result, queries = queries_of(mail(2))
    assert result.outcome == Outcome.FILED
    assert len(queries) <= bound(MAX_NEW_TICKET_IN_RUN), "\n".join(q["sql"][:120] for q in queries.captured_queries)


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
    assert len(queries) <= bound(MAX_REPLY_IN_RUN, sqlite_extra=2), "\n".join(
        q["sql"][:120] for q in queries.captured_queries
    )


def test_queries_per_message_of_a_new_sender_within_a_run(requester, django_capture_on_commit_callbacks):
    """The account made for a new address is created once; its next message reads nothing of it."""
    TicketCounter.next_reference()
    sender = "Nouvelle Personne <new.person@example.net>"
    with ingest_run():
        ingest(mail(1), source="test")
        with django_capture_on_commit_callbacks(execute=True):
            first, queries = queries_of(build_mail(sender=sender, message_id="<n1@example.net>"))
        assert first.outcome == Outcome.FILED
        assert len(queries) <= bound(MAX_NEW_SENDER_IN_RUN, sqlite_extra=6), "\n".join(
            q["sql"][:120] for q in queries.captured_queries
        )
        second, queries = queries_of(build_mail(sender=sender, message_id="<n2@example.net>"))
    assert second.outcome == Outcome.FILED
    assert len(queries) <= bound(MAX_NEW_TICKET_IN_RUN), "\n".join(q["sql"][:120] for q in queries.captured_queries)
    requesters = Ticket.objects.filter(reference__in=[first.ticket_reference, second.ticket_reference])
    assert set(requesters.values_list("requester__email", flat=True)) == {"new.person@example.net"}


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


@pytest.mark.postgres  # SQLite opens a savepoint in any atomic block
def test_the_doors_open_no_savepoint_within_the_message(requester):
    """One transaction per message: the only savepoint is the test's own around it (in production,
    the message's transaction itself)."""
    with CaptureQueriesContext(connection) as queries:
        result = ingest(mail(1), source="test")
    assert result.outcome == Outcome.FILED
    assert [q["sql"].split()[0] for q in queries.captured_queries if "SAVEPOINT" in q["sql"]] == [
        "SAVEPOINT",
        "RELEASE",
    ]


def test_a_failure_in_a_door_quarantines_and_savepoints_come_back(requester, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    from inbound.models import Quarantine, QuarantineReason

    from .test_content_quarantine import with_attachments

    def failing_save(self, name, content, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    result = ingest(with_attachments([("panne.png", PNG, "image/png")]), source="test")

    assert result.outcome == Outcome.QUARANTINED
    assert Quarantine.objects.get().reason == QuarantineReason.ERROR
    assert Ticket.objects.count() == 0
    assert "uses_savepoints" not in vars(connection.features)  # the connection's own answer again
    assert connection.features.uses_savepoints is True


def test_new_senders_of_a_run_share_one_reading_of_the_catalogue(requester, django_capture_on_commit_callbacks):
    """Every account made for an unknown address sees the same catalogue: the second one's filing
    reads no membership (it has none) and no catalogue."""
    TicketCounter.next_reference()
    with ingest_run():
        with django_capture_on_commit_callbacks(execute=True):
            first = ingest(build_mail(sender="Une <one@example.net>", message_id="<u1@example.net>"), source="t")
        second, queries = queries_of(build_mail(sender="Deux <two@example.net>", message_id="<u2@example.net>"))
    assert (first.outcome, second.outcome) == (Outcome.FILED, Outcome.FILED)
    read = [q["sql"] for q in queries.captured_queries if "accounts_membership" in q["sql"] or "catalogue_" in q["sql"]]
    assert read == []


def test_a_category_closed_to_new_accounts_stays_closed_to_each_of_them(category):
    from accounts.models import RequesterProfile
    from inbound.models import Quarantine, QuarantineReason

    category.audience_profiles = [RequesterProfile.STAFF]
    category.save()
    with ingest_run():
        results = [
            ingest(build_mail(sender=f"P{i} <p{i}@example.net>", message_id=f"<c{i}@example.net>"), source="t")
            for i in range(2)
        ]
    assert [r.outcome for r in results] == [Outcome.QUARANTINED, Outcome.QUARANTINED]
    assert set(Quarantine.objects.values_list("reason", flat=True)) == {QuarantineReason.REFUSED}
