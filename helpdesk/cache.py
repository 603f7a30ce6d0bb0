"""A Redis cache that an outage cannot turn into failed requests.

Django's ``RedisCache`` raises on every call while Redis is down or hangs,
so one cache read inside a view or a transaction used to be a 500 and a
rolled-back action. ``TolerantRedisCache`` bounds every socket operation
(``GUICHET_CACHE_TIMEOUT``), and on a connection error or a timeout it logs
one warning, stops asking Redis for ``GUICHET_CACHE_RETRY_SECONDS`` and
serves the calls from this process's memory meanwhile:

- cached values (queue counts) are recomputed — they are only a shortcut;
- rate limits (allauth's login and signup limits use the ``default`` cache)
  keep counting per process instead of failing open everywhere or locking
  everyone out: weaker for an outage's duration, never a lock-out.

Chosen over a separate alias for rate limits because every user of the
cache needs the same protection, and one wrapper gives it to all.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The Redis errors that mean "not now" (as opposed to a bug in a call).
REDIS_UNAVAILABLE: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (*REDIS_UNAVAILABLE, OSError)

_PROXIED = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


def cache_settings(redis_url: str, *, timeout: float, retry_seconds: float) -> dict[str, Any]:
    """The ``CACHES["default"]`` of a deployment with Redis (used by settings and by the outage tests)."""
    return {
        "BACKEND": "helpdesk.cache.TolerantRedisCache",
        "LOCATION": redis_url,
        "OPTIONS": {
            # Passed to redis-py's connection pool: a Redis that accepts the
            # connection and never answers costs at most this long per call.
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "retry_seconds": retry_seconds,
        },
    }


class _ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` (its ~170 response callbacks, 50 µs) for
    every cache call — two or three per request. redis-py's client is thread-safe over its
    pool: one per pool is kept instead."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """``RedisCache`` falling back to process memory while Redis is unreachable (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("retry_seconds", 5.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _ReusedClientRedisCacheClient
        self.fallback = LocMemCache(f"tolerant-redis-fallback-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._redis_down_until = 0.0

    @property
    def is_degraded(self) -> bool:
        """True while calls are served from this process's memory."""
        return time.monotonic() < self._redis_down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.is_degraded:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except TRANSIENT_ERRORS as exc:
            self._redis_down_until = time.monotonic() + self.retry_seconds
            logger.warning(
                "cache: Redis unreachable (%s: %s); using this process's memory for %s s "
                "(cached counts recomputed, rate limits per process)",
                type(exc).__name__,
                exc,
                self.retry_seconds,
            )
            return getattr(self.fallback, name)(*args, **kwargs)


def _proxy(name: str):
    def method(self: TolerantRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in _PROXIED:
    setattr(TolerantRedisCache, _name, _proxy(_name))
