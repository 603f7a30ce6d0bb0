"""Recently viewed tickets, and who else looked at a ticket in the last few minutes.

One ``RecentView`` row per (user, ticket), refreshed at most once every
``RECORD_EVERY_SECONDS`` per user and ticket (a reload, or the page coming back
after an action, writes nothing: ``helpdesk.throttle.once_per``);
the presence list reads the same rows through an index on (ticket, viewed_at).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet, Value
from django.utils import timezone

from helpdesk.throttle import once_per
from tickets.models import Bookmark, RecentView, Ticket

PRESENCE_MINUTES = 5
HISTORY_SIZE = 30
# A view refreshes its row at most this often: presence counts in minutes, the history's order in
# minutes too (two tickets opened within a minute may keep their former order).
RECORD_EVERY_SECONDS = 60


def record_view(*, user: Any, ticket: Ticket) -> None:
    if not user.is_authenticated:
        return
    if not once_per(f"presence:{user.pk}:{ticket.pk}", RECORD_EVERY_SECONDS):
        return  # refreshed less than a minute ago (by any worker)
    # One upsert (INSERT … ON CONFLICT DO UPDATE): a page view costs one query, first visit or not.
    RecentView.objects.bulk_create(
        [RecentView(user=user, ticket=ticket, viewed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "ticket"],
        update_fields=["viewed_at"],
    )


def others_viewing(*, user: Any, ticket: Ticket) -> list[Any]:
    """The other people who opened the ticket in the last ``PRESENCE_MINUTES`` minutes."""
    since = timezone.now() - datetime.timedelta(minutes=PRESENCE_MINUTES)
    views = (
        RecentView.objects.filter(ticket=ticket, viewed_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("-viewed_at")
    )
    return [view.user for view in views]


@dataclass(frozen=True)
class Watching:
    """A watcher as the side panel shows one (``watcher.user``), read without its ``Watcher`` row."""

    user: Any


# The side panel's two lists of people, tagged (0: watchers, 1: viewing), in the order each list shows.
WATCHERS_AND_VIEWING_SQL = """
SELECT 0, u.id, u.first_name, u.last_name, u.email, w.created
FROM tickets_watcher w JOIN accounts_user u ON u.id = w.user_id WHERE w.ticket_id = %s
UNION ALL
SELECT 1, u.id, u.first_name, u.last_name, u.email, v.viewed_at
FROM tickets_recentview v JOIN accounts_user u ON u.id = v.user_id
WHERE v.ticket_id = %s AND v.viewed_at >= %s AND u.id <> %s
ORDER BY 1, 6
"""


def watchers_and_others_viewing(*, user: Any, ticket: Ticket) -> tuple[list[Watching], list[Any]]:
    """The ticket's watchers (in the order they were added) and ``others_viewing``, in ONE query: a UNION
    ALL of the two lists of people, each row tagged with its list (the side panel reads both).

    Fixed SQL: the side panel shows each person by name (``str(user)``), so each is built from their
    name and address alone; the same statement as two querysets joined by ``union()`` cost a millisecond
    of CPU to build and compile on every view of the page (issue 22)."""
    since = timezone.now() - datetime.timedelta(minutes=PRESENCE_MINUTES)
    params = [ticket.pk, ticket.pk, connection.ops.adapt_datetimefield_value(since), user.pk]
    with connection.cursor() as cursor:
        cursor.execute(WATCHERS_AND_VIEWING_SQL, params)
        rows = cursor.fetchall()
    people = get_user_model()
    watchers, viewers = [], []
    for side, pk, first_name, last_name, email, _at in rows:
        person = people(pk=pk, first_name=first_name, last_name=last_name, email=email)
        if side == 0:
            watchers.append(Watching(person))
        else:
            viewers.append(person)
    viewers.reverse()  # the latest first
    return watchers, viewers


def recent_tickets(user: Any) -> QuerySet[RecentView]:
    """The user's history, newest first, limited to what they still may see."""
    return (
        RecentView.objects.filter(user=user, ticket__in=Ticket.objects.visible_to(user))
        .select_related("ticket", "ticket__service")
        .order_by("-viewed_at")[:HISTORY_SIZE]
    )


def bookmarks(user: Any) -> QuerySet[Bookmark]:
    return Bookmark.objects.filter(user=user, ticket__in=Ticket.objects.visible_to(user)).select_related(
        "ticket", "ticket__service"
    )


def bookmarked_by(user: Any) -> Exists | Value:
    """An annotation for a ticket query: whether ``user`` bookmarked each ticket."""
    if not user.is_authenticated:
        return Value(False)
    return Exists(Bookmark.objects.filter(user=user, ticket=OuterRef("pk")))


def is_bookmarked(*, user: Any, ticket: Ticket) -> bool:
    return user.is_authenticated and Bookmark.objects.filter(user=user, ticket=ticket).exists()


def toggle_bookmark(*, user: Any, ticket: Ticket) -> bool:
    """Add or remove the bookmark; returns whether the ticket is bookmarked now."""
    deleted, _rows = Bookmark.objects.filter(user=user, ticket=ticket).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(user=user, ticket=ticket)
    return True
