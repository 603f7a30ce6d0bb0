"""Project-wide Celery tasks."""

import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task
def ping() -> str:
    """Answer ``pong``: lets tests and operators prove a worker consumes the queue."""
    return "pong"


@shared_task
def heartbeat() -> str:
    now = timezone.now().isoformat()
    logger.info("heartbeat %s", now)
    return now
