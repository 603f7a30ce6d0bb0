"""What the queue remembers for each agent: its last filters and tab, and whether the filter panel is open.

Kept server-side on the user row (``User.queue_state``, read with the session's
user: no extra query), so it follows the agent from one computer to another.
A visit with filters in its address remembers them; a visit without (the
"File d'attente" link, the landing after login) restores them. The keyset
cursor is never remembered: coming back starts at the first page.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

NOT_REMEMBERED = ("after", "page")


def remembered_query(user: Any) -> QueryDict:
    return QueryDict((user.queue_state or {}).get("query", ""))


def remember_query(user: Any, params: QueryDict) -> None:
    """Save ``params`` (less the cursor) as the user's queue filters; no write when unchanged."""
    kept = params.copy()
    for name in NOT_REMEMBERED:
        kept.pop(name, None)
    query = kept.urlencode()
    state = dict(user.queue_state or {})
    if state.get("query", "") != query:
        state["query"] = query
        _save(user, state)


def panel_open(user: Any) -> bool:
    return bool((user.queue_state or {}).get("panel_open", False))


def remember_panel(user: Any, *, is_open: bool) -> None:
    state = dict(user.queue_state or {})
    if state.get("panel_open", False) != is_open:
        state["panel_open"] = is_open
        _save(user, state)


def _save(user: Any, state: dict) -> None:
    user.queue_state = state
    user.save(update_fields=["queue_state"])
