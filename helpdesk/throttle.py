"""``once_per(key, seconds)``: True at most once per ``seconds`` for ``key``, across processes.

For writes that a reload need not repeat (presence, the access trail): the
first call in the window wins, through the cache's atomic ``add``; this
process then remembers the window itself, so that its next calls cost no
round trip at all. A cache outage makes ``add`` answer True (``helpdesk.cache``
falls back to process memory): more writes, never fewer.
"""

from __future__ import annotations

import time

from django.core.cache import cache

# key -> monotonic time until which this process knows the key is taken.
_known: dict[str, float] = {}
_KNOWN_MAX = 20_000  # entries; forgotten all at once beyond it (the cache still answers)


def once_per(key: str, seconds: float) -> bool:
    now = time.monotonic()
    if _known.get(key, 0.0) > now:
        return False
    if len(_known) >= _KNOWN_MAX:
        _known.clear()
    won = cache.add(f"once:{key}", 1, seconds)
    # Taken by another process: its window ends at an unknown time within ``seconds``; ask again sooner.
    _known[key] = now + (seconds if won else seconds / 4)
    return won


def forget(key: str | None = None) -> None:
    """Forget ``key`` (all keys when None), here and in the cache: the next ``once_per`` wins."""
    keys = [key] if key is not None else list(_known)
    for name in keys:
        _known.pop(name, None)
        cache.delete(f"once:{name}")
