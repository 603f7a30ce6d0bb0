"""Sender authentication of inbound mail (issue 14, items 5 and 12).

A forged ``From:`` plus ``[Guichet #N]`` used to answer the agent's
question (ARS → ECT). Now only an authenticated sender changes a ticket's
state: a reply to one of our signed Message-IDs, or our MTA's
``Authentication-Results`` (trusted authserv-id) with DMARC pass or
aligned DKIM pass.
"""

from __future__ import annotations

import zlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from helpdesk.mail import make_message_id
from helpdesk.models import OutboundEmail
from inbound.authentication import parse_authentication_results
from inbound.handler import Outcome
from inbound.models import InboundMessage
from inbound.parse import parse_message
from inbound.pipeline import ingest
from inbound.routing import ingest_run
from tickets.models import Channel, Ticket, TicketStatus

from .conftest import build_mail

pytestmark = pytest.mark.usefixtures("inbound_address")

MX = "mx.univ.example.org"
ANSWER = "Ma version est la 5.2, merci de fermer."


def forged_answer(ticket: Ticket, *, sender: str, top: tuple[str, ...] = (), **headers) -> bytes:
    """A reply found by the subject tag only; ``top`` headers are prepended as our MTA would."""
    raw = build_mail(
        sender=sender,
        subject=f"RE: [Guichet #{ticket.reference}] Messagerie",
        body=ANSWER,
        message_id=f"<forged-{ticket.reference}-{len(top)}-{zlib.crc32(repr(headers).encode())}@attacker.example>",
        headers=headers,
    )
    return b"".join(f"Authentication-Results: {value}\r\n".encode() for value in top) + raw


def ask_mails(ticket: Ticket) -> set[int]:
    return set(OutboundEmail.objects.filter(ticket_reference=ticket.reference).values_list("pk", flat=True))


def test_forged_from_with_subject_tag_does_not_answer_the_question(make_ticket, requester, tmp_path):
    ticket = make_ticket(TicketStatus.ARS)
    before = ask_mails(ticket)
    eml = tmp_path / "forged.eml"
    eml.write_bytes(forged_answer(ticket, sender=f"Camille <{requester.email}>"))

    call_command("ingest_email", "--file", str(eml), "--source", "mta")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ARS
    message = ticket.messages.get(body=ANSWER)
    assert (message.author, message.sender_verified) == (requester, False)
    inbound = InboundMessage.objects.get()
    assert inbound.ticket_message == message
    assert inbound.reason.startswith("sender not authenticated")
    notice = OutboundEmail.objects.exclude(pk__in=before).get(kind="unverified_mail")
    assert notice.to == [requester.email]
    assert notice.headers["Auto-Submitted"] == "auto-replied"
    assert ANSWER not in notice.body_text
    assert "Camille" not in notice.body_text


def test_the_agent_is_told_the_mail_is_unverified(make_ticket, requester, agent):
    ticket = make_ticket(TicketStatus.ARS)

    ingest(forged_answer(ticket, sender=requester.email), source="t")

    mail = OutboundEmail.objects.get(kind="requester_answered", to=[agent.email])
    assert "n'a pas pu être vérifié" in mail.body_text


def test_forged_mails_in_a_row_send_one_notice_an_hour(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ECT)

    for n in range(3):
        ingest(forged_answer(ticket, sender=requester.email, **{"X-N": str(n)}), source="t")

    assert ticket.messages.filter(sender_verified=False).count() == 3
    assert OutboundEmail.objects.filter(kind="unverified_mail").count() == 1


def test_unverified_notice_goes_to_the_requester_not_the_claimed_sender(make_ticket, requester, colleague):
    ticket = make_ticket(TicketStatus.ECT)

    ingest(forged_answer(ticket, sender=colleague.email), source="t")

    notice = OutboundEmail.objects.get(kind="unverified_mail")
    assert notice.to == [requester.email]
    assert ticket.messages.get(body=ANSWER).sender_verified is False


def test_unverified_message_is_flagged_on_the_agent_page(make_ticket, requester, agent, client_for):
    ticket = make_ticket(TicketStatus.ARS)
    ingest(forged_answer(ticket, sender=requester.email), source="t")

    page = client_for(agent).get(reverse("agent:ticket", args=[ticket.reference]))

    assert page.status_code == 200
    assert "badge--unverified" in page.content.decode()
    assert "expéditeur non vérifié" in page.content.decode()


def test_reply_to_our_signed_message_id_answers_the_question(make_ticket, requester):
    ticket = make_ticket(TicketStatus.ARS)

    result = ingest(
        forged_answer(
            ticket, sender=requester.email, **{"In-Reply-To": make_message_id(ticket_reference=ticket.reference)}
        ),
        source="t",
    )

    ticket.refresh_from_db()
    assert (result.outcome, ticket.status) == (Outcome.CONTINUED, TicketStatus.ECT)
    assert ticket.messages.get(body=ANSWER).sender_verified is True
    assert InboundMessage.objects.get().reason == "sender authenticated by message-id"


def test_signed_message_id_of_another_ticket_does_not_authenticate(make_ticket, requester):
    ticket, other = make_ticket(TicketStatus.ARS), make_ticket(TicketStatus.NEW, title="Autre")
    # The subject names ``ticket``; the signed reference is ``other``'s: it is ``other`` that is continued.
    ingest(
        forged_answer(ticket, sender=requester.email, References=make_message_id(ticket_reference=other.reference)),
        source="t",
    )

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ARS
    assert other.messages.get(body=ANSWER).sender_verified is True


