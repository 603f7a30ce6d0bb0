"""Target delays per catalogue category, for the share of tickets handled within them.

Kept in this app (one row per category that has targets) rather than as
columns of ``catalogue.Category``: statistics read them, nothing else does.
A category without a row inherits its nearest ancestor's targets.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category

DAYS = [MinValueValidator(1), MaxValueValidator(365)]


class CategoryTarget(models.Model):
    category = models.OneToOneField(
        Category, on_delete=models.CASCADE, related_name="stats_target", verbose_name=_("catégorie")
    )
    response_days = models.PositiveSmallIntegerField(
        _("première réponse en (jours ouvrés)"), null=True, blank=True, validators=DAYS
    )
    resolution_days = models.PositiveSmallIntegerField(
        _("résolution en (jours ouvrés)"), null=True, blank=True, validators=DAYS
    )

    class Meta:
        verbose_name = _("délai cible")
        verbose_name_plural = _("délais cibles")
        ordering = ["category__name"]

    def __str__(self) -> str:
        return str(self.category)


def targets_by_category() -> dict[int, tuple[int | None, int | None]]:
    """``{category id: (response days, resolution days)}`` for every category,
    inherited from the nearest ancestor with a target; two queries."""
    own = {
        t.category_id: (t.response_days, t.resolution_days)
        for t in CategoryTarget.objects.only("category_id", "response_days", "resolution_days")
    }
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    resolved: dict[int, tuple[int | None, int | None]] = {}
    for pk in parents:
        node, seen = pk, set()
        while node is not None and node not in own and node not in seen:  # the tree is acyclic; guard anyway
            seen.add(node)
            node = parents.get(node)
        resolved[pk] = own.get(node, (None, None)) if node is not None else (None, None)
    return resolved


RATINGS = [MinValueValidator(1), MaxValueValidator(5)]


class SurveyAnswer(models.Model):
    """A requester's rating of a closed ticket (``stats.survey``): one per ticket,
    changeable for ``survey.CHANGE_DAYS`` days after the closure.

    Not a ticket state change, so it lives here rather than in ``tickets``. The
    rating, the dates and the ticket's closing status carry no personal data and
    survive anonymisation; only ``comment`` is the requester's own words."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="survey_answer", verbose_name=_("demande")
    )
    rating = models.PositiveSmallIntegerField(_("note"), validators=RATINGS)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("répondu le"))
    updated_at = models.DateTimeField(_("modifié le"))

    class Meta:
        verbose_name = _("avis de satisfaction")
        verbose_name_plural = _("avis de satisfaction")
        indexes = [models.Index(fields=["answered_at"], name="stats_survey_answered")]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.rating}/5"


class TicketFact(models.Model):
    """One row per ticket: what the statistics need, kept up to date as events
    happen (``stats.facts``, on ``ticket_event_recorded``) so that the page
    reads narrow rows with their working-day delays already counted instead
    of scanning tickets and their histories.

    Only non-personal columns: the requester's profile is copied at filing,
    so statistics survive the anonymisation of the requester."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="stats_fact"
    )
    # Dimensions (copied from the ticket; changed by requalifications).
    service_id = models.IntegerField(null=True)
    category_id = models.IntegerField(null=True)
    institution_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=10, blank=True)
    priority = models.PositiveSmallIntegerField(null=True)
    requester_profile = models.CharField(max_length=20, blank=True)
    assignee_id = models.IntegerField(null=True)
    is_follow_up = models.BooleanField(default=False)
    # Dates.
    created = models.DateTimeField()
    closed_at = models.DateTimeField(null=True)
    first_response_at = models.DateTimeField(null=True)
    first_assigned_at = models.DateTimeField(null=True)
    status = models.CharField(max_length=3)
    # The closing event: action (approve, expire, reject, duplicate, exclude, withdraw) and reason typed.
    closing_action = models.CharField(max_length=20, blank=True)
    closing_reason = models.CharField(max_length=300, blank=True)
    closed_by_id = models.IntegerField(null=True)
    # Working days (institution calendar, closures included).
    response_days = models.PositiveIntegerField(null=True)
    resolution_days = models.PositiveIntegerField(null=True)
    waiting_requester_days = models.PositiveIntegerField(null=True)
    waiting_service_days = models.PositiveIntegerField(null=True)
    transfers = models.PositiveSmallIntegerField(default=0)
    requalifications = models.PositiveSmallIntegerField(default=0)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["created"], name="stats_fact_created"),
            models.Index(fields=["closed_at"], name="stats_fact_closed"),
            models.Index(fields=["service_id", "created"], name="stats_fact_service_created"),
            models.Index(fields=["service_id", "closed_at"], name="stats_fact_service_closed"),
            # The rejections' most frequent reasons: the few rejected with a reason typed.
            models.Index(
                fields=["closed_at"],
                name="stats_fact_reject_reason",
                condition=models.Q(status="REJ", closing_action="reject") & ~models.Q(closing_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class StatusSpan(models.Model):
    """A ticket's status from ``start`` to ``end`` (None: still now), written with
    its ``TicketFact``: the backlog by status at any past moment is one count."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=3)
    start = models.DateTimeField()
    end = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["start", "end"], name="stats_span_start_end")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.status}"


