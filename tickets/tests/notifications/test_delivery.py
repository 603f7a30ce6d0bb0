"""Ticket mails end to end: the filing page, a real Celery worker on the real
broker (Redis when REDIS_URL is set) and a real SMTP server."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from helpdesk.mail import sweep_outbox
from helpdesk.models import OutboundEmail, OutboundStatus
from helpdesk.tasks import sweep_outbox as sweep_outbox_task
from helpdesk.testing.smtp import free_port
from tickets import workflow as wf
from tickets.models import Ticket
from tickets.status import TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)

FORM = {"title": "Messagerie inaccessible", "description": "Erreur 500 depuis ce matin.", "impact": "3",
        "urgency": "3", "step": "submit"}  # fmt: skip


def file_through_the_page(client, category) -> tuple[Ticket, float]:
    started = time.monotonic()
    response = client.post(f"/demandes/nouvelle/{category.slug}/", FORM)
    elapsed = time.monotonic() - started
    ticket = Ticket.objects.get(title=FORM["title"])
    assert response.status_code == 302, response.content.decode()[:2000]
    return ticket, elapsed


def test_filing_sends_exactly_the_expected_mails(celery_worker, smtp, requester, agent, category, client_for):
    ticket, _elapsed = file_through_the_page(client_for(requester), category)
    received = smtp.wait_for(2)
    time.sleep(1)  # nothing else, nothing twice
    assert len(smtp.received) == 2
    by_recipient = {mail.rcpt_tos[0]: mail for mail in received}
    assert set(by_recipient) == {requester.email, agent.email}
    rows = {row.to[0]: row for row in OutboundEmail.objects.filter(ticket_reference=ticket.reference)}

    ack = by_recipient[requester.email]
    assert ack["Subject"] == f"[Guichet #{ticket.reference}] Votre demande a bien été reçue"
    assert ack["Auto-Submitted"] == "auto-generated"
    assert ack["Message-ID"] == rows[requester.email].message_id
    assert ack["X-Guichet-Ticket"] == str(ticket.reference)
    link = f"{settings.SITE_URL}/demandes/{ticket.reference}/"
    assert link in ack.body("text/plain")
    assert f'href="{link}"' in ack.body("text/html")

    queue = by_recipient[agent.email]
    assert queue["Subject"] == f"[Guichet #{ticket.reference}] Nouvelle demande : Messagerie inaccessible"
    assert queue["Message-ID"] == rows[agent.email].message_id
    assert link in queue.body("text/plain")
    end = time.monotonic() + 10
    while OutboundEmail.objects.exclude(status=OutboundStatus.SENT).exists() and time.monotonic() < end:
        time.sleep(0.1)
    assert sorted(OutboundEmail.objects.values_list("status", "attempts")) == [(OutboundStatus.SENT, 1)] * 2


def test_broker_down_at_filing_saves_the_ticket_fast_and_mails_after_recovery(
    celery_worker, smtp, settings, requester, agent, category, client_for
):
    real_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    ticket, elapsed = file_through_the_page(client_for(requester), category)
    assert elapsed < 3, f"filing waited {elapsed:.1f}s on the broker"
    assert ticket.status == TicketStatus.NEW
    time.sleep(1)
    assert smtp.received == []
    assert sorted(OutboundEmail.objects.values_list("status", flat=True)) == [OutboundStatus.PENDING] * 2

    settings.CELERY_BROKER_URL = real_broker  # the broker is back: the every-minute sweep runs
    assert sweep_outbox_task.delay().get(timeout=30)["sent"] == 2
    assert sweep_outbox_task.delay().get(timeout=30)["sent"] == 0
    assert sorted(mail.rcpt_tos[0] for mail in smtp.received) == sorted([requester.email, agent.email])


def test_smtp_refusing_then_accepting_delivers_one_mail(celery_worker, smtp, make_ticket, requester, agent):
    ticket = make_ticket()
    smtp.wait_for(1)
    time.sleep(0.5)
    smtp.reset()
    smtp.refuse(1)
    wf.ticket_reject(ticket=ticket, actor=agent, text="Hors périmètre.")
    row = OutboundEmail.objects.get(kind="rejected")
    end = time.monotonic() + 30
    while row.attempts == 0 or row.status == OutboundStatus.SENDING:
        assert time.monotonic() < end, "the worker never tried"
        time.sleep(0.1)
        row.refresh_from_db()
    assert (row.status, smtp.handler.refused, smtp.received) == (OutboundStatus.PENDING, 1, [])
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert sweep_outbox().sent == 1
        assert sweep_outbox().sent == 0
    [mail] = smtp.received
    assert (mail["Message-ID"], mail.rcpt_tos) == (row.message_id, [requester.email])
    assert "Hors périmètre." in mail.body("text/plain")
