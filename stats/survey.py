"""The satisfaction survey: after the service closes a ticket (approved, closed
automatically after a proposal, or rejected), its requester may rate it from 1
to 5 with an optional comment, and change that answer for ``CHANGE_DAYS`` days.

An answer is not a ticket state change: it lives in ``stats.SurveyAnswer``,
written only by ``record_answer`` here. Catalogue branches may switch the
survey off (``Category.satisfaction_survey``, inherited down the tree).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Category
from stats.models import SurveyAnswer
from tickets.models import Ticket
from tickets.status import TicketStatus

CHANGE_DAYS = 30
# The service closed these: the requester has something to rate. A withdrawal or an
# abandonment by lack of answer closes a ticket the service did not get to resolve.
SURVEYED_STATES = (TicketStatus.TER, TicketStatus.REJ)


class SurveyClosed(Exception):
    """The ticket cannot be rated (or no longer) by this person."""


OFF_KEY = "stats:survey-off-categories"


def _categories_without_survey() -> frozenset[int]:
    """Ids of the categories where a node up to the root switched the survey off: one query over the
    (small) tree, cached until a category changes (``forget_categories``), so that a sweep closing
    thousands of tickets does not ask the tree once per mail."""
    found = cache.get(OFF_KEY)
    if found is None:
        rows = {pk: (parent, on) for pk, parent, on in Category.objects.values_list(
            "pk", "parent_id", "satisfaction_survey")}  # fmt: skip
        off = set()
        for pk in rows:
            node = pk
            while node in rows:  # shallow and acyclic (``TreeNode.clean``)
                if not rows[node][1]:
                    off.add(pk)
                    break
                node = rows[node][0]
        found = frozenset(off)
        cache.set(OFF_KEY, found, 3600)
    return found


def forget_categories(**kwargs: Any) -> None:
    cache.delete(OFF_KEY)


def branch_allows(category_id: int) -> bool:
    """Whether no node from the category up to the root switched the survey off."""
    return category_id not in _categories_without_survey()


def deadline(ticket: Ticket):
    return ticket.closed_at + timedelta(days=CHANGE_DAYS) if ticket.closed_at else None


def is_open(ticket: Ticket, *, now=None) -> bool:
    """The ticket may be rated (or its rating changed) now."""
    if ticket.status not in SURVEYED_STATES or ticket.closed_at is None:
        return False
    if (now or timezone.now()) > deadline(ticket):
        return False
    return branch_allows(ticket.category_id)


def may_answer(user: Any, ticket: Ticket) -> bool:
    """Only the requester answers (not a correspondent or watcher following the ticket)."""
    return user.is_authenticated and user.pk == ticket.requester_id


def record_answer(*, ticket: Ticket, user: Any, rating: int, comment: str = "") -> SurveyAnswer:
    """Create or change the one answer of ``ticket``; raises ``SurveyClosed``."""
    if not may_answer(user, ticket):
        raise SurveyClosed(_("Seul le demandeur peut donner son avis sur cette demande."))
    now = timezone.now()
    if not is_open(ticket, now=now):
        raise SurveyClosed(_("L'avis sur cette demande n'est plus modifiable."))
    with transaction.atomic():
        answer, created = SurveyAnswer.objects.select_for_update().get_or_create(
            ticket=ticket,
            defaults={"rating": rating, "comment": comment, "answered_at": now, "updated_at": now},
        )
        if not created:
            answer.rating, answer.comment, answer.updated_at = rating, comment, now
            answer.save(update_fields=["rating", "comment", "updated_at"])
    return answer


def closure_invitation(ticket: Ticket) -> str:
    """The sentence the closure mail adds (``tickets.hooks.closure_invitation``), or ""."""
    if not is_open(ticket):
        return ""
    return _(
        "Votre avis nous aide à améliorer le service : notez le traitement de cette demande de 1 à 5 sur sa page "
        "(lien ci-dessous), pendant %(days)s jours."
    ) % {"days": CHANGE_DAYS}