@pytest.mark.parametrize(
    ("trusted", "top", "answered"),
    [
        # Our MTA says DMARC passed for the From domain.
        (MX, (f"{MX}; dkim=pass header.d=example.org; spf=pass; dmarc=pass (p=none) header.from=example.org",), True),
        # DKIM pass aligned with the From domain (relaxed: a parent domain signs).
        (MX, (f"{MX}; dkim=pass (2048-bit key) header.d=example.org header.i=@example.org",), True),
        # Two headers of our MTA in a row (one per filter) count together.
        (MX, (f"{MX}; spf=pass smtp.mailfrom=example.org", f"{MX}; dmarc=pass header.from=example.org"), True),
        # No trusted authserv-id configured: no header is believed.
        ("", (f"{MX}; dmarc=pass header.from=example.org",), False),
        # Another server's verdict.
        (MX, ("mx.attacker.example; dmarc=pass header.from=example.org",), False),
        # DKIM pass of an unrelated domain.
        (MX, (f"{MX}; dkim=pass header.d=attacker.example",), False),
        # DMARC fail wins over a DKIM pass.
        (MX, (f"{MX}; dkim=pass header.d=example.org; dmarc=fail header.from=example.org",), False),
        # SPF alone is not sender authentication of the From address.
        (MX, (f"{MX}; spf=pass smtp.mailfrom=example.org",), False),
    ],
)
def test_authentication_results_of_our_mta(make_ticket, requester, settings, trusted, top, answered):
    settings.GUICHET_INBOUND_TRUSTED_AUTHSERV_ID = trusted
    ticket = make_ticket(TicketStatus.ARS)

    ingest(forged_answer(ticket, sender=requester.email, top=top), source="t")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.messages.get(body=ANSWER).sender_verified) == (
        (TicketStatus.ECT, True) if answered else (TicketStatus.ARS, False)
    )


def test_a_trusted_looking_header_below_ours_is_the_senders_forgery(make_ticket, requester, settings):
    settings.GUICHET_INBOUND_TRUSTED_AUTHSERV_ID = MX
    ticket = make_ticket(TicketStatus.ARS)
    # Our MTA prepended its verdict (no DKIM signature); the attacker had written a "pass" in our name.
    raw = (
        f"Authentication-Results: {MX}; dkim=none; spf=softfail\r\n"
        f"Received: from attacker.example by {MX}\r\n"
        f"Authentication-Results: {MX}; dmarc=pass header.from=example.org\r\n"
    ).encode() + forged_answer(ticket, sender=requester.email)

    ingest(raw, source="t")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ARS


def test_parse_authentication_results_reads_comments_and_properties():
    authserv_id, results = parse_authentication_results(
        'MX.Univ.Example.org 1; dkim=pass (good (nested) signature) header.d=Univ.fr header.s="s1";\r\n'
        " dmarc=pass (p=reject dis=none) header.from=univ.fr"
    )

    assert authserv_id == "mx.univ.example.org"
    assert [(r.method, r.result, r.properties) for r in results] == [
        ("dkim", "pass", {"header.d": "univ.fr", "header.s": "s1"}),
        ("dmarc", "pass", {"header.from": "univ.fr"}),
    ]


def test_headers_parse_in_order_for_the_topmost_rule():
    parsed = parse_message(b"Authentication-Results: a; dmarc=pass\r\nAuthentication-Results: b; none\r\n\r\nx")

    assert [v for k, v in parsed.headers if k.lower() == "authentication-results"] == ["a; dmarc=pass", "b; none"]


# --- Issue 14 (12): automatic replies quote nothing the sender wrote ---------------------


def test_acknowledgement_of_a_mailed_request_quotes_nothing_of_the_mail(db, category):
    lure = "Votre compte expire : https://phishing.example/login"
    raw = build_mail(sender='"Service informatique https://phishing.example" <victim@example.net>', subject=lure)

    ingest(raw, source="t")

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.title) == (Channel.EMAIL, lure)
    ack = OutboundEmail.objects.get(kind="acknowledgement")
    assert ack.to == ["victim@example.net"]
    assert "phishing" not in ack.subject + ack.body_text + ack.body_html
    assert "Service informatique" not in ack.body_text + ack.body_html
    assert f"#{ticket.reference}" in ack.body_text


def test_acknowledgements_obey_a_global_hourly_limit(db, category, settings):
    settings.GUICHET_INBOUND_ACK_RATE_LIMIT_PER_HOUR = 2

    for n in range(3):
        ingest(build_mail(sender=f"person{n}@example.net", message_id=f"<m{n}@example.net>"), source="t")

    assert Ticket.objects.count() == 3
    assert sorted(OutboundEmail.objects.filter(kind="acknowledgement").values_list("to", flat=True)) == [
        ["person0@example.net"],
        ["person1@example.net"],
    ]


def test_acknowledgements_within_a_run_count_the_earlier_ones_and_their_own(db, category, settings):
    """A mailbox poll counts the hour's answers once, then adds those it writes."""
    settings.GUICHET_INBOUND_ACK_RATE_LIMIT_PER_HOUR = 3
    ingest(build_mail(sender="before@example.net", message_id="<before@example.net>"), source="t")  # outside a run

    with ingest_run():
        for n in range(4):
            ingest(build_mail(sender=f"person{n}@example.net", message_id=f"<m{n}@example.net>"), source="t")

    assert Ticket.objects.count() == 5
    assert sorted(OutboundEmail.objects.filter(kind="acknowledgement").values_list("to", flat=True)) == [
        ["before@example.net"],
        ["person0@example.net"],
        ["person1@example.net"],
    ]
