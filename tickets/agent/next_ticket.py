"""The "Demande suivante" of the ticket page (shortcut ``n``): the ticket after this one in the queue the agent
came from (their remembered tab, filters and sort, see ``queue_state``).

Answering a ticket moves it (most sorts read its last activity), so "after this one" is read in a snapshot of
the queue's order kept in the session: taken the first time the agent asks for the next ticket, kept while
they go from one to the next (even when the one they answered jumped to the top), dropped when they come back
to the queue page or change its filters. A ticket of the snapshot that has left the queue meanwhile
(taken by a colleague, closed) is skipped.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tickets.models import Ticket

SESSION_KEY = "queue_next"
SNAPSHOT_SIZE = 200


def forget(session: Any) -> None:
    """Coming back to the queue starts a new run (no session write when there was none)."""
    if SESSION_KEY in session:
        del session[SESSION_KEY]


def next_reference(session: Any, queue: QuerySet[Ticket], *, query: str, current: int) -> int | None:
    """The reference after ``current`` in the queue ``queue`` (built from the remembered ``query``), or None."""
    snapshot = session.get(SESSION_KEY) or {}
    refs = snapshot.get("refs", [])
    if snapshot.get("query") != query or current not in refs:
        refs = list(queue.values_list("reference", flat=True)[:SNAPSHOT_SIZE])
        session[SESSION_KEY] = {"query": query, "refs": refs}
    after = refs[refs.index(current) + 1 :] if current in refs else refs
    after = [ref for ref in after if ref != current]
    if not after:
        return None
    still_queued = set(queue.filter(reference__in=after).values_list("reference", flat=True))
    return next((ref for ref in after if ref in still_queued), None)
