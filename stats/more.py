"""Rejections and their reasons; the knowledge base's share in the service."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from catalogue.models import Category
from knowledge.models import ArticleViewDay, Deflection, SearchMiss
from stats.indicators import REJECTION_ACTIONS, Indicator, Period, Row, StatsFilters, _both, _in, _on
from stats.models import Measure, TicketFact
from stats.rollups import REJECTIONS, Rollups
from tickets.models import EventAction
from tickets.status import TicketStatus

TOP = 10
REJECTION_LABELS = {
    EventAction.REJECT: _("Rejets motivés"),
    EventAction.DUPLICATE: _("Doublons"),
    EventAction.EXCLUDE: _("Exclusions"),
}


def rejections(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Tickets rejected in the period, by kind, then the most frequent reasons typed."""
    now, before = _in("closed_at", period), _in("closed_at", period.previous)
    if isinstance(facts, Rollups):
        measures = {str(a): REJECTIONS[str(a)] for a in REJECTION_ACTIONS}
        kinds = facts.sums(
            **{a: _on(period, m) for a, m in measures.items()},
            **{f"{a}_prev": _on(period.previous, m) for a, m in measures.items()},
        )
        facts = facts.facts
    else:
        kinds = facts.filter(_both("closed_at", period), status=TicketStatus.REJ).aggregate(
            **{f"{a}": Count("pk", filter=now & Q(closing_action=a)) for a in REJECTION_ACTIONS},
            **{f"{a}_prev": Count("pk", filter=before & Q(closing_action=a)) for a in REJECTION_ACTIONS},
        )
    rejected = facts.filter(_both("closed_at", period), status=TicketStatus.REJ)
    rows = [Row(str(a), REJECTION_LABELS[a], kinds[a], kinds[f"{a}_prev"]) for a in REJECTION_ACTIONS]
    reasons = (
        rejected.filter(closing_action=EventAction.REJECT)
        .exclude(closing_reason="")
        .values("closing_reason")
        .annotate(now=Count("pk", filter=now), before=Count("pk", filter=before))
        .filter(now__gt=0)
        .order_by("-now", "closing_reason")[:TOP]
    )
    for i, reason in enumerate(reasons):
        label = _("Motif : « %(reason)s »") % {"reason": reason["closing_reason"]}
        rows.append(Row(f"reason_{i}", label, reason["now"], reason["before"]))
    return Indicator(
        key="rejections",
        title=_("Rejets et leurs motifs (demandes rejetées dans la période)"),
        unit=_("demandes"),
        rows=rows,
    )


def _categories(filters: StatsFilters, user) -> QuerySet[Category]:
    """The catalogue nodes the knowledge-base figures are about: the filters' category
    subtree and service, within the services the person manages (all for administrators)."""
    from accounts.roles import is_admin

    categories = Category.objects.all()
    if filters.category_ids is not None:
        categories = categories.filter(pk__in=filters.category_ids)
    if filters.service_id is not None:
        categories = categories.filter(service_id=filters.service_id)
    if not is_admin(user):
        categories = categories.filter(service_id__in=user.service_ids)
    return categories


def knowledge(facts: QuerySet[TicketFact] | Rollups, period: Period, *, filters: StatsFilters, user) -> Indicator:
    """Requests not filed because an article or FAQ entry answered them ("Cela a résolu
    mon problème"), against the tickets filed in the same categories."""
    categories = _categories(filters, user).values("pk")
    deflected = Deflection.objects.filter(_both("created_at", period), category_id__in=categories).aggregate(
        now=Count("pk", filter=_in("created_at", period)), before=Count("pk", filter=_in("created_at", period.previous))
    )
    if isinstance(facts, Rollups):
        filed = facts.sums(now=_on(period, Measure.FILED), before=_on(period.previous, Measure.FILED))
    else:
        filed = facts.filter(_both("created", period)).aggregate(
            now=Count("pk", filter=_in("created", period)), before=Count("pk", filter=_in("created", period.previous))
        )

    def rate(key: str) -> float | None:
        total = deflected[key] + filed[key]
        return round(100 * deflected[key] / total, 1) if total else None

    return Indicator(
        key="knowledge",
        title=_("Demandes évitées grâce à la base de connaissances"),
        unit=_("valeurs"),
        chart=False,
        rows=[
            Row("deflected", _("Demandes évitées"), deflected["now"], deflected["before"]),
            Row("filed", _("Demandes déposées"), filed["now"], filed["before"]),
            Row("rate", _("Part des besoins résolus sans demande (%)"), rate("now"), rate("before")),
        ],
    )


def _day_range(period: Period) -> dict:
    return {"day__gte": period.previous.start.date(), "day__lt": period.end.date()}


def _days(period: Period) -> Q:
    return Q(day__gte=period.start.date(), day__lt=period.end.date())


def top_articles(facts: QuerySet[TicketFact], period: Period, *, filters: StatsFilters, user) -> Indicator:
    """The most-read articles of the period (all of the knowledge base: it is public)."""
    rows = (
        ArticleViewDay.objects.filter(**_day_range(period))
        .values("article_id", "article__title")
        .annotate(now=Sum("count", filter=_days(period)), before=Sum("count", filter=_days(period.previous)))
        .filter(now__gt=0)
        .order_by("-now", "article__title")[:TOP]
    )
    return Indicator(
        key="top_articles",
        title=_("Articles les plus lus"),
        unit=_("lectures"),
        rows=[Row(str(r["article_id"]), r["article__title"], r["now"], r["before"] or 0) for r in rows],
    )


def search_misses(facts: QuerySet[TicketFact], period: Period, *, filters: StatsFilters, user) -> Indicator:
    """The most frequent knowledge-base searches that found nothing: articles to write."""
    rows = (
        SearchMiss.objects.filter(**_day_range(period))
        .values("query")
        .annotate(now=Sum("count", filter=_days(period)), before=Sum("count", filter=_days(period.previous)))
        .filter(now__gt=0)
        .order_by("-now", "query")[:TOP]
    )
    return Indicator(
        key="search_misses",
        title=_("Recherches sans résultat dans la base de connaissances"),
        unit=_("recherches"),
        rows=[Row(r["query"], r["query"], r["now"], r["before"] or 0) for r in rows],
    )


for _function in (knowledge, top_articles, search_misses):
    _function.wants_context = True  # called with ``filters=`` and ``user=``
