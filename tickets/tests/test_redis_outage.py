"""A Redis outage delays mail and loses nothing: every write still succeeds (issue 23).

Redis is real here: a port where nothing listens (``dead_redis``), or a
``redis-server`` the test stops and starts again (``redis_server``), wired
the way the README's production section does it (one ``REDIS_URL`` for the
cache and the broker, ``DEBUG=False``).
"""

from __future__ import annotations

import io
import time

import pytest
from django.core.cache import cache
from django.dispatch import receiver
from django.test import Client
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from conftest import PASSWORD
from helpdesk.cache import cache_settings
from helpdesk.mail import sweep_outbox
from helpdesk.models import OutboundEmail, OutboundStatus
from helpdesk.testing.redis import RedisServer
from helpdesk.testing.smtp import free_port
from inbound.models import InboundMessage, Quarantine
from inbound.sources import EX_OK, EX_TEMPFAIL, ingest_stream
from tickets.models import Ticket
from tickets.signals import ticket_event_recorded
from tickets.status import TicketStatus


def use_redis(settings, url: str) -> None:
    """The production wiring: one REDIS_URL for cache and broker."""
    settings.DEBUG = False
    settings.CACHES = {"default": cache_settings(url, timeout=0.5, retry_seconds=0.2)}
    settings.CELERY_BROKER_URL = url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.GUICHET_OUTBOX_BROKER_BACKOFF_SECONDS = 0


@pytest.fixture
def dead_redis(settings):
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    use_redis(settings, url)
    return url


@pytest.fixture
def redis_server(settings):
    server = RedisServer()
    server.start()
    use_redis(settings, server.url())
    yield server
    server.stop()


def file_ticket(client: Client, category) -> int:
    response = client.post(
        reverse("tickets:file", args=[category.slug]),
        {"title": "Wi-Fi coupé", "description": "Plus de réseau en salle B12.", "step": "submit"},
    )
    assert response.status_code == 302, response.content[:500]
    return Ticket.objects.latest("pk").reference


def mail_for(ticket: Ticket) -> list[tuple[str, list[str]]]:
    return list(OutboundEmail.objects.filter(ticket_reference=ticket.reference).values_list("status", "to"))


@pytest.mark.django_db
def test_login_filing_an_agent_action_and_the_queue_work_with_redis_down(
    dead_redis, category, requester, agent, django_capture_on_commit_callbacks
):
    client = Client()
    login = client.post(reverse("account_login"), {"login": requester.email, "password": PASSWORD})
    assert (login.status_code, login["Location"]) == (302, "/")
    with django_capture_on_commit_callbacks(execute=True):
        reference = file_ticket(client, category)
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.status == TicketStatus.NEW

    staff = Client()
    staff.force_login(agent)
    assert staff.get(reverse("agent:queue")).status_code == 200  # counts computed without the cache
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("agent:take", args=[reference]), {"version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (TicketStatus.ECT, agent)
    # The mails wait in the outbox for the sweeper (the broker is the same Redis).
    assert {status for status, _to in mail_for(ticket)} == {OutboundStatus.PENDING}


@pytest.mark.django_db
def test_failed_logins_are_still_limited_per_process_while_redis_is_down(dead_redis, requester, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/key"}
    client = Client()
    limited = [
        "Trop de tentatives"
        in client.post(reverse("account_login"), {"login": requester.email, "password": "wrong"}).content.decode()
        for _attempt in range(4)
    ]
    assert limited == [False, False, False, True]


@pytest.mark.django_db
def test_mail_goes_out_after_redis_returns(redis_server, category, requester, smtp, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(requester)
    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        reference = file_ticket(client, category)
    ticket = Ticket.objects.get(reference=reference)
    assert mail_for(ticket) == [(OutboundStatus.PENDING, [requester.email])]
    assert smtp.received == []

    redis_server.start()  # same port: Redis is back
    time.sleep(0.3)  # the cache's retry_seconds
    # What the every-minute ``sweep-outbox`` does once beat can reach the broker again.
    assert sweep_outbox().sent == 1
    assert mail_for(ticket) == [(OutboundStatus.SENT, [requester.email])]
    assert [m.rcpt_tos for m in smtp.wait_for(1)] == [[requester.email]]
    cache.set("after-outage", "ok")
    assert cache.get("after-outage") == "ok"
    assert cache.is_degraded is False


MAIL = (
    b"From: Camille Martin <camille@example.org>\r\nTo: dsi@univ.example\r\n"
    b"Subject: Imprimante en panne\r\nMessage-ID: <outage-1@example.org>\r\n\r\n"
    b"L'imprimante du 2e etage ne repond plus.\r\n"
)


@pytest.mark.django_db
def test_inbound_mail_taken_during_the_outage_files_itself_and_is_answered_after(
    redis_server, category, requester, smtp, settings, django_capture_on_commit_callbacks
):
    settings.GUICHET_INBOUND_DEFAULT_CATEGORY = category.slug
    redis_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        assert ingest_stream(io.BytesIO(MAIL)) == EX_OK
    inbound = InboundMessage.objects.get()
    assert (inbound.outcome, Quarantine.objects.count()) == ("filed", 0)
    redis_server.start()
    time.sleep(0.3)
    assert sweep_outbox().sent == len(mail_for(inbound.ticket)) >= 1
    assert all(status == OutboundStatus.SENT for status, _to in mail_for(inbound.ticket))


@pytest.mark.django_db
def test_inbound_mail_hit_by_a_redis_error_is_offered_again_not_quarantined(dead_redis, category, settings):
    """Should Redis fail where nothing tolerates it, the message is not parked for an
    administrator: the MTA is told to retry (EX_TEMPFAIL) and the retry files it."""
    settings.GUICHET_INBOUND_DEFAULT_CATEGORY = category.slug
    failures = [RedisConnectionError("Connection refused")]

    @receiver(ticket_event_recorded, dispatch_uid="test-redis-outage")
    def redis_fails_once(sender, **kwargs):
        if failures:
            raise failures.pop()

    try:
        assert ingest_stream(io.BytesIO(MAIL)) == EX_TEMPFAIL
        assert (InboundMessage.objects.count(), Quarantine.objects.count(), Ticket.objects.count()) == (0, 0, 0)
        assert ingest_stream(io.BytesIO(MAIL)) == EX_OK  # the MTA's retry
    finally:
        ticket_event_recorded.disconnect(dispatch_uid="test-redis-outage")
    assert (InboundMessage.objects.get().outcome, Quarantine.objects.count()) == ("filed", 0)
