"""Crafted cases for each classification rule."""

from __future__ import annotations

import pytest

from inbound.classify import MailKind, classify, parse_delivery_status
from inbound.parse import parse_message

from .conftest import build_mail


def kind_of(raw: bytes) -> MailKind:
    return classify(parse_message(raw)).kind


def test_classify_person_is_normal_and_may_be_answered():
    result = classify(parse_message(build_mail()))
    assert (result.kind, result.may_answer, result.reasons) == (MailKind.NORMAL, True, ())


def test_classify_our_instance_header_is_own(settings):
    settings.GUICHET_INSTANCE_ID = "guichet-caen"
    assert kind_of(build_mail(headers={"X-Guichet-Instance": "guichet-caen"})) == MailKind.OWN
    assert kind_of(build_mail(headers={"X-Guichet-Instance": "guichet-autre"})) == MailKind.NORMAL


def test_classify_message_id_on_our_domain_is_own(settings):
    settings.GUICHET_INBOUND_OWN_DOMAINS = ["guichet.unicaen.fr"]
    assert kind_of(build_mail(message_id="<t42.n7@Guichet.Unicaen.fr>")) == MailKind.OWN
    assert kind_of(build_mail(message_id="<t42.n7@unicaen.fr>")) == MailKind.NORMAL


def test_classify_own_wins_over_auto_submitted(settings):
    # Our own acknowledgements carry Auto-Submitted: auto-replied.
    raw = build_mail(headers={"X-Guichet-Instance": settings.GUICHET_INSTANCE_ID, "Auto-Submitted": "auto-replied"})
    assert kind_of(raw) == MailKind.OWN


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Auto-Submitted", "auto-replied"),
        ("Auto-Submitted", "auto-generated"),
        ("Auto-Submitted", "Auto-Notified (vacation)"),
        ("Precedence", "bulk"),
        ("Precedence", "junk"),
        ("Precedence", "list"),
        ("Precedence", "auto_reply"),
        ("X-Auto-Response-Suppress", "All"),
        ("X-Autoreply", "yes"),
        ("X-Autorespond", "vacation"),
        ("X-Autoresponder", "1"),
        ("X-AutoReply-From", "someone@example.org"),
        ("X-Mail-Autoreply", "yes"),
    ],
)
def test_classify_auto_reply_header_is_auto_reply(name, value):
    result = classify(parse_message(build_mail(headers={name: value})))
    assert result.kind == MailKind.AUTO_REPLY
    assert result.may_answer is False


@pytest.mark.parametrize(
    ("name", "value"), [("Auto-Submitted", "no"), ("Auto-Submitted", "No (manual)"), ("Precedence", "normal")]
)
def test_classify_harmless_header_values_stay_normal(name, value):
    assert kind_of(build_mail(headers={name: value})) == MailKind.NORMAL


@pytest.mark.parametrize(
    "subject",
    [
        "Réponse automatique : [Guichet #12] Accès ENT",
        "Automatic reply: [Guichet #12] Accès ENT",
        "Out of Office: Accès ENT",
        "Absent du bureau : Accès ENT",
        "RE: Message d'absence",
    ],
)
def test_classify_auto_reply_subject_on_a_reply_is_auto_reply(subject):
    raw = build_mail(subject=subject, headers={"In-Reply-To": "<t12.n1@guichet.example.org>"})
    assert kind_of(raw) == MailKind.AUTO_REPLY


@pytest.mark.parametrize("subject", ["Réponse automatique : Accès ENT", "Absence à l'examen de mardi", "Absence"])
def test_classify_subject_alone_is_not_enough(subject):
    # A subject is the sender's own words: without threading headers a
    # person may well have written it, and must get a ticket.
    assert kind_of(build_mail(subject=subject)) == MailKind.NORMAL


def test_classify_null_return_path_is_bounce():
    raw = b"Return-Path: <>\r\n" + build_mail(subject="Notification")
    result = classify(parse_message(raw))
    assert (result.kind, result.reasons) == (MailKind.BOUNCE, ("null return path",))


