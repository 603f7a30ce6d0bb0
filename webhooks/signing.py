"""The signature receivers check (documented in README, section API):

``X-Guichet-Signature: sha256=<hex>`` where hex is HMAC-SHA256, keyed with the subscription's
secret, of ``<X-Guichet-Timestamp>.<raw body>`` (the timestamp in Unix seconds, a dot, the bytes).
Receivers refuse a timestamp more than ``REPLAY_WINDOW`` seconds away from their clock.
"""

from __future__ import annotations

import hashlib
import hmac

REPLAY_WINDOW = 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def is_valid(secret: str, timestamp: str, body: bytes, header: str, *, now: float) -> bool:
    """What a receiver does (and what the tests do): right signature, fresh timestamp."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > REPLAY_WINDOW:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), header)
