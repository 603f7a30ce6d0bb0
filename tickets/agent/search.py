"""Staff search across the tickets a user may see.

``#123`` or ``123`` is a reference: ``reference_match`` finds that one ticket
(inside ``visible_to``, so an agent never reaches another service's ticket
by its number). Words match title and description, messages (internal notes
only for the handling service), the requester's name or email and the
institution's name.

PostgreSQL: ``websearch_to_tsquery('french_unaccent', q)`` against the search
documents stored on the ticket (migration 0004: kept by triggers, GIN indexes),
ranked (title > description > messages). The text match, the people match and
the visibility rule are one query on one table, so that PostgreSQL ANDs the
bitmaps of the visibility indexes with the text index (see
``fts.visibility_hint``). Requesters and institutions are looked up first
(small tables, ``icontains``) and their ids OR-ed in. With ``candidates`` (the
search page passes ``SEARCH_CANDIDATES``), only the most recently active
matches of each branch of the visibility rule are ranked, each branch read in
activity order through its index (``fts.visibility_branches``): a common word
matches tens of thousands of tickets, and fetching and ranking them all cost
300 ms at 1,000,000 tickets for one page of 50. Without it every match is
ranked (counts, tests).
SQLite: every word must appear somewhere (``icontains``), most recent first.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Institution, User
from tickets.agent import fts
from tickets.models import Message, Ticket

SEARCH_CANDIDATES = 300  # per visibility branch: six pages of results ranked among the most recent matches
MAX_PEOPLE = 200  # requesters or institutions matched by name before the ticket query
SEARCH_DEFERRED = ("search_vector", "notes_vector")  # never shown: not worth loading with each row


def reference_match(user: Any, q: str) -> Ticket | None:
    digits = q.strip().lstrip("#").strip()
    if not digits.isdigit():
        return None
    return Ticket.objects.visible_to(user).filter(reference=int(digits)).first()


def people_matching(q: str) -> QuerySet[User]:
    """Users whose e-mail or name contains each word (a trigram index answers it, tickets migration 0016)."""
    rule = Q()
    for word in q.split()[:4]:
        rule &= Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return User.objects.filter(rule)


def _people_ids(q: str) -> tuple[list[int], list[int]]:
    users = list(people_matching(q).values_list("pk", flat=True)[:MAX_PEOPLE])
    institutions = list(
        Institution.objects.filter(Q(name__icontains=q) | Q(code__iexact=q)).values_list("pk", flat=True)[:MAX_PEOPLE]
    )
    return users, institutions


def _recent_matches(user: Any, match: Q, limit: int) -> QuerySet:
    """Ids of the ``limit`` most recently active tickets matching ``match`` in each visibility branch."""
    parts = [
        Ticket.objects.filter(branch & match).order_by("-last_activity_at", "-pk").values("pk")[:limit]
        for branch in fts.visibility_branches(user)
    ]
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def search_tickets(*, user: Any, q: str, candidates: int | None = None) -> QuerySet[Ticket]:
    """Visible tickets matching ``q``: best match first on PostgreSQL, most recently active first on SQLite.

    ``candidates``: on PostgreSQL, rank only that many most recent matches per visibility branch."""
    q = q.strip()[:200]
    visible = Ticket.objects.visible_to(user)
    if not q:
        return visible.none()
    users, institutions = _people_ids(q)
    people = Q(requester_id__in=users) | Q(institution_id__in=institutions)
    if connection.vendor == "postgresql":
        query = fts.search_query(q)
        match = fts.text_match(user, query) | people
        if candidates:
            qs = visible.filter(pk__in=_recent_matches(user, match, candidates))
        else:
            qs = visible.filter(fts.visibility_hint(user)).filter(match)
        qs = qs.annotate(rank=fts.rank(user, query)).order_by("-rank", "-last_activity_at", "-pk")
    else:
        messages = Message.objects.visible_to(user)
        rule = Q()
        for word in q.split()[:8]:
            in_messages = Exists(messages.filter(ticket=OuterRef("pk"), body__icontains=word))
            rule &= Q(title__icontains=word) | Q(description__icontains=word) | Q(in_messages)
        qs = visible.filter(rule | people).order_by("-last_activity_at", "-pk")
    return qs.select_related("category", "service", "requester", "assignee", "institution").defer(*SEARCH_DEFERRED)
