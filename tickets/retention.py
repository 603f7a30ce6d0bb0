"""Which closed tickets are past their retention period, and the nightly sweep that anonymises them.

The period is the ticket's catalogue branch's (``Category.objects.retention_months_by_id``:
the nearest value up the tree, SVE requests their legal period, else the site defaults),
counted in calendar months from the closure. The selection reads the partial index
``tickets_anonymise_due`` (closed, not anonymised, by closure date), so a run with nothing
due costs a few index probes whatever the size of the table.
"""

from __future__ import annotations

import calendar
import logging
import time
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Category
from tickets.models import Ticket
from tickets.status import CLOSED_STATES
from tickets.workflow.anonymise import tickets_anonymise

logger = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def due_for_anonymisation(now: datetime):
    """Closed tickets still holding personal data whose branch's period has run out, oldest first."""
    by_months: dict[int, list[int]] = defaultdict(list)
    for category_id, months in Category.objects.retention_months_by_id().items():
        by_months[months].append(category_id)
    rule = Q(pk__in=[])
    for months, category_ids in by_months.items():
        rule |= Q(category_id__in=category_ids, closed_at__lt=months_before(now, months))
    return (
        Ticket.objects.filter(status__in=CLOSED_STATES, anonymised_at__isnull=True, closed_at__isnull=False)
        .filter(rule)
        .order_by("closed_at", "pk")
    )


def anonymise_due_tickets(
    *, now: datetime | None = None, batch_size: int | None = None, time_budget: float = 3000.0
) -> int:
    """Anonymise every ticket past its period, one transaction per batch; return how many.

    Stops after ``time_budget`` seconds: the next night resumes where it stopped."""
    now = now or timezone.now()
    batch_size = batch_size or settings.GUICHET_ANONYMISE_BATCH_SIZE
    reason = _("Durée de conservation écoulée")
    done = 0
    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline:
        ids = list(due_for_anonymisation(now).values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        done += len(tickets_anonymise(ticket_ids=ids, reason=reason, now=now))
    if done:
        logger.info("anonymised %s tickets past their retention period", done)
    return done
