"""Indicators about people: the requesters' satisfaction and the agents' workload."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from stats.indicators import Indicator, Period, Row, _in
from stats.models import SurveyAnswer
from stats.survey import SURVEYED_STATES
from tickets.models import Ticket


def _survey_counts(tickets: QuerySet[Ticket], period: Period) -> dict:
    closed = tickets.filter(_in("closed_at", period), status__in=SURVEYED_STATES)
    counts = closed.aggregate(closed=Count("pk"))
    answers = SurveyAnswer.objects.filter(ticket__in=closed.values("pk")).aggregate(
        answers=Count("pk"),
        average=Avg("rating"),
        **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
    )
    return counts | answers


def _rate(answers: int, closed: int) -> float | None:
    return round(100 * answers / closed, 1) if closed else None


def _average(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def satisfaction(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    """Answers about the tickets the service closed in the period (approved, closed
    automatically after a proposal, rejected)."""
    now, before = _survey_counts(tickets, period), _survey_counts(tickets, period.previous)
    return Indicator(
        key="satisfaction",
        title=_("Satisfaction des demandeurs (demandes closes dans la période)"),
        unit=_("valeurs"),
        chart=False,
        rows=[
            Row("average", _("Note moyenne (sur 5)"), _average(now["average"]), _average(before["average"])),
            Row("answers", _("Réponses à l'enquête"), now["answers"], before["answers"]),
            Row("closed", _("Demandes closes invitées à répondre"), now["closed"], before["closed"]),
            Row(
                "rate",
                _("Taux de réponse (%)"),
                _rate(now["answers"], now["closed"]),
                _rate(before["answers"], before["closed"]),
            ),
        ],
    )


def satisfaction_distribution(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    now, before = _survey_counts(tickets, period), _survey_counts(tickets, period.previous)
    return Indicator(
        key="satisfaction_distribution",
        title=_("Répartition des notes de satisfaction"),
        unit=_("réponses"),
        rows=[Row(str(n), _("Note %(n)s") % {"n": n}, now[f"r{n}"], before[f"r{n}"]) for n in range(1, 6)],
    )


def survey_comments(tickets: QuerySet[Ticket], period: Period, limit: int = 50) -> list[dict]:
    """The latest comments about tickets closed in the period, newest first (managers read them)."""
    return list(
        SurveyAnswer.objects.filter(ticket__in=tickets.filter(_in("closed_at", period)).values("pk"))
        .exclude(comment="")
        .order_by("-updated_at", "-pk")
        .values("rating", "comment", "updated_at", "ticket__reference", "ticket__title")[:limit]
    )
