"""The requester's lists (my open and closed tickets, a provider's, search results): one page of rows.

The table's template used to read each ticket's ``get_status_display`` (which builds a dictionary of
the nine translated statuses for every call), reverse the ticket's address twice, format the date
twice and test the page's language for each row: 10 ms of CPU for 20 rows, most of the page's time
(issue 22). Here the labels are translated once per page, the address is reversed once, and the
template reads plain values. The query reads the columns a row shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from helpdesk.templatetags.content_lang import content_lang
from tickets.agent.rows import strftime_format
from tickets.models import Ticket
from tickets.status import TicketStatus, waiting_on

PAGE_SIZE = 20
_PLACEHOLDER = 987654321
# What a row shows, and ``status`` and ``version`` (read by django-fsm on load).
LIST_FIELDS = (
    *("reference", "title", "status", "version", "requester_id", "last_activity_at"),
    *("category__name", "service__name", "requester__first_name", "requester__last_name", "requester__email"),
)


def list_page(queryset: QuerySet[Ticket], number: Any) -> Page:
    """Page ``number`` of ``queryset``, most recent activity first (``Paginator.get_page``: any bad number
    gives the first page, a number past the end the last one).

    The first page reads its rows and one more: most requesters have fewer tickets than a page holds,
    and then no ``COUNT`` follows (their list costs one query instead of two)."""
    tickets = (
        queryset.select_related("category", "service", "requester")
        .only(*LIST_FIELDS)
        .order_by("-last_activity_at", "-pk")
    )
    paginator = Paginator(tickets, PAGE_SIZE)
    try:
        first_page = int(number) == 1
    except (TypeError, ValueError):
        first_page = True
    if not first_page:
        return paginator.get_page(number)
    rows = list(tickets[: PAGE_SIZE + 1])
    if len(rows) <= PAGE_SIZE:
        return Paginator(rows, PAGE_SIZE).page(1)
    paginator.count  # noqa: B018 - the COUNT, cached by the paginator: pages past this one need it
    return Page(rows[:PAGE_SIZE], 1, paginator)


def list_rows(tickets: Iterable[Ticket], *, user: Any) -> list[dict[str, Any]]:
    """One dictionary of display values per ticket, for ``tickets/includes/ticket_table.html``."""
    prefix, _, suffix = reverse("tickets:detail", args=[_PLACEHOLDER]).partition(str(_PLACEHOLDER))
    statuses = {value: str(label) for value, label in TicketStatus.choices}
    you = gettext("vous")
    short_format = strftime_format("SHORT_DATETIME_FORMAT")
    rows = []
    for ticket in tickets:
        activity = timezone.localtime(ticket.last_activity_at)
        rows.append(
            {
                "reference": ticket.reference,
                "url": f"{prefix}{ticket.reference}{suffix}",
                "title": ticket.title,
                "category_name": ticket.category.name,
                "status_class": ticket.status.lower(),
                "status_label": statuses.get(ticket.status, ticket.status),
                "waiting_on": waiting_on(ticket.status).value,
                "service_name": ticket.service.name,
                "requester": you if ticket.requester_id == user.pk else str(ticket.requester),
                "activity_iso": activity.isoformat(),  # the date filter's "c"
                "activity_short": activity.strftime(short_format)
                if short_format
                else formats.date_format(activity, "SHORT_DATETIME_FORMAT"),
            }
        )
    return rows


def list_context(page: Page, *, user: Any) -> dict[str, Any]:
    """What ``ticket_table.html`` reads besides the page: its rows and the content's ``lang`` attribute."""
    return {"rows": list_rows(page.object_list, user=user), "content_lang_attr": content_lang()}
