"""Checks behind ``/healthz``: does each backing service answer?"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        connect_timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT,
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)


def check_storage() -> None:
    name = default_storage.save("healthz/probe.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}


def run_checks() -> dict[str, bool]:
    """Run every check; a failing one is logged and reported, never raised."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("health check %s failed", name)
            results[name] = False
        else:
            results[name] = True
    return results
