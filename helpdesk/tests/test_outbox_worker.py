"""The outbox end to end: a real Celery worker (Redis when REDIS_URL is set,
the file-system broker otherwise) sending to a real SMTP server."""

import socket
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from helpdesk.mail import queue_email, sweep_outbox, ticket_subject
from helpdesk.models import OutboundEmail, OutboundStatus
from helpdesk.tasks import sweep_outbox as sweep_outbox_task
from helpdesk.testing.smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def queue(subject: str = "Votre demande a bien été reçue") -> OutboundEmail:
    return queue_email(
        to="camille@example.org",
        subject=ticket_subject(12, subject),
        template="email/notification",
        context={"paragraphs": ["Nous avons bien reçu votre demande."], "action_url": "http://testserver/lien/x"},
        language="fr",
        kind="acknowledgement",
        ticket_reference=12,
    )


def wait_for_row(pk: int, predicate, timeout: float = 30.0) -> OutboundEmail:
    end = time.monotonic() + timeout
    while True:
        row = OutboundEmail.objects.get(pk=pk)
        if predicate(row) or time.monotonic() > end:
            return row
        time.sleep(0.1)


def test_queue_email_is_sent_once_by_the_worker_after_commit(celery_worker, smtp):
    with transaction.atomic():
        row = queue()
        time.sleep(1)  # a worker that jumped the gun would have had time to send
        assert smtp.received == []
    [mail] = smtp.wait_for(1)
    assert (mail["Message-ID"], mail["Subject"], mail["Auto-Submitted"], mail["X-Guichet-Ticket"]) == (
        row.message_id,
        "[Guichet #12] Votre demande a bien été reçue",
        "auto-generated",
        "12",
    )
    assert [part.get_content_type() for part in mail.message.iter_parts()] == ["text/plain", "text/html"]
    assert "Nous avons bien reçu votre demande." in mail.body("text/plain")
    row = wait_for_row(row.pk, lambda r: r.status == OutboundStatus.SENT)
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 1)
    time.sleep(1)
    assert len(smtp.received) == 1


def test_queue_email_rolled_back_sends_nothing(celery_worker, smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the event failed")
    assert OutboundEmail.objects.count() == 0
    assert sweep_outbox_task.delay().get(timeout=30)["sent"] == 0
    assert smtp.received == []


def test_broker_down_request_returns_fast_then_sweep_sends_once(celery_worker, smtp, settings):
    # Producer side only: this process publishes to a port where no broker
    # listens; the worker keeps consuming the real broker.
    real_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    with transaction.atomic():
        row = queue()
    elapsed = time.monotonic() - started
    assert elapsed < 3, f"the commit waited {elapsed:.1f}s on the broker"
    time.sleep(1)
    row.refresh_from_db()
    assert (row.status, row.attempts, smtp.received) == (OutboundStatus.PENDING, 0, [])

    settings.CELERY_BROKER_URL = real_broker  # the broker is back
    report = sweep_outbox_task.delay().get(timeout=30)
    assert report["sent"] == 1
    [mail] = smtp.received
    assert mail["Message-ID"] == row.message_id
    assert sweep_outbox_task.delay().get(timeout=30)["sent"] == 0
    assert len(smtp.received) == 1


def test_broker_down_later_mails_do_not_wait_either(smtp, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    started = time.monotonic()
    for _request in range(5):
        with transaction.atomic():
            queue()
    assert time.monotonic() - started < 3
    assert OutboundEmail.objects.filter(status=OutboundStatus.PENDING).count() == 5


def test_broker_hanging_request_returns_fast(smtp, settings):
    # A "broker" that accepts the TCP connection and never says a word: the
    # worst case, where a publish without socket timeouts blocks forever.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        with transaction.atomic():
            row = queue()
        elapsed = time.monotonic() - started
    assert elapsed < 3, f"the commit waited {elapsed:.1f}s on the broker"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.PENDING, 0)


def test_smtp_refusing_then_accepting_delivers_one_mail(celery_worker, smtp):
    smtp.refuse(1)
    with transaction.atomic():
        row = queue()
    row = wait_for_row(row.pk, lambda r: r.attempts == 1 and r.status == OutboundStatus.PENDING)
    assert (row.status, row.attempts, smtp.handler.refused, smtp.received) == (OutboundStatus.PENDING, 1, 1, [])
    assert "451" in row.last_error
    # The worker recorded the back-off; one minute later the sweeper retries.
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert sweep_outbox().sent == 1
    assert sweep_outbox().sent == 0
    [mail] = smtp.received
    assert mail["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundStatus.SENT, 2)
