"""Webhook deliveries to a real HTTP server: written with the event, signed, retried, disabled, SSRF-guarded."""

from __future__ import annotations

import json
import time

import pytest
from django.db import transaction

from helpdesk.models import OutboundEmail
from tickets import workflow as wf
from tickets.status import TicketStatus
from webhooks.delivery import deliver
from webhooks.destinations import DestinationRefused, checked_address
from webhooks.models import Delivery, DeliveryStatus, Subscription, WebhookEvent
from webhooks.signing import is_valid
from webhooks.tasks import sweep_deliveries

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(receiver, manager, service):
    sub = Subscription.objects.create(owner=manager, url=receiver.url, events=list(WebhookEvent.values))
    sub.services.add(service)
    return sub


def test_filing_writes_a_delivery_in_the_transaction_and_the_receiver_verifies_it(receiver, subscription, make_ticket):
    ticket = make_ticket()
    (delivery,) = Delivery.objects.filter(event=WebhookEvent.TICKET_FILED)
    assert deliver(delivery_id=delivery.pk) == DeliveryStatus.SENT
    ((headers, body),) = receiver.requests
    assert is_valid(subscription.secret, headers["X-Guichet-Timestamp"], body, headers["X-Guichet-Signature"],
                    now=time.time())  # fmt: skip
    assert not is_valid("autre-secret", headers["X-Guichet-Timestamp"], body, headers["X-Guichet-Signature"],
                        now=time.time())  # fmt: skip
    assert not is_valid(subscription.secret, headers["X-Guichet-Timestamp"], body, headers["X-Guichet-Signature"],
                        now=time.time() + 3600)  # replayed an hour later  # fmt: skip
    payload = json.loads(body)
    assert (payload["event"], payload["ticket"]["reference"], headers["X-Guichet-Event"]) == (
        "ticket.filed",
        ticket.reference,
        "ticket.filed",
    )
    assert delivery.log.get().response_code == 200


def test_events_of_a_workflow_action(subscription, make_ticket, agent):
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="reply", text="Voici la marche à suivre.")
    ticket.refresh_from_db()
    wf.ticket_reject(ticket=ticket, actor=agent, text="Hors périmètre.")
    events = sorted(Delivery.objects.values_list("event", flat=True))
    assert events == sorted(["ticket.filed", "ticket.status_changed", "ticket.message_added", "ticket.status_changed",
                             "ticket.closed"])  # fmt: skip


def test_rolled_back_action_leaves_no_delivery(subscription, make_ticket, agent):
    ticket = make_ticket()
    before = Delivery.objects.count()
    with transaction.atomic():
        wf.ticket_take(ticket=ticket, actor=agent)
        transaction.set_rollback(True)
    assert Delivery.objects.count() == before


def test_other_services_events_are_not_sent(subscription, other_category, outsider):
    wf.ticket_file(requester=outsider, category=other_category, title="Inscription", description="Bloquée")
    assert Delivery.objects.count() == 0


def test_retried_after_500_and_delivered_exactly_once(receiver, subscription, make_ticket, settings):
    settings.GUICHET_WEBHOOK_RETRY_BASE_SECONDS = 0
    receiver.codes = [500]
    make_ticket()
    delivery = Delivery.objects.get()
    assert deliver(delivery_id=delivery.pk) == DeliveryStatus.PENDING
    sweep_deliveries()  # the retry, due at once here
    sweep_deliveries()  # nothing left to send
    assert deliver(delivery_id=delivery.pk) is None
    delivery.refresh_from_db()
    assert [attempt.response_code for attempt in delivery.log.order_by("pk")] == [500, 200]
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == (DeliveryStatus.SENT, 2, 2)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0


def test_disabled_after_n_failures_and_owner_mailed(receiver, subscription, make_ticket, settings, manager):
    settings.GUICHET_WEBHOOK_MAX_FAILURES = 3
    receiver.codes = [500] * 10
    for n in range(3):
        make_ticket(title=f"Demande {n}")
    for delivery in Delivery.objects.order_by("pk"):
        deliver(delivery_id=delivery.pk)
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures, len(receiver.requests)) == (False, 3, 3)
    assert OutboundEmail.objects.filter(kind="webhook_disabled", to=[manager.email]).count() == 1
    make_ticket(title="Après désactivation")
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).count() == 0


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://localhost:8000/", "http://169.254.169.254/latest",
                                 "http://10.0.0.1/", "http://[::1]/", "ftp://example.org/"])  # fmt: skip
def test_ssrf_destinations_refused(url, settings):
    settings.GUICHET_WEBHOOK_ALLOWED_NETWORKS = []
    with pytest.raises(DestinationRefused):
        checked_address(url)


def test_destination_checked_again_at_delivery(receiver, subscription, make_ticket, settings):
    make_ticket()
    settings.GUICHET_WEBHOOK_ALLOWED_NETWORKS = []  # the allow-list changed since the subscription was saved
    delivery = Delivery.objects.get()
    assert deliver(delivery_id=delivery.pk) == DeliveryStatus.PENDING
    assert (receiver.requests, "interne" in delivery.log.get().error) == ([], True)


def test_article_published_is_sent(receiver, subscription, category):
    from knowledge.models import Article
    from knowledge.services import article_publish

    subscription.events = [WebhookEvent.ARTICLE_PUBLISHED]
    subscription.save()
    article = Article.objects.create(
        title="Réinitialiser son mot de passe", problem="p", solution="s", category=category
    )
    article_publish(article=article, editor=None)
    delivery = Delivery.objects.get()
    assert (delivery.event, delivery.payload["article"]["id"]) == ("article.published", article.pk)


def test_a_delivery_is_claimed_by_one_worker_only(subscription, make_ticket):
    from django.utils import timezone

    from webhooks.delivery import claim

    make_ticket()
    delivery = Delivery.objects.get()
    now = timezone.now()
    assert (claim(delivery.pk, now), claim(delivery.pk, now)) == (True, False)
    assert deliver(delivery_id=delivery.pk) is None  # held by the first worker