def test_classify_null_return_path_with_auto_submitted_is_auto_reply():
    # RFC 3834 auto-responders send with a null return path too.
    raw = b"Return-Path: <>\r\n" + build_mail(headers={"Auto-Submitted": "auto-replied"})
    assert kind_of(raw) == MailKind.AUTO_REPLY


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "Postmaster <postmaster@univ.example.org>"])
def test_classify_mailer_daemon_and_postmaster_are_bounces(sender):
    assert kind_of(build_mail(sender=sender, subject="Undelivered Mail Returned to Sender")) == MailKind.BOUNCE


DSN = (
    b"Return-Path: <>\r\n"
    b"From: Mail Delivery System <MAILER-DAEMON@mx.univ.example.org>\r\n"
    b"To: guichet@univ.example.org\r\n"
    b"Subject: Undelivered Mail Returned to Sender\r\n"
    b"Auto-Submitted: auto-replied\r\n"
    b"Message-ID: <20250303100000.ABC@mx.univ.example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="BB"\r\n\r\n'
    b"--BB\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you...\r\n"
    b"--BB\r\nContent-Type: message/delivery-status\r\n\r\n"
    b"Reporting-MTA: dns; mx.univ.example.org\r\n\r\n"
    b"Final-Recipient: rfc822; Gone@Example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n"
    b"Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected\r\n\r\n"
    b"Final-Recipient: rfc822; full@example.org\r\nAction: delayed\r\nStatus: 4.2.2\r\n\r\n"
    b"--BB\r\nContent-Type: text/rfc822-headers\r\n\r\n"
    b"From: Guichet <guichet@univ.example.org>\r\nTo: gone@example.org\r\n"
    b"Message-ID: <t42.n7.sig@guichet.univ.example.org>\r\nSubject: [Guichet #42] Votre demande\r\n\r\n"
    b"--BB--\r\n"
)


def test_classify_dsn_gives_recipients_and_original_message_id():
    result = classify(parse_message(DSN))
    assert result.kind == MailKind.BOUNCE
    assert [(r.recipient, r.action, r.status, r.is_permanent) for r in result.recipients] == [
        ("gone@example.org", "failed", "5.1.1", True),
        ("full@example.org", "delayed", "4.2.2", False),
    ]
    assert result.failed_recipients == ("gone@example.org",)
    assert result.original_message_id == "<t42.n7.sig@guichet.univ.example.org>"
    assert result.reasons == ("delivery status report", "sender is mailer-daemon")


def test_classify_dsn_with_returned_message_attached():
    dsn = DSN.replace(b"Content-Type: text/rfc822-headers", b"Content-Type: message/rfc822")
    assert classify(parse_message(dsn)).original_message_id == "<t42.n7.sig@guichet.univ.example.org>"


def test_classify_qmail_style_bounce_reads_recipient_from_text():
    raw = (
        b"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org\r\nSubject: failure notice\r\n\r\n"
        b"Hi. This is the qmail-send program.\r\n\r\n"
        b"<gone@example.org>:\r\nSorry, no mailbox here by that name.\r\n\r\n"
        b"--- Below this line is a copy of the message.\r\n\r\nMessage-ID: <t1.n1@guichet.example.org>\r\n"
    )
    result = classify(parse_message(raw))
    assert (result.kind, result.failed_recipients) == (MailKind.BOUNCE, ("gone@example.org",))
    assert result.original_message_id == "<t1.n1@guichet.example.org>"


def test_parse_delivery_status_tolerates_junk():
    assert parse_delivery_status("") == []
    assert parse_delivery_status("no fields here\n\nFinal-Recipient: nothing-at-all") == []
    assert [f.recipient for f in parse_delivery_status("Final-Recipient: <a@b.example>\nAction: failed")] == [
        "a@b.example"
    ]


def test_classify_feedback_report_is_auto_reply():
    raw = (
        b"From: feedback@arf.example.net\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=x\r\n"
        b"\r\n--x\r\nContent-Type: text/plain\r\n\r\nspam complaint\r\n--x\r\n"
        b"Content-Type: message/feedback-report\r\n\r\nFeedback-Type: abuse\r\n\r\n--x--\r\n"
    )
    assert kind_of(raw) == MailKind.AUTO_REPLY
