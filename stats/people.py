"""Indicators about people: the requesters' satisfaction and the agents' workload."""

from __future__ import annotations

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from stats.indicators import Indicator, Period, Row, _in, _on, _open_at
from stats.models import Measure, SurveyAnswer, TicketFact
from stats.rollups import Rollups
from stats.survey import SURVEYED_STATES


def _survey_counts_rollups(rollups: Rollups, period: Period) -> list[dict]:
    """``_survey_counts`` of the period and of the previous one, from the roll-ups: one query per page."""
    key = ("survey", period)
    if key not in rollups.shared:
        rules = {}
        for suffix, p in (("", period), ("_prev", period.previous)):
            rules[f"closed{suffix}"] = _on(p, Measure.SURVEYED)
            rules |= {f"r{n}{suffix}": _on(p, Measure.RATING) & Q(value=n) for n in range(1, 6)}
        rollups.shared[key] = rollups.sums(**rules)
    found = rollups.shared[key]
    both = []
    for suffix in ("", "_prev"):
        counts = {name: found[f"{name}{suffix}"] for name in ("closed", "r1", "r2", "r3", "r4", "r5")}
        answers = sum(counts[f"r{n}"] for n in range(1, 6))
        average = sum(n * counts[f"r{n}"] for n in range(1, 6)) / answers if answers else None
        both.append(counts | {"answers": answers, "average": average})
    return both


def _both_survey_counts(facts: QuerySet[TicketFact] | Rollups, period: Period) -> list[dict]:
    """The survey's counts for the period and for the previous one."""
    if isinstance(facts, Rollups):
        return _survey_counts_rollups(facts, period)
    return [_survey_counts(facts, period), _survey_counts(facts, period.previous)]


def _survey_counts(facts: QuerySet[TicketFact], period: Period) -> dict:
    closed = facts.filter(_in("closed_at", period), status__in=SURVEYED_STATES)
    counts = closed.aggregate(closed=Count("pk"))
    answers = SurveyAnswer.objects.filter(ticket_id__in=closed.values("ticket_id")).aggregate(
        answers=Count("pk"),
        average=Avg("rating"),
        **{f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
    )
    return counts | answers


def _rate(answers: int, closed: int) -> float | None:
    return round(100 * answers / closed, 1) if closed else None


def _average(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def satisfaction(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Answers about the tickets the service closed in the period (approved, closed
    automatically after a proposal, rejected)."""
    now, before = _both_survey_counts(facts, period)
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


def satisfaction_distribution(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    now, before = _both_survey_counts(facts, period)
    return Indicator(
        key="satisfaction_distribution",
        title=_("Répartition des notes de satisfaction"),
        unit=_("réponses"),
        rows=[Row(str(n), _("Note %(n)s") % {"n": n}, now[f"r{n}"], before[f"r{n}"]) for n in range(1, 6)],
    )


def survey_comments(facts: QuerySet[TicketFact], period: Period, limit: int = 50) -> list[dict]:
    """The latest comments about tickets closed in the period, newest first (managers read them)."""
    return list(
        SurveyAnswer.objects.filter(ticket_id__in=facts.filter(_in("closed_at", period)).values("ticket_id"))
        .exclude(comment="")
        .order_by("-updated_at", "-pk")
        .values("rating", "comment", "updated_at", "ticket__reference", "ticket__title")[:limit]
    )


# --- Agents' workload ---------------------------------------------------------------


def _by_agent(facts: QuerySet[TicketFact], rules: tuple[Q, Q]) -> dict[int, tuple[int, int]]:
    """``{agent id: (count now, count before)}`` of the tickets matching each rule, by assignee."""
    rows = (
        facts.filter(rules[0] | rules[1], assignee_id__isnull=False)
        .values("assignee_id")
        .annotate(now=Count("pk", filter=rules[0]), before=Count("pk", filter=rules[1]))
        .order_by()
    )
    return {row["assignee_id"]: (row["now"], row["before"]) for row in rows}


def _agent_rows(counts: dict[int, tuple[int, int]]) -> list[Row]:
    names = {u.pk: u.get_full_name() or u.email for u in User.objects.filter(pk__in=counts)}
    ordered = sorted(counts.items(), key=lambda item: (-item[1][0], names.get(item[0], "")))
    return [Row(str(pk), names.get(pk, "?"), now, before) for pk, (now, before) in ordered]


def workload_handled(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Tickets closed in the period, by the agent they were assigned to."""
    if isinstance(facts, Rollups):
        counts = facts.by_agent(Measure.HANDLED, (_on(period, Measure.HANDLED), _on(period.previous, Measure.HANDLED)))
    else:
        counts = _by_agent(facts, (_in("closed_at", period), _in("closed_at", period.previous)))
    return Indicator(
        key="workload_handled",
        title=_("Demandes closes par agent"),
        unit=_("demandes"),
        rows=_agent_rows(counts),
    )


def workload_assigned(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Tickets first taken or assigned in the period, by their (current) agent."""
    if isinstance(facts, Rollups):
        rules = (_on(period, Measure.ASSIGNED), _on(period.previous, Measure.ASSIGNED))
        counts = facts.by_agent(Measure.ASSIGNED, rules)
    else:
        counts = _by_agent(facts, (_in("first_assigned_at", period), _in("first_assigned_at", period.previous)))
    return Indicator(
        key="workload_assigned",
        title=_("Demandes prises en charge dans la période, par agent"),
        unit=_("demandes"),
        rows=_agent_rows(counts),
    )


def workload_open(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Tickets open at the end of each period, by their (current) agent."""
    if isinstance(facts, Rollups):
        # Filed before the Paris midnight M (day < M) and not closed before it (closed day ≥ M).
        counts = facts.open_by("agent_id", Measure.AGENT_OPEN, (period.end, period.start), Q(agent_id__isnull=False))
    else:
        counts = _by_agent(facts, (_open_at(period.end), _open_at(period.start)))
    return Indicator(
        key="workload_open",
        title=_("Demandes en cours en fin de période, par agent"),
        unit=_("demandes"),
        rows=_agent_rows(counts),
    )
