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
