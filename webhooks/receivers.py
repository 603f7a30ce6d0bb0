"""Events → outbox rows, in the event's own transaction.

Connected in ``WebhooksConfig.ready`` to ``tickets.signals.ticket_event_recorded`` (sent inside
every workflow action) and ``knowledge.signals.article_published``. The sends are queued after
commit; a rolled-back action leaves no row and sends nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from tickets.models import EventAction
from tickets.status import CLOSED_STATES
from webhooks.models import Delivery, Subscription, WebhookEvent
from webhooks.tasks import queue_sends

ANY_ACTIVE_KEY = "webhooks:any-active"


def events_of(event: Any) -> list[str]:
    """The webhook events one ticket event stands for (a filing; a status change, which may close;…)."""
    found = []
    if event.action == EventAction.FILE:
        found.append(WebhookEvent.TICKET_FILED)
    elif event.from_status and event.from_status != event.to_status:
        found.append(WebhookEvent.STATUS_CHANGED)
        if event.to_status in CLOSED_STATES:
            found.append(WebhookEvent.CLOSED)
    if event.action == EventAction.ASSIGN:
        found.append(WebhookEvent.ASSIGNED)
    if event.message_id is not None:
        found.append(WebhookEvent.MESSAGE_ADDED)
    return found


def ticket_payload(event: Any) -> dict[str, Any]:
    ticket = event.ticket
    payload = {
        "ticket": {
            "reference": ticket.reference,
            "title": ticket.title,
            "status": ticket.status,
            "service": ticket.service.slug,
            "category": ticket.category.slug,
            "version": ticket.version,
        },
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": str(event.actor) if event.actor else None,
        "at": event.created.isoformat(),
    }
    if event.message is not None:
        message = event.message
        payload["message"] = {
            "id": message.pk,
            "kind": message.kind,
            "internal": message.is_internal,
            "body": message.body,
        }
    return payload


def subscribers(event: str, service_id: int | None) -> list[Subscription]:
    """Active subscriptions to ``event`` for that service (or every service); few rows, filtered here."""
    found = []
    for subscription in Subscription.objects.filter(is_active=True).prefetch_related("services"):
        services = {s.pk for s in subscription.services.all()}
        if event in subscription.events and (not services or service_id in services):
            found.append(subscription)
    return found


def queue_deliveries(event: str, payload: dict[str, Any], service_id: int | None) -> list[Delivery]:
    now = timezone.now()
    rows = [
        Delivery.objects.create(subscription=s, event=event, payload={"event": event, **payload}, next_attempt_at=now)
        for s in subscribers(event, service_id)
    ]
    if rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: queue_sends(ids), robust=True)
    return rows


def any_active() -> bool:
    """Whether any subscription is active, from the cache: most sites have none, and a workflow
    action should not pay a query for it (forgotten whenever a subscription is saved or deleted)."""
    found = cache.get(ANY_ACTIVE_KEY)
    if found is None:
        found = Subscription.objects.filter(is_active=True).exists()
        cache.set(ANY_ACTIVE_KEY, found, 300)
    return found


def forget_active(**kwargs: Any) -> None:
    cache.delete(ANY_ACTIVE_KEY)


def on_ticket_event(sender: Any, event: Any, **kwargs: Any) -> None:
    kinds = events_of(event)
    if not kinds or not any_active():
        return
    payload = ticket_payload(event)
    for kind in kinds:
        queue_deliveries(kind, payload, event.ticket.service_id)


def on_article_published(sender: Any, article: Any, **kwargs: Any) -> None:
    if not any_active():
        return
    category = article.category
    payload = {"article": {"id": article.pk, "title": article.title, "category": category.slug if category else None}}
    queue_deliveries(WebhookEvent.ARTICLE_PUBLISHED, payload, category.service_id if category else None)
