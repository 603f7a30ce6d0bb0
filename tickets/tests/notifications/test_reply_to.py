"""Mails about a ticket carry the service's inbound address, so "Répondre" continues it (issue 15).

Every mail to someone who may continue the ticket by mail (requester side)
has the inbound address of the ticket's category (or, failing one, of
another category of its service) as ``Reply-To`` — or as ``From`` when the
address says so — and a footer that says a reply is added to the ticket.
Agents' mails do not: agents answer in the application.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalogue.models import Category, InboundAddress, ReplyMode
from helpdesk.mail.outbox import build_message
from helpdesk.models import OutboundEmail
from inbound.handler import Outcome
from inbound.pipeline import ingest
from tickets import workflow as wf
from tickets.models import MessageKind, Ticket
from tickets.status import TicketStatus

SERVICE = "assistance@univ.example.org"
REQUESTER_KINDS = {
    "acknowledgement",
    "taken",
    "question",
    "reply",
    "proposal",
    "reminder",
    "requalified",
    "closed",
    "rejected",
    "abandoned_automatically",
    "closed_automatically",
}
AGENT_KINDS = {"queue_new", "requester_answered", "answer_refused"}


def every_mail_kind(make_ticket, agent, requester, colleague) -> None:
    """Bring tickets through every action that mails someone."""
    make_ticket(TicketStatus.REJ)
    wf.ticket_approve(ticket=make_ticket(TicketStatus.AVS), actor=colleague)
    for status in (TicketStatus.ARS, TicketStatus.AVS):
        waiting = make_ticket(status)
        Ticket.objects.filter(pk=waiting.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
        waiting.refresh_from_db()
        wf.ticket_expire(ticket=waiting)
    ticket = make_ticket(TicketStatus.ARS)
    Ticket.objects.filter(pk=ticket.pk).update(remind_at=timezone.now() - timedelta(minutes=1))
    ticket.refresh_from_db()
    wf.ticket_remind(ticket=ticket)
    wf.ticket_answer(ticket=ticket, actor=requester, text="Version 5.2.")
    ticket.refresh_from_db()
    wf.ticket_add_message(ticket=ticket, actor=agent, kind=MessageKind.PUBLIC_REPLY, text="Merci, je regarde.")
    wf.ticket_requalify(ticket=ticket, actor=agent, is_blocking=True, text="Examens demain.")
    wf.ticket_propose(ticket=ticket, actor=agent, text="Redémarrez.")
    wf.ticket_refuse(ticket=ticket, actor=requester, text="Toujours en panne.")


@pytest.fixture
def service_address(category) -> InboundAddress:
    return InboundAddress.objects.create(category=category, email=SERVICE)


def test_every_requester_mail_carries_the_inbound_address_as_reply_to(
    service_address, make_ticket, agent, requester, colleague
):
    every_mail_kind(make_ticket, agent, requester, colleague)

    rows = list(OutboundEmail.objects.all())
    requester_rows = [row for row in rows if row.to == [requester.email]]
    assert {row.kind for row in requester_rows} == REQUESTER_KINDS
    assert {(row.kind, row.reply_to) for row in requester_rows} == {(kind, SERVICE) for kind in REQUESTER_KINDS}
    for row in requester_rows:
        assert build_message(row).message()["Reply-To"] == SERVICE
        assert "Merci de ne pas répondre" not in row.body_text + row.body_html
        assert "Vous pouvez répondre à ce courriel" in row.body_text
    agent_rows = [row for row in rows if row.to == [agent.email]]
    assert {row.kind for row in agent_rows} >= AGENT_KINDS
    assert {row.reply_to for row in agent_rows} == {""}


def test_mail_of_a_closed_ticket_says_a_reply_files_a_follow_up(service_address, make_ticket):
    make_ticket(TicketStatus.REJ)

    row = OutboundEmail.objects.get(kind="rejected")
    assert "votre réponse créera une demande de suite" in row.body_text


def test_the_address_may_be_the_sender_instead(service_address, make_ticket, requester, settings):
    settings.DEFAULT_FROM_EMAIL = "Guichet <guichet@univ.example.org>"
    service_address.reply_mode = ReplyMode.FROM
    service_address.save()

    make_ticket(TicketStatus.ECT)

    row = OutboundEmail.objects.get(kind="taken")
    assert (row.from_email, row.reply_to) == (f"Guichet <{SERVICE}>", "")
    assert build_message(row).message()["From"] == f"Guichet <{SERVICE}>"


def test_another_category_of_the_service_lends_its_address(make_ticket, category, requester):
    sibling = Category.objects.create(name="Wi-Fi", slug="wifi", parent=category.parent, service=category.service)
    InboundAddress.objects.create(category=sibling, email="wifi@univ.example.org")

    make_ticket(TicketStatus.NEW)

    assert OutboundEmail.objects.get(kind="acknowledgement").reply_to == "wifi@univ.example.org"


def test_without_an_inbound_address_mails_ask_not_to_reply(make_ticket):
    make_ticket(TicketStatus.NEW)

    row = OutboundEmail.objects.get(kind="acknowledgement")
    assert row.reply_to == ""
    assert "Merci de ne pas répondre à ce courriel." in row.body_text


def test_a_plain_reply_to_the_question_threads_through_the_real_pipeline(service_address, make_ticket, requester):
    ticket = make_ticket(TicketStatus.ARS)
    question = build_message(OutboundEmail.objects.get(kind="question")).message()
    # What "Répondre" does in a mail client: To = Reply-To, In-Reply-To/References = Message-ID, "RE: " subject.
    reply = (
        f"From: Camille Martin <{requester.email}>\r\n"
        f"To: {question['Reply-To']}\r\n"
        f"Subject: RE: {question['Subject']}\r\n"
        f"Message-ID: <reply-1@etu.example.org>\r\n"
        f"In-Reply-To: {question['Message-ID']}\r\n"
        f"References: {question['Message-ID']}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "La version 5.2.\r\n\r\n> Quelle version ?\r\n"
    ).encode()

    result = ingest(reply, source="mta")

    ticket.refresh_from_db()
    assert (result.outcome, result.ticket_reference, ticket.status) == (
        Outcome.CONTINUED,
        ticket.reference,
        TicketStatus.ECT,
    )
    assert ticket.messages.filter(kind=MessageKind.REQUESTER_INFO).get().body == "La version 5.2."
