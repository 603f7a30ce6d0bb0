"""Checks behind ``/healthz``: does each backing service answer, in time?

Every check runs in its own thread and the whole run has one deadline
(``GUICHET_HEALTH_DEADLINE_SECONDS``): a server that accepts connections and
never answers makes its check fail at the deadline instead of hanging the
request until gunicorn kills the worker. The checks also bound their own
sockets (connect and read timeouts, a statement timeout on PostgreSQL) so
that an abandoned thread ends soon after.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections
from kombu import Connection

logger = logging.getLogger(__name__)


def _deadline_ms() -> int:
    return int(settings.GUICHET_HEALTH_DEADLINE_SECONDS * 1000)


def check_database() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET statement_timeout = %s", [_deadline_ms()])
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    timeout = settings.GUICHET_HEALTH_DEADLINE_SECONDS
    transport_options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # Without a read timeout, a Redis that accepts and never answers hangs here.
        transport_options.update(socket_timeout=timeout, socket_connect_timeout=timeout)
    with Connection(
        settings.CELERY_BROKER_URL,
        transport_options=transport_options,
        connect_timeout=min(timeout, settings.CELERY_BROKER_CONNECTION_TIMEOUT),
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        _ = conn.default_channel  # the Redis transport talks to the server only here


def check_storage() -> None:
    name = default_storage.save("healthz/probe.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
}


def _run_one(name: str, check: Callable[[], None], outcome: dict[str, bool]) -> None:
    try:
        check()
    except Exception:
        logger.exception("health check %s failed", name)
        outcome[name] = False
    else:
        outcome[name] = True
    finally:
        connections.close_all()  # this thread's connections only


def run_checks(*, deadline: float | None = None) -> dict[str, bool]:
    """Run every check at once; one that fails or has not answered by the deadline is False.

    Never raises and returns within ``deadline`` seconds (plus thread start-up)."""
    deadline = settings.GUICHET_HEALTH_DEADLINE_SECONDS if deadline is None else deadline
    outcome: dict[str, bool] = {}
    threads = []
    for name, check in CHECKS.items():
        thread = threading.Thread(target=_run_one, args=(name, check, outcome), name=f"healthz-{name}", daemon=True)
        thread.start()
        threads.append((name, thread))
    end = time.monotonic() + deadline
    results = {}
    for name, thread in threads:
        thread.join(max(end - time.monotonic(), 0))
        if thread.is_alive():
            logger.error("health check %s gave no answer within %s s", name, deadline)
        results[name] = outcome.get(name, False)
    return results
