"""Sending one delivery: sign, check the destination again, POST, log, retry later or give up.

After ``GUICHET_WEBHOOK_MAX_FAILURES`` consecutive failed attempts of a subscription it is
switched off and its owner gets a mail; a success resets the count. A delivery is tried at
most ``GUICHET_WEBHOOK_MAX_ATTEMPTS`` times, ``RETRY_BASE × 2^n`` seconds apart.
"""

from __future__ import annotations

import datetime
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.mail.compose import queue_email
from webhooks import destinations
from webhooks.models import Delivery, DeliveryAttempt, DeliveryStatus, Subscription
from webhooks.signing import signature

logger = logging.getLogger(__name__)


def headers_for(delivery: Delivery, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": "Guichet-Webhooks/1",
        "X-Guichet-Event": delivery.event,
        "X-Guichet-Delivery": str(delivery.pk),
        "X-Guichet-Timestamp": timestamp,
        "X-Guichet-Signature": signature(delivery.subscription.secret, timestamp, body),
    }


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.GUICHET_WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def claim(delivery_id: int, now: datetime.datetime) -> bool:
    """Take a due delivery for this worker: its next attempt moves past the send's longest wait, so no
    other worker (nor the sweep) sends it meanwhile; a worker that dies leaves it due again then."""
    hold = datetime.timedelta(seconds=settings.GUICHET_WEBHOOK_TIMEOUT * 3 + 30)
    return bool(
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now).update(
            next_attempt_at=now + hold
        )
    )


def deliver(*, delivery_id: int) -> str | None:
    """Try one due delivery now; returns its status afterwards (None: nothing to do).

    The POST happens outside any transaction: no row lock (nor SQLite's write lock) is held while
    a receiver takes its time."""
    if not claim(delivery_id, timezone.now()):
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)
        return DeliveryStatus.FAILED
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    started = time.monotonic()
    code, error = None, ""
    try:
        code = destinations.post(
            subscription.url, body, headers_for(delivery, body), timeout=settings.GUICHET_WEBHOOK_TIMEOUT
        )
    except destinations.DestinationRefused as exc:
        error = exc.message
    except OSError as exc:  # refused, reset, timed out, TLS, name resolution
        error = f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            response_code=code,
            error=error[:300],
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        delivery.attempts += 1
        now = timezone.now()
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.delivered_at = DeliveryStatus.SENT, now
            Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        else:
            disabled = _count_failure(subscription)
            if disabled or delivery.attempts >= settings.GUICHET_WEBHOOK_MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return delivery.status


def _count_failure(subscription: Subscription) -> bool:
    """Count one more failure; True when that switched the subscription off."""
    Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    subscription.refresh_from_db(fields=["consecutive_failures", "is_active"])
    if subscription.is_active and subscription.consecutive_failures >= settings.GUICHET_WEBHOOK_MAX_FAILURES:
        Subscription.objects.filter(pk=subscription.pk).update(is_active=False, disabled_at=timezone.now())
        Delivery.objects.filter(subscription=subscription, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED
        )
        logger.warning(
            "webhooks: subscription %s disabled after %s failures", subscription.pk, subscription.consecutive_failures
        )
        owner = subscription.owner
        queue_email(
            to=owner.email,
            subject=_("Webhook désactivé après des échecs répétés"),
            template="email/notification",
            context={
                "paragraphs": [
                    _("Les envois vers %(url)s ont échoué %(count)d fois de suite : l'abonnement est désactivé.")
                    % {"url": subscription.url, "count": subscription.consecutive_failures},
                    _("Corrigez le destinataire puis réactivez l'abonnement depuis la page des webhooks."),
                ]
            },
            language=getattr(owner, "language", "") or None,
            kind="webhook_disabled",
        )
        return True
    return False


def due_deliveries(*, now: datetime.datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
