"""Celery tasks of webhooks: thin, they take ids and call ``webhooks.delivery``."""

from __future__ import annotations

import logging

from celery import shared_task

from webhooks.delivery import deliver, due_deliveries, retry_delay
from webhooks.models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_delivery(delivery_id: int) -> None:
    status = deliver(delivery_id=delivery_id)
    if status == DeliveryStatus.PENDING:  # failed, to retry after the back-off (the sweep catches a lost one)
        attempts = Delivery.objects.filter(pk=delivery_id).values_list("attempts", flat=True).first() or 1
        send_delivery.apply_async((delivery_id,), countdown=retry_delay(attempts).total_seconds())


@shared_task(ignore_result=True)
def sweep_deliveries() -> None:
    """Every minute (helpdesk.schedule): deliveries whose time has come and whose task was lost."""
    for delivery_id in due_deliveries():
        deliver(delivery_id=delivery_id)


def queue_sends(ids: list[int]) -> None:
    """After commit: one task per delivery; a broker outage leaves them to the sweep."""
    for delivery_id in ids:
        try:
            send_delivery.delay(delivery_id)
        except Exception:  # the broker is away: sweep_deliveries sends it within a minute
            logger.warning("webhooks: could not queue delivery %s", delivery_id, exc_info=True)
