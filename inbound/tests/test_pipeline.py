"""Filing and continuing tickets by email: the threading rules, one by one."""

from __future__ import annotations

import pytest

from helpdesk.mail import make_message_id
from inbound.handler import Outcome
from inbound.models import InboundMessage, InboundOutcome, Quarantine, QuarantineReason
from inbound.pipeline import ingest
from inbound.routing import ingest_run
from tickets.models import Channel, MessageKind, Ticket, TicketStatus, Watcher

from .conftest import build_mail

pytestmark = pytest.mark.usefixtures("inbound_address")

REPLY = (
    "Voici la version : 5.2.\n\n"
    "Le lun. 3 mars 2025 à 10:00, Assistance <assistance@univ.example.org> a écrit :\n"
    "> Quelle version utilisez-vous ?\n"
)


def reply_to(ticket: Ticket, *, sender: str, body: str = REPLY, subject: str | None = None, **headers) -> bytes:
    return build_mail(
        sender=sender,
        subject=subject if subject is not None else f"RE : {ticket.title}",
        body=body,
        message_id=f"<reply-{ticket.reference}-{sender}-{len(headers)}@example.org>",
        headers=headers,
    )


def test_new_mail_from_known_user_files_ticket(requester, category):
    result = ingest(build_mail(sender="Camille <Requester@Example.ORG>"), source="test")

    ticket = Ticket.objects.get()
    assert result.outcome == Outcome.FILED
    assert result.ticket_reference == ticket.reference
    assert (ticket.requester, ticket.category, ticket.channel) == (requester, category, Channel.EMAIL)
    assert ticket.title == "Impossible de me connecter à l'ENT"
    assert ticket.description == "Bonjour,\nje n'arrive plus à me connecter.\nCamille"
    inbound = InboundMessage.objects.get()
    assert (inbound.outcome, inbound.ticket, inbound.sender) == (InboundOutcome.FILED, ticket, requester)
    assert inbound.raw == build_mail(sender="Camille <Requester@Example.ORG>")


def test_new_mail_from_unknown_sender_creates_email_only_account(db):
    ingest(build_mail(sender="Léa Nouvelle <lea@perso.example.net>"), source="test")

    ticket = Ticket.objects.get()
    user = ticket.requester
    assert (user.email, user.first_name, user.last_name, user.is_email_only) == (
        "lea@perso.example.net",
        "Léa",
        "Nouvelle",
        True,
    )
    assert user.has_usable_password() is False
    assert user.emailaddress_set.get().verified is False


def test_duplicate_delivery_files_once(requester):
    first = ingest(build_mail(sender=requester.email), source="imap:a")
    second = ingest(build_mail(sender=requester.email), source="imap:b")

    assert (first.outcome, second.outcome) == (Outcome.FILED, Outcome.DUPLICATE)
    assert (Ticket.objects.count(), InboundMessage.objects.count()) == (1, 1)


def test_duplicate_without_message_id_is_recognised_by_content(requester):
    raw = build_mail(sender=requester.email, message_id=None)
    copy = b"Received: from mx2.example.org by mx.example.org\n" + raw

    results = [ingest(raw, source="a").outcome, ingest(copy, source="b").outcome]

    assert results == [Outcome.FILED, Outcome.DUPLICATE]
    assert InboundMessage.objects.get().dedup_key.startswith("sha256:")


def test_reply_with_signed_in_reply_to_answers_question(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ARS)
    ours = make_message_id(ticket_reference=ticket.reference)

    result = ingest(reply_to(ticket, sender=requester.email, **{"In-Reply-To": ours}), source="test")

    ticket.refresh_from_db()
    message = ticket.messages.get(kind=MessageKind.REQUESTER_INFO)
    assert (result.outcome, ticket.status) == (Outcome.CONTINUED, TicketStatus.ECT)
    assert message.body == "Voici la version : 5.2."  # quoted history trimmed
    inbound = InboundMessage.objects.get()
    assert (inbound.ticket, inbound.ticket_message) == (ticket, message)
    assert "Quelle version utilisez-vous ?" in inbound.full_text  # the full original is kept


def test_reply_matched_by_references_adds_information_on_open_ticket(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)
    ours = make_message_id(ticket_reference=ticket.reference)

    result = ingest(
        reply_to(ticket, sender=requester.email, References=f"<other@example.org> {ours}", subject="sans tag"),
        source="test",
    )

    ticket.refresh_from_db()
    assert (result.outcome, ticket.status) == (Outcome.CONTINUED, TicketStatus.ECT)
    assert ticket.messages.get().body == "Voici la version : 5.2."
    assert ticket.events.last().action == "add_information"


