"""PostgreSQL full-text pieces of the staff search.

The documents themselves are stored on the ticket (``search_vector``,
``notes_vector``) and kept up to date by the triggers of migration 0004;
``french_unaccent`` is the configuration created by knowledge's migration 0002.
``ticket_vector`` and ``message_vector`` are the expressions of migration 0002's
former indexes, kept because that migration (and 0004's reversal) build them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, Value, When
from django.db.models.functions import Coalesce

from accounts import roles
from tickets.models import Watcher
from tickets.models.ticket import correspondent_rule

CONFIG = "french_unaccent"


def ticket_vector() -> SearchVector:
    return SearchVector("title", "description", config=CONFIG)


def message_vector() -> SearchVector:
    return SearchVector("body", config=CONFIG)


def search_query(q: str) -> SearchQuery:
    """What people type (``"exact phrase"``, ``-word``, ``or``), French stemming, accents ignored."""
    return SearchQuery(q, search_type="websearch", config=CONFIG)


def notes_rule(user: Any) -> Q:
    """Internal notes count only for the handling service's staff (and administrators)."""
    return Q() if roles.is_admin(user) else Q(service_id__in=user.service_ids)


def text_match(user: Any, query: SearchQuery) -> Q:
    return Q(search_vector=query) | (notes_rule(user) & Q(notes_vector=query))


def rank(user: Any, query: SearchQuery) -> Any:
    """Title words weigh most (A), then description (B), then messages and, for staff, notes (C)."""
    rule = notes_rule(user)
    notes = Case(When(rule, then=F("notes_vector"))) if rule else F("notes_vector")
    return SearchRank(F("search_vector"), query) + Coalesce(
        SearchRank(notes, query), Value(0.0), output_field=FloatField()
    )


class _EqualsAny(Func):
    """``lhs = ANY(array)``: unlike ``IN (subquery)`` inside an OR, an index condition."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def visibility_hint(user: Any) -> Q:
    """The visibility rule again, in a shape PostgreSQL can read through indexes.

    ``Ticket.objects.visible_to`` stays the rule (the search applies it); but its
    ``EXISTS (watcher)`` branch is a per-row sub-plan, so the planner cannot turn
    the rule into a bitmap and ANDs nothing with the text index: it reads every
    ticket that matches the words, in every service. Adding this equivalent
    condition, whose watcher branch is ``id = ANY(ARRAY(SELECT …))`` (computed
    once, then read through the primary key), lets PostgreSQL AND the bitmaps of
    the service / requester / institution / id indexes with the GIN index.
    ANDed with ``visible_to``, it can only narrow, never widen, what is found;
    ``test_visibility_hint_keeps_every_visible_ticket`` checks it narrows nothing.
    """
    if roles.is_admin(user):
        return Q()
    watched = ArraySubquery(Watcher.objects.filter(user=user).values("ticket_id"))
    rule = Q(requester=user) | Q(_EqualsAny(F("pk"), watched))
    if (as_correspondent := correspondent_rule(user)) is not None:
        rule |= as_correspondent
    if user.service_ids:
        rule |= Q(service_id__in=user.service_ids)
    return rule


def visibility_branches(user: Any) -> list[Q]:
    """The visibility rule split into its branches, each one an index lookup: one per service the
    user works in, their own tickets, the watched ones, their institutions' as a correspondent.

    The search reads each branch in activity order through its own index and keeps the most
    recent matches of each (``tickets.agent.search``): the OR of the whole rule would make
    PostgreSQL fetch and rank every match of a common word before keeping one page. The union of
    the branches is the rule (``test_visibility_branches_cover_the_rule``); the search still
    applies ``visible_to`` around it. An administrator's one branch is every ticket.
    """
    if roles.is_admin(user):
        return [Q()]
    branches = [Q(service_id=service_id) for service_id in sorted(user.service_ids)]
    branches.append(Q(requester=user))
    branches.append(Q(pk__in=Watcher.objects.filter(user=user).values("ticket_id")))
    if (as_correspondent := correspondent_rule(user)) is not None:
        branches.append(as_correspondent)
    return branches
