"""Machines are never answered: auto-replies, our own mail, bounces (and the addresses they mark)."""

from __future__ import annotations

import pytest

from accounts.models import BouncingAddress
from helpdesk.mail import make_message_id
from helpdesk.models import OutboundEmail
from inbound.handler import Outcome
from inbound.models import InboundMessage, InboundOutcome
from inbound.pipeline import ingest
from tickets.models import MessageKind, Ticket, TicketStatus

from .conftest import build_mail

pytestmark = pytest.mark.usefixtures("inbound_address")


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"Precedence": "auto_reply"},
        {"X-Auto-Response-Suppress": "All"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Absent"},
        {"X-Autoresponder": "1"},
        {"X-AutoReply-From": "camille@example.org"},
        {"X-Mail-Autoreply": "yes"},
        {"Return-Path": "<>"},
    ],
)
def test_auto_reply_headers_are_recorded_never_filed(headers, requester):
    result = ingest(build_mail(sender=requester.email, headers=headers), source="test")

    assert result.outcome == Outcome.IGNORED
    assert Ticket.objects.count() == 0
    inbound = InboundMessage.objects.get()
    assert (inbound.outcome, inbound.kind != "normal") == (InboundOutcome.IGNORED, True)


def test_auto_submitted_no_is_a_person(requester):
    assert ingest(build_mail(sender=requester.email, headers={"Auto-Submitted": "no"}), source="t").outcome == (
        Outcome.FILED
    )


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "postmaster@example.org"])
def test_machine_senders_are_ignored(sender):
    assert ingest(build_mail(sender=sender), source="test").outcome == Outcome.IGNORED
    assert Ticket.objects.count() == 0


def test_our_own_mail_coming_back_is_dropped(requester, make_ticket):
    ticket = make_ticket(TicketStatus.ECT)
    ours = make_message_id(ticket_reference=ticket.reference)

    result = ingest(
        build_mail(sender="guichet@localhost", message_id=ours, subject=f"[Guichet #{ticket.reference}] x"),
        source="test",
    )

    assert result.outcome == Outcome.IGNORED
    assert InboundMessage.objects.get().kind == "own"
    assert ticket.messages.count() == 0


def test_own_domain_default_is_the_instance_id(settings):
    # Our Message-IDs end with @GUICHET_INSTANCE_ID: the domain rule must agree.
    assert settings.GUICHET_INBOUND_OWN_DOMAINS == [settings.GUICHET_INSTANCE_ID]
    assert make_message_id().endswith(f"@{settings.GUICHET_INSTANCE_ID}>")


@pytest.mark.parametrize(
    "sender", ["assistance@univ.example.org", "Guichet <guichet@localhost>", "Serveur <root@guichet.example.org>"]
)
def test_mail_from_one_of_our_addresses_is_recorded_as_ours(category, sender, settings):
    # Issue 14 (12): our sending address was filed and answered like a stranger's.
    settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL = "Guichet <guichet@localhost>", "root@guichet.example.org"

    result = ingest(build_mail(sender=sender), source="test")

    inbound = InboundMessage.objects.get()
    assert (result.outcome, inbound.kind, inbound.outcome) == (Outcome.IGNORED, "own", InboundOutcome.IGNORED)
    assert "our own address" in inbound.reason
    assert (Ticket.objects.count(), OutboundEmail.objects.count()) == (0, 0)


def dsn(*, original_id: str, recipient: str, status: str = "5.1.1", action: str = "failed") -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        "To: guichet@localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-" + recipient + "-" + status + "@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
        f"Diagnostic-Code: smtp; 550 {status} User unknown\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"From: guichet@localhost\r\nTo: {recipient}\r\nMessage-ID: {original_id}\r\nSubject: x\r\n"
        "--B--\r\n"
    ).encode()


def outbound(ticket: Ticket, to: str) -> OutboundEmail:
    return OutboundEmail.objects.create(
        to=[to], from_email="guichet@localhost", subject="Votre demande", body_text="…", kind="ticket_filed",
        language="fr", message_id=make_message_id(ticket_reference=ticket.reference),
        ticket_reference=ticket.reference,
    )  # fmt: skip


def test_bounce_of_our_mail_marks_the_address(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)
    sent = outbound(ticket, f"Camille <{requester.email}>")

    result = ingest(dsn(original_id=sent.message_id, recipient=requester.email), source="test")

    assert result.outcome == Outcome.IGNORED
    bouncing = BouncingAddress.objects.get()
    assert (bouncing.email, bouncing.last_status, bouncing.last_message_id) == (
        requester.email,
        "5.1.1",
        sent.message_id,
    )
    note = ticket.messages.get()
    assert (note.kind, requester.email in note.body) == (MessageKind.INTERNAL_NOTE, True)
    assert "marked" in InboundMessage.objects.get().reason


def test_second_bounce_counts(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)
    ingest(dsn(original_id=outbound(ticket, requester.email).message_id, recipient=requester.email), source="a")
    ingest(
        dsn(original_id=outbound(ticket, requester.email).message_id, recipient=requester.email, status="5.2.1"),
        source="b",
    )
    assert BouncingAddress.objects.get().bounce_count == 2


def test_bounce_of_a_purged_outbox_row_still_counts_when_signed(requester):
    ingest(dsn(original_id=make_message_id(ticket_reference=999), recipient=requester.email), source="test")
    assert BouncingAddress.objects.filter(email=requester.email).exists()


def test_bounce_of_foreign_or_delayed_mail_marks_nothing(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)
    ingest(dsn(original_id="<someone-else@example.org>", recipient=requester.email), source="a")
    sent = outbound(ticket, requester.email)
    ingest(dsn(original_id=sent.message_id, recipient=requester.email, status="4.2.2", action="delayed"), source="b")
    # A fake report naming an address we never wrote to for that mail.
    ingest(dsn(original_id=sent.message_id, recipient="someone@example.net"), source="c")

    assert BouncingAddress.objects.count() == 0
    assert InboundMessage.objects.filter(outcome=InboundOutcome.IGNORED).count() == 3
