"""Staff search across the tickets a user may see.

``#123`` or ``123`` is a reference: ``reference_match`` finds that one ticket
(inside ``visible_to``, so an agent never reaches another service's ticket
by its number). Words match title and description, messages (internal notes
included for the handling service), the requester's name or email and the
institution's name.

PostgreSQL: ``websearch_to_tsquery('french_unaccent', q)`` against the
expression GIN indexes of migration 0002 (French stemming, accents ignored).
Requesters and institutions are looked up first (small tables, ``icontains``)
and their ids OR-ed in, so that the planner can BitmapOr the indexes.
Very common words are capped at ``MAX_MATCHES`` matches per source.
SQLite: every word must appear somewhere (``icontains``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Institution, User
from tickets import permissions as perms
from tickets.agent import fts
from tickets.models import PUBLIC_KINDS, Message, Ticket

MAX_MATCHES = 5000  # text matches per source on PostgreSQL: a bound on very common words
MAX_PEOPLE = 200  # requesters or institutions matched by name before the ticket query


def reference_match(user: Any, q: str) -> Ticket | None:
    digits = q.strip().lstrip("#").strip()
    if not digits.isdigit():
        return None
    return Ticket.objects.visible_to(user).filter(reference=int(digits)).first()


def _people_ids(q: str) -> tuple[list[int], list[int]]:
    rule = Q()
    for word in q.split()[:4]:
        rule &= Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
    users = list(User.objects.filter(rule).values_list("pk", flat=True)[:MAX_PEOPLE])
    institutions = list(
        Institution.objects.filter(Q(name__icontains=q) | Q(code__iexact=q)).values_list("pk", flat=True)[:MAX_PEOPLE]
    )
    return users, institutions


def search_tickets(*, user: Any, q: str) -> QuerySet[Ticket]:
    """Visible tickets matching the words of ``q``, most recently active first."""
    q = q.strip()[:200]
    visible = Ticket.objects.visible_to(user)
    if not q:
        return visible.none()
    users, institutions = _people_ids(q)
    people = Q(requester_id__in=users) | Q(institution_id__in=institutions)
    messages = Message.objects.visible_to(user)
    if connection.vendor == "postgresql":
        # Each text source is looked up alone (one GIN index each) and capped,
        # then OR-ed as id lists: an OR of sub-queries would make PostgreSQL scan every ticket.
        query = SearchQuery(q, search_type="websearch", config=fts.CONFIG)
        # (Visibility is applied by the final query; internal notes count only for their service.)
        by_text = Ticket.objects.alias(v=fts.ticket_vector()).filter(v=query).values_list("pk", flat=True)
        notes_rule = (
            Q() if perms.is_admin(user) else Q(kind__in=PUBLIC_KINDS) | Q(ticket__service_id__in=user.service_ids)
        )
        by_message = (
            Message.objects.alias(v=fts.message_vector())
            .filter(notes_rule, v=query)
            .values_list("ticket_id", flat=True)
        )
        ids = set(by_text[:MAX_MATCHES]) | set(by_message[:MAX_MATCHES])
        qs = visible.filter(Q(pk__in=ids) | people)
    else:
        rule = Q()
        for word in q.split()[:8]:
            in_messages = Exists(messages.filter(ticket=OuterRef("pk"), body__icontains=word))
            rule &= Q(title__icontains=word) | Q(description__icontains=word) | Q(in_messages)
        qs = visible.filter(rule | people)
    return qs.select_related("category", "service", "requester", "assignee", "institution").order_by(
        "-last_activity_at", "-pk"
    )
