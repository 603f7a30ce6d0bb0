"""Reads the ticket pages need: keyword-only, typed, one function per part of a page.

Each carries its own ``select_related`` / ``prefetch_related`` so that the
number of queries of a page does not grow with the ticket's history
(``tests/agent/test_agent_ticket_page.py`` and ``tests/test_ticket_pages.py``
count them). Views call these and render; they hold no query of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from tickets import permissions as perms
from tickets.agent import presence
from tickets.agent import responses as saved
from tickets.agent.queue import requester_other_tickets
from tickets.hooks import ArticleLike, hooks
from tickets.models import INTERNAL_KINDS, PROVIDER_KINDS, Attachment, Ticket, TicketEvent


def ticket_timeline(*, ticket: Ticket, user: Any) -> QuerySet[TicketEvent]:
    """The history with its messages and their files; internal notes only for the handling service,
    the exchanges with the provider for the service and the provider holding the ticket."""
    events = (
        TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor", "message", "message__author")
        .prefetch_related("message__attachments")
    )
    if not perms.is_service_staff(ticket, user):
        events = events.exclude(message__kind__in=INTERNAL_KINDS)
        if not perms.is_provider_member(ticket, user):
            events = events.exclude(message__kind__in=PROVIDER_KINDS)
    return events


def ticket_changes_since(*, ticket: Ticket, version: int) -> list[TicketEvent]:
    """Events recorded after the user loaded ``version``: each action adds one event and one
    version (filing: version 1, one event), so they are the events after the first ``version``."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor", "message").order_by("created", "pk")
    return list(events[max(version, 0) :])


def ticket_files(*, ticket: Ticket, with_messages: bool) -> QuerySet[Attachment]:
    """The ticket's files: all of them for the service; those of no message (the filing's) for the requester,
    who finds the others under their message in the timeline."""
    files = ticket.attachments.select_related("uploaded_by")
    return files if with_messages else files.filter(message__isnull=True)


def ticket_follow_ups(*, ticket: Ticket, user: Any) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user).filter(follow_up_of=ticket)


def ticket_side_panel(*, ticket: Ticket, user: Any) -> dict[str, Any]:
    """The agent page's side: watchers, the requester's other tickets, who else is looking, the bookmark."""
    return {
        "watchers": ticket.watchers.select_related("user"),
        "other_tickets": requester_other_tickets(ticket, user),
        "others_viewing": presence.others_viewing(user=user, ticket=ticket),
        "is_bookmarked": presence.is_bookmarked(user=user, ticket=ticket),
    }


def insertable_text(
    *,
    ticket: Ticket,
    agent: Any,
    response_id: int | None = None,
    article_id: int | None = None,
    current: str = "",
    absolute_url: Callable[[str], str],
) -> str:
    """``current`` with a saved response (rendered for this ticket) or a published article's link appended.

    Ids come from the query string (``tickets.agent.forms.AgentPageForm``): anything but the id of a
    response of the ticket's service or of a published article adds nothing."""
    text = current
    if response_id:
        response = saved.responses_for_ticket(ticket, agent).filter(pk=response_id).first()
        if response is not None:
            text = saved.append_text(text, saved.render_response(response.body, ticket=ticket, agent=agent))
    if article_id:
        article = hooks.published_article(article_id)
        if article is not None:
            text = saved.append_text(text, f"{article.title} : {absolute_url(article.get_absolute_url())}")
    return text


def article_search(*, query: str, limit: int) -> list[ArticleLike]:
    """Published knowledge-base articles for the agent page's search box (none for an empty query)."""
    query = query.strip()[:200]
    return list(hooks.search_articles(query, limit)) if query else []