class DirtyTicket(models.Model):
    """A ticket whose ``TicketFact`` (and roll-up rows) wait to be recomputed.

    A workflow action writes one row here in its own transaction (one cheap
    ``INSERT … ON CONFLICT DO NOTHING``, rolled back with the action); the flush
    ``stats.facts.refresh_dirty`` (every minute, and before every statistics
    read) takes the rows, recomputes those tickets and deletes them. No foreign
    key: the marker costs one index insert and outlives nothing."""

    ticket_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"#{self.ticket_id}"


class Measure(models.IntegerChoices):
    """What a ``DailyRollup`` row counts; ``day`` and ``value`` mean, by measure:"""

    FILED = 1, "filed"  # day filed (Paris date); value 0
    FOLLOW_UP = 2, "follow-up filed"  # day filed; value 0
    CLOSED = 3, "closed"  # day closed; value 0
    SURVEYED = 4, "closed, invited to the survey"  # day closed (TER, REJ); value 0
    RATING = 5, "survey answer"  # day closed (TER, REJ); value: the rating
    RESPONSE = 10, "response days"  # day closed; value: working days to the first response
    RESOLUTION = 11, "resolution days"  # day closed; value: working days to resolution
    WAITING_REQUESTER = 12, "waiting on the requester"  # day closed; value: working days
    WAITING_SERVICE = 13, "waiting on the service"  # day closed; value: working days
    # Day: the Paris date of (filed − 1 µs); value: the day closed (days since 1970-01-01), OPEN if never.
    AGE = 20, "age"
    AGE_AT_MIDNIGHT = 21, "age, filed at midnight exactly"  # the same, filed at 00:00:00.000000 Paris
    SPAN = 30, "status span"  # day the status began; ``status``; value: day it ended (epoch days) or OPEN
    REJECTED = 40, "rejected"  # day closed (REJ) by a reject; value 0
    DUPLICATE = 41, "closed as a duplicate"  # the same, by a duplicate
    EXCLUDED = 42, "excluded"  # the same, by an exclusion
    HANDLED = 50, "closed, by agent"  # day closed; agent: the assignee
    ASSIGNED = 51, "first assigned, by agent"  # day first taken or assigned; agent: the assignee
    AGENT_OPEN = 52, "filed, by agent"  # day filed; value: day closed (epoch days) or OPEN; agent: the assignee
    # Events, by the day they happened (the ticket's current service and category).
    APPROVED = 60, "approved"
    REFUSED = 61, "refused"
    AUTO_ABN = 62, "closed automatically without answer"
    AUTO_TER = 63, "closed automatically after a proposal"
    REJECT_EVENT = 64, "rejection event"
    TRANSFERRED = 65, "transferred"
    REQUALIFIED = 66, "requalified"


class DailyRollup(models.Model):
    """Counts of ``TicketFact`` / ``StatusSpan`` / outcome ``TicketEvent`` rows by (day, service,
    category, measure, status, value, agent): the statistics page sums these instead of
    scanning the facts. The rows still open (``value`` OPEN) of the backlog measures are also
    kept summed over every day (``measure + 100`` on 9999-12-31, ``stats.rollups.OPEN_MEASURES``).

    Delays are stored as a histogram (one row per number of working days), so
    medians and percentiles read from it are exact. Kept current by
    ``stats.rollups``: recomputed from the facts, for the (day, service) pairs a
    refreshed ticket touches, in the flush's transaction; rebuilt set-based by
    ``stats.rollups.rebuild``."""

    OPEN = 10**8  # "not closed / not ended": after every day

    day = models.DateField()
    service_id = models.IntegerField(null=True)
    category_id = models.IntegerField(null=True)
    measure = models.PositiveSmallIntegerField(choices=Measure.choices)
    status = models.CharField(max_length=3, blank=True)
    value = models.IntegerField(default=0)
    agent_id = models.IntegerField(null=True)
    count = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["measure", "day"], name="stats_rollup_measure_day"),
            models.Index(fields=["measure", "value", "day"], name="stats_rollup_measure_value"),
            models.Index(fields=["service_id", "measure", "day"], name="stats_rollup_service"),
            models.Index(fields=["day", "service_id"], name="stats_rollup_day_service"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.service_id} {self.measure} {self.value}: {self.count}"
