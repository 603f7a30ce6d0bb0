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

from helpdesk.prepared import PreparedQuery
from tickets import permissions as perms
from tickets.agent import presence
from tickets.agent import responses as saved
from tickets.agent.queue import requester_other_tickets
from tickets.hooks import ArticleLike, hooks
from tickets.models import INTERNAL_KINDS, PROVIDER_KINDS, Attachment, Ticket, TicketEvent


def staff_ticket_query(*, user: Any) -> QuerySet[Ticket]:
    """The tickets ``user`` sees (THE visibility rule), read as the agent page shows one: with the people and
    institution its header and side panel name, and whether ``user`` bookmarked it (``bookmarked``), in one
    query. Its category, service and software come from the rows each process keeps
    (``tickets.agent.kept_catalogue.attach``): joined here they made a seven-table join.

    The tickets it follows up or duplicates are read only when there is one (few tickets): joining two more
    whole tickets to every page cost more than those rare queries. The two search documents (PostgreSQL
    ``tsvector``, often the largest columns of the row) are never shown: left in the database."""
    return (
        Ticket.objects.visible_to(user)
        .select_related("requester", "assignee", "institution")
        .defer("search_vector", "notes_vector")
        .annotate(bookmarked=presence.bookmarked_by(user))
    )


STAFF_TICKET = PreparedQuery("staff_ticket")


def staff_ticket(*, user: Any, reference: int) -> Ticket | None:
    """The ticket of ``staff_ticket_query`` numbered ``reference`` (None when ``user`` does not see it),
    its SQL compiled once per shape of the user's roles (``helpdesk.prepared``): building and compiling
    this query was a fifth of the agent page's CPU time (issue 22)."""
    visibility = Ticket.objects.visibility_shape(user)
    if visibility is None:
        return None
    shape, params = visibility

    def staff_ticket_by_reference() -> QuerySet[Ticket]:
        return staff_ticket_query(user=user).filter(reference=reference).order_by()[:1]

    # The bookmark's EXISTS comes first (its constant, then the user), then the rule, then the reference.
    return STAFF_TICKET.first(shape, [1, user.pk, *params, reference], staff_ticket_by_reference)


def ticket_timeline(*, ticket: Ticket, user: Any) -> QuerySet[TicketEvent]:
    """The history with its messages and their files; internal notes only for the handling service,
    the exchanges with the provider for the service and the provider holding the ticket."""
    events = (
        TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor", "message")  # no page shows a message's author: the event's actor wrote it
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


def staff_timeline(*, ticket: Ticket, user: Any) -> tuple[list[TicketEvent], list[Attachment]]:
    """The agent page's history and all the ticket's files, in two queries: the files are read once, for
    the page's list and under their messages in the history (no second query for the messages' files)."""
    files = list(ticket_files(ticket=ticket, with_messages=True))
    by_message: dict[int, list[Attachment]] = {}
    for attachment in files:
        if attachment.message_id is not None:
            by_message.setdefault(attachment.message_id, []).append(attachment)
    events = list(ticket_timeline(ticket=ticket, user=user).prefetch_related(None))
    for event in events:
        if event.message is not None:
            # As ``prefetch_related("message__attachments")`` leaves it: a query set already evaluated.
            attached = Attachment.objects.filter(message=event.message)
            attached._result_cache = by_message.get(event.message_id, [])
            attached._prefetch_done = True
            event.message._prefetched_objects_cache = {"attachments": attached}
    return events, files


def ticket_files(*, ticket: Ticket, with_messages: bool) -> QuerySet[Attachment]:
    """The ticket's files: all of them for the service; those of no message (the filing's) for the requester,
    who finds the others under their message in the timeline."""
    files = ticket.attachments.select_related("uploaded_by")
    return files if with_messages else files.filter(message__isnull=True)


def ticket_follow_ups(*, ticket: Ticket, user: Any) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user).filter(follow_up_of=ticket)


def ticket_side_panel(*, ticket: Ticket, user: Any) -> dict[str, Any]:
    """The agent page's side: watchers, who else is looking, the bookmark. The requester's other tickets come
    on demand (``requester_others``, the page's "Ses autres demandes" fragment): read on every view
    they cost a query and a tenth of the page's time for a list the agent seldom opens (issue 22)."""
    # The bookmark is read with the ticket when it came from ``staff_ticket_query``.
    bookmarked = getattr(ticket, "bookmarked", None)
    if bookmarked is None:
        bookmarked = presence.is_bookmarked(user=user, ticket=ticket)
    watchers, others_viewing = presence.watchers_and_others_viewing(user=user, ticket=ticket)
    return {
        "watchers": watchers,
        "others_viewing": others_viewing,
        "is_bookmarked": bookmarked,
    }


def requester_others(*, ticket: Ticket, user: Any) -> list[Ticket]:
    """The side panel's "Ses autres demandes", asked for on demand: the requester's other tickets ``user`` sees."""
    return requester_other_tickets(ticket, user)


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