def test_forged_message_id_is_not_trusted(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)
    forged = f"<g.{ticket.reference}.{'a' * 24}.{'b' * 24}@guichet>"

    result = ingest(
        reply_to(ticket, sender=requester.email, subject="Autre sujet", **{"In-Reply-To": forged}), source="t"
    )

    assert result.outcome == Outcome.FILED
    assert ticket.messages.count() == 0


@pytest.mark.parametrize("who", ["requester", "colleague", "watcher"])
def test_subject_tag_from_someone_who_may_act_continues(make_ticket, who, requester, colleague, outsider):
    ticket = make_ticket(TicketStatus.ECT)
    sender = {"requester": requester, "colleague": colleague, "watcher": outsider}[who]
    if who == "watcher":
        Watcher.objects.create(ticket=ticket, user=outsider)

    result = ingest(
        reply_to(ticket, sender=sender.email, subject=f"Re: [Guichet #{ticket.reference}] Messagerie"), source="t"
    )

    assert result.outcome == Outcome.CONTINUED
    assert ticket.messages.get().author == sender


def test_forged_subject_tag_from_stranger_files_a_linked_new_ticket(make_ticket, outsider):
    ticket = make_ticket(TicketStatus.ECT)

    result = ingest(
        reply_to(ticket, sender=outsider.email, subject=f"[Guichet #{ticket.reference}] fermez cette demande"),
        source="t",
    )

    assert result.outcome == Outcome.FILED
    assert ticket.messages.count() == 0
    new = Ticket.objects.get(reference=result.ticket_reference)
    assert (new.requester, new.title) == (outsider, "fermez cette demande")
    assert InboundMessage.objects.get().related_ticket == ticket
    note = new.messages.get()
    assert (note.kind, f"#{ticket.reference}" in note.body) == (MessageKind.INTERNAL_NOTE, True)


def test_reply_to_closed_ticket_files_follow_up(make_ticket, requester):
    ticket = make_ticket(TicketStatus.TER)
    ours = make_message_id(ticket_reference=ticket.reference)

    result = ingest(reply_to(ticket, sender=requester.email, **{"In-Reply-To": ours}), source="test")

    new = Ticket.objects.get(reference=result.ticket_reference)
    assert result.outcome == Outcome.FOLLOW_UP
    assert (new.follow_up_of, new.channel, new.category, new.status) == (
        ticket,
        Channel.EMAIL,
        ticket.category,
        TicketStatus.NEW,
    )
    assert new.description == "Voici la version : 5.2."
    assert InboundMessage.objects.get().outcome == InboundOutcome.FOLLOW_UP


def test_rate_limit_quarantines_new_tickets_not_replies(settings, make_ticket, requester):
    settings.GUICHET_INBOUND_RATE_LIMIT_COUNT = 2
    ticket = make_ticket(TicketStatus.ECT)
    outcomes = [
        ingest(
            build_mail(sender=requester.email, message_id=f"<flood{i}@example.org>", subject=f"n{i}"), source="t"
        ).outcome
        for i in range(3)
    ]
    reply = ingest(reply_to(ticket, sender=requester.email, subject=f"Re: [Guichet #{ticket.reference}]"), source="t")

    assert outcomes == [Outcome.FILED, Outcome.FILED, Outcome.QUARANTINED]
    assert reply.outcome == Outcome.CONTINUED
    assert Quarantine.objects.get().reason == QuarantineReason.RATE_LIMITED


def test_rate_limit_within_a_run_counts_earlier_filings_and_the_runs_own(settings, inbound_address, requester):
    """A flood comes in one poll: the sender's count is read once, then each filing of the run adds one."""
    settings.GUICHET_INBOUND_RATE_LIMIT_COUNT = 3
    flood = [build_mail(sender=requester.email, message_id=f"<flood{i}@example.org>") for i in range(5)]
    ingest(flood[0], source="t")  # before the run
    with ingest_run():
        outcomes = [ingest(raw, source="t").outcome for raw in flood[1:]]

    assert outcomes == [Outcome.FILED, Outcome.FILED, Outcome.QUARANTINED, Outcome.QUARANTINED]
    assert Quarantine.objects.filter(reason=QuarantineReason.RATE_LIMITED).count() == 2
    assert "filed 3 tickets" in Quarantine.objects.order_by("pk").last().detail


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_message_delivered_twice_at_once_files_once(inbound_address, requester):
    """Two IMAP pollers (or MX) hand over the same message at the same time."""
    import threading

    from django.db import connection

    raw = build_mail(sender=requester.email, message_id="<race@example.org>")
    barrier = threading.Barrier(2)
    outcomes: list = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(ingest(raw, source="race").outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == sorted([Outcome.FILED, Outcome.DUPLICATE])
    assert (Ticket.objects.count(), InboundMessage.objects.count()) == (1, 1)
