"""Indicators for the people who run the service, read from ``stats.TicketFact``
(one narrow row per ticket with its working-day delays already counted, kept
up to date as events happen: ``stats.facts``) and ``stats.StatusSpan``.

Every indicator covers a period and the period of the same length just
before it, on the tickets ``Ticket.objects.visible_to(user)`` returns (the
one visibility rule) narrowed by the filters. Each is one aggregate query
(or two) computed by the database; medians and 90th percentiles too on
PostgreSQL (``stats.percentiles``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from stats.models import Measure as M
from stats.models import StatusSpan, TicketFact, targets_by_category
from stats.percentiles import PercentileCont, PercentileDisc, _number, histogram_median_and_p90, median, percentile_90
from stats.rollups import DELAY_MEASURES, Rollups, epoch_day, paris_date
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.status import OPEN_STATES, TicketStatus

BATCH_SIZE = 2000

# What the requester receives from the service: the first of these is the first response.
RESPONSE_ACTIONS = (
    EventAction.REPLY,
    EventAction.ASK,
    EventAction.PROPOSE,
    EventAction.REJECT,
    EventAction.DUPLICATE,
)
# Delays to resolution are counted on tickets the service closed: approved (by
# the requester or automatically) and rejected; a withdrawal resolves nothing.
RESOLVED_STATES = (TicketStatus.TER, TicketStatus.REJ)
REJECTION_ACTIONS = (EventAction.REJECT, EventAction.DUPLICATE, EventAction.EXCLUDE)

# Backlog ages in calendar days at the end of the period: (label, min days, max days or None).
AGE_BANDS = (
    ("0-2", 0, 2),
    ("3-7", 3, 7),
    ("8-30", 8, 30),
    ("31-90", 31, 90),
    ("90+", 91, None),
)


@dataclass(frozen=True)
class Period:
    """``[start, end)`` as aware datetimes (Paris midnights)."""

    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        return Period(start=self.start - (self.end - self.start), end=self.start)

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()


@dataclass(frozen=True)
class StatsFilters:
    period: Period
    service_id: int | None = None
    category_ids: frozenset[int] | None = None
    channel: str | None = None
    priority: int | None = None
    institution_id: int | None = None
    profile: str | None = None


@dataclass
class Row:
    key: str
    label: Any
    current: float | int | None
    previous: float | int | None


@dataclass
class Indicator:
    key: str
    title: Any
    unit: Any
    rows: list[Row] = field(default_factory=list)
    # False for rows of different units (a bar chart would compare them): the table alone.
    chart: bool = True

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def values(self) -> dict[str, tuple[Any, Any]]:
        """``{row key: (current, previous)}``: what tests compare."""
        return {r.key: (r.current, r.previous) for r in self.rows}


# --- Scope -----------------------------------------------------------------------


def scoped_tickets(*, user: Any, filters: StatsFilters) -> QuerySet[Ticket]:
    """The tickets the indicators count: the visibility rule, then the filters (exports' list)."""
    qs = Ticket.objects.visible_to(user)
    if filters.service_id is not None:
        qs = qs.filter(service_id=filters.service_id)
    if filters.category_ids is not None:
        qs = qs.filter(category_id__in=filters.category_ids)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.priority is not None:
        qs = qs.filter(priority=filters.priority)
    if filters.institution_id is not None:
        qs = qs.filter(institution_id=filters.institution_id)
    if filters.profile:
        qs = qs.filter(stats_fact__requester_profile=filters.profile)
    return qs


def scoped_facts(*, user: Any, filters: StatsFilters) -> QuerySet[TicketFact]:
    """The facts of the same tickets: the filters on the facts' own columns (their
    indexes), and ``visible_to``'s answer as a subquery — left out only when it
    is every ticket (an administrator), which would be a scan for nothing.

    Reading starts by flushing the facts of the tickets changed since the last
    flush (``facts.refresh_dirty``: the few of the last minute), so the
    figures are always current."""
    from stats.facts import refresh_dirty

    refresh_dirty()
    qs = TicketFact.objects.all()
    if filters.service_id is not None:
        qs = qs.filter(service_id=filters.service_id)
    if filters.category_ids is not None:
        qs = qs.filter(category_id__in=filters.category_ids)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.priority is not None:
        qs = qs.filter(priority=filters.priority)
    if filters.institution_id is not None:
        qs = qs.filter(institution_id=filters.institution_id)
    if filters.profile:
        qs = qs.filter(requester_profile=filters.profile)
    visible = Ticket.objects.visible_to(user)
    if visible.query.is_empty() or visible.query.where:
        qs = qs.filter(ticket__in=visible.values("pk"))
    return qs


def _in(prefix: str, period: Period) -> Q:
    return Q(**{f"{prefix}__gte": period.start, f"{prefix}__lt": period.end})


def _both(prefix: str, period: Period) -> Q:
    return _in(prefix, Period(period.previous.start, period.end))


def _on(period: Period, measure: int) -> Q:
    """Roll-up rows of one measure on the days of a period."""
    return Rollups.on(period, measure)


# --- Volumes ---------------------------------------------------------------------


def volumes(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    prev = period.previous
    if isinstance(facts, Rollups):
        counts = facts.sums(
            filed=_on(period, M.FILED),
            filed_prev=_on(prev, M.FILED),
            closed=_on(period, M.CLOSED),
            closed_prev=_on(prev, M.CLOSED),
            follow_ups=_on(period, M.FOLLOW_UP),
            follow_ups_prev=_on(prev, M.FOLLOW_UP),
        )
    else:
        counts = _volume_counts(facts, period)
    return _volume_rows(counts)


def _volume_counts(facts: QuerySet[TicketFact], period: Period) -> dict[str, int]:
    prev = period.previous
    counts = facts.filter(_both("created", period) | _both("closed_at", period)).aggregate(
        filed=Count("pk", filter=_in("created", period)),
        filed_prev=Count("pk", filter=_in("created", prev)),
        closed=Count("pk", filter=_in("closed_at", period)),
        closed_prev=Count("pk", filter=_in("closed_at", prev)),
        follow_ups=Count("pk", filter=_in("created", period) & Q(is_follow_up=True)),
        follow_ups_prev=Count("pk", filter=_in("created", prev) & Q(is_follow_up=True)),
    )
    return counts


def _volume_rows(counts: dict[str, int]) -> Indicator:
    return Indicator(
        key="volumes",
        title=_("Demandes déposées et closes"),
        unit=_("demandes"),
        rows=[
            Row("filed", _("Déposées"), counts["filed"], counts["filed_prev"]),
            Row("closed", _("Closes"), counts["closed"], counts["closed_prev"]),
            Row(
                "follow_ups",
                _("Demandes de suite (déposées après la clôture d'une autre)"),
                counts["follow_ups"],
                counts["follow_ups_prev"],
            ),
        ],
    )


def _open_at(moment: datetime) -> Q:
    return Q(created__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def backlog_by_age(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Tickets still open at the end of each period, by age in calendar days."""
    counts = _age_counts_rollups(facts, period) if isinstance(facts, Rollups) else _age_counts(facts, period)
    return Indicator(
        key="backlog_age",
        title=_("Demandes en cours en fin de période, par ancienneté"),
        unit=_("demandes"),
        rows=[
            Row(label, _("%(band)s jours") % {"band": label}, counts[label], counts[f"{label}_prev"])
            for label, _low, _high in AGE_BANDS
        ],
    )


def _age_counts_rollups(rollups: Rollups, period: Period) -> dict[str, int]:
    """Filed at or before M − low days and after M − (high + 1) days, open at M: by the day
    the age counts from (``rollups._age_day``), ``M − high − 1 ≤ day ≤ M − low − 1``."""
    rules, unbounded = {}, {}
    for suffix, moment in (("", period.end), ("_prev", period.start)):
        day = paris_date(moment)
        open_then = Q(value__gte=epoch_day(day))
        for label, low, high in AGE_BANDS:
            last = day - timedelta(days=low + 1)
            # Filed at midnight exactly on the day M itself: not yet filed at M.
            last_at_midnight = min(last, day - timedelta(days=2))
            if high is None:  # every day before: the open totals (``Rollups.open_at``)
                for measure, until in ((M.AGE, last), (M.AGE_AT_MIDNIGHT, last_at_midnight)):
                    parts = rollups.open_at(measure, moment, until=until + timedelta(days=1))
                    unbounded |= {f"{label}{suffix}{measure}{part}": rule for part, rule in parts.items()}
                continue
            band = Q(measure=M.AGE, day__lte=last) | Q(measure=M.AGE_AT_MIDNIGHT, day__lte=last_at_midnight)
            rules[f"{label}{suffix}"] = band & open_then & Q(day__gte=day - timedelta(days=high + 1))
    found = rollups.sums(**rules, **unbounded)
    for name in {key[: -len(f"{M.AGE}+")] for key in unbounded}:
        found[name] = sum(found[f"{name}{m}+"] - found[f"{name}{m}-"] + found[f"{name}{m}c"]
                          for m in (M.AGE, M.AGE_AT_MIDNIGHT))  # fmt: skip
    return found


def _age_counts(facts: QuerySet[TicketFact], period: Period) -> dict[str, int]:
    aggregates = {}
    for suffix, moment in (("", period.end), ("_prev", period.start)):
        for label, low, high in AGE_BANDS:
            band = _open_at(moment) & Q(created__lte=moment - timedelta(days=low))
            if high is not None:
                band &= Q(created__gt=moment - timedelta(days=high + 1))
            aggregates[f"{label}{suffix}"] = Count("pk", filter=band)
    counts = facts.filter(created__lt=period.end).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=period.start))
    return counts.aggregate(**aggregates)


def backlog_by_status(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    """Tickets still open at the end of each period, by the status they had then
    (their ``StatusSpan`` covering that moment); one query."""
    open_states = [status for status in TicketStatus if status in OPEN_STATES]
    moments = (("", period.end), ("_prev", period.start))
    if isinstance(facts, Rollups):
        by_status = facts.open_by("status", M.SPAN, (period.end, period.start), Q(status__in=open_states))
        counts = {}
        for status in open_states:
            counts[status.value], counts[f"{status.value}_prev"] = by_status.get(status.value, (0, 0))
    else:
        aggregates = {}
        for suffix, moment in moments:
            at_moment = Q(start__lt=moment) & (Q(end__isnull=True) | Q(end__gte=moment))
            for status in open_states:
                aggregates[f"{status.value}{suffix}"] = Count("pk", filter=at_moment & Q(status=status.value))
        spans = StatusSpan.objects.filter(start__lt=period.end, status__in=[s.value for s in open_states])
        spans = spans.filter(Q(end__isnull=True) | Q(end__gte=period.start))
        counts = spans.filter(ticket_id__in=facts.values("ticket_id")).aggregate(**aggregates)
    return Indicator(
        key="backlog_status",
        title=_("Demandes en cours en fin de période, par statut"),
        unit=_("demandes"),
        rows=[Row(s.value, s.label, counts[s.value], counts[f"{s.value}_prev"]) for s in open_states],
    )


# --- Outcomes --------------------------------------------------------------------


def outcomes(facts: QuerySet[TicketFact] | Rollups, period: Period) -> Indicator:
    prev = period.previous
    kinds = {
        "approved": Q(action=EventAction.APPROVE),
        "refused": Q(action=EventAction.REFUSE),
        "auto_abn": Q(action=EventAction.EXPIRE, to_status=TicketStatus.ABN),
        "auto_ter": Q(action=EventAction.EXPIRE, to_status=TicketStatus.TER),
        "rejected": Q(action__in=REJECTION_ACTIONS, to_status=TicketStatus.REJ),
        "transferred": Q(action=EventAction.REQUALIFY, changes__has_key="service"),
        "requalified": Q(action=EventAction.REQUALIFY) & ~Q(changes__has_key="service"),
    }
    if isinstance(facts, Rollups):
        measures = dict(zip(kinds, (M.APPROVED, M.REFUSED, M.AUTO_ABN, M.AUTO_TER, M.REJECT_EVENT, M.TRANSFERRED,
                                    M.REQUALIFIED), strict=True))  # fmt: skip
        rules = {key: _on(period, measure) for key, measure in measures.items()}
        counts = facts.sums(**rules, **{f"{key}_prev": _on(prev, measure) for key, measure in measures.items()})
    else:
        aggregates = {}
        for key, rule in kinds.items():
            aggregates[key] = Count("pk", filter=rule & _in("created", period))
            aggregates[f"{key}_prev"] = Count("pk", filter=rule & _in("created", prev))
        events = TicketEvent.objects.filter(
            _both("created", period),
            action__in=[EventAction.APPROVE, EventAction.REFUSE, EventAction.EXPIRE, EventAction.REQUALIFY,
                        *REJECTION_ACTIONS],
            ticket_id__in=facts.values("ticket_id"),
        )  # fmt: skip
        counts = events.aggregate(**aggregates)
    labels = {
        "approved": _("Réponses validées par le demandeur"),
        "refused": _("Réponses refusées par le demandeur"),
        "auto_abn": _("Abandons automatiques (sans réponse du demandeur)"),
        "auto_ter": _("Clôtures automatiques (réponse non validée à temps)"),
        "rejected": _("Rejets (y compris doublons et exclusions)"),
        "transferred": _("Transferts vers un autre service"),
        "requalified": _("Requalifications dans le même service"),
    }
    return Indicator(
        key="outcomes",
        title=_("Issues des demandes"),
        unit=_("événements"),
        rows=[Row(key, labels[key], counts[key], counts[f"{key}_prev"]) for key in kinds],
    )


# --- Delays in working days ------------------------------------------------------


def batches(qs: QuerySet, fields: tuple[str, ...]) -> Iterator[list[tuple]]:
    """Rows in keyset batches of ``BATCH_SIZE`` by primary key (constant memory per batch)."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def median_and_p90(facts: QuerySet[TicketFact], column: str) -> tuple[Any, Any]:
    """Median and nearest-rank 90th percentile of a column (nulls left out), in Python."""
    values = list(facts.filter(**{f"{column}__isnull": False}).values_list(column, flat=True))
    return median(values), percentile_90(values)


def _percentiles(facts: QuerySet[TicketFact], period: Period, columns: list[str]) -> dict[str, Any]:
    """``{"<column>_<m|p><''|_prev>": value}`` for the tickets closed in each period: on
    PostgreSQL one aggregate query (``percentile_cont(0.5)`` and ``percentile_disc(0.9)``,
    the same definitions as ``median`` and ``percentile_90``), else in Python."""
    found: dict[str, Any] = {}
    periods = (("", period), ("_prev", period.previous))
    if isinstance(facts, Rollups):
        histograms = facts.histograms([DELAY_MEASURES[c] for c in columns], dict(periods))
        for column in columns:
            for suffix, _p in periods:
                found[f"{column}_m{suffix}"], found[f"{column}_p{suffix}"] = histogram_median_and_p90(
                    histograms.get((DELAY_MEASURES[column], suffix), {})
                )
        return found
    if connection.vendor == "postgresql":
        aggregates = {}
        for column in columns:
            for suffix, p in periods:
                rule = _in("closed_at", p) & Q(**{f"{column}__isnull": False})
                aggregates[f"{column}_m{suffix}"] = PercentileCont(column, 0.5, filter=rule)
                aggregates[f"{column}_p{suffix}"] = PercentileDisc(column, 0.9, filter=rule)
        found = facts.filter(_both("closed_at", period)).aggregate(**aggregates)
        return {key: _number(value) for key, value in found.items()}
    for column in columns:
        for suffix, p in periods:
            found[f"{column}_m{suffix}"], found[f"{column}_p{suffix}"] = median_and_p90(
                facts.filter(_in("closed_at", p)), column
            )
    return found


def delay_rows(facts: QuerySet[TicketFact], period: Period, columns: list[tuple[str, str, Any]]) -> list[Row]:
    """For each (key, column, label): median and p90 rows over the tickets closed in each period."""
    found = _percentiles(facts, period, [column for _key, column, _label in columns])
    rows = []
    for key, column, label in columns:
        m, m_prev = found[f"{column}_m"], found[f"{column}_m_prev"]
        p, p_prev = found[f"{column}_p"], found[f"{column}_p_prev"]
        rows.append(Row(f"{key}_median", _("%(what)s, médiane") % {"what": label}, m, m_prev))
        rows.append(Row(f"{key}_p90", _("%(what)s, 90e centile") % {"what": label}, p, p_prev))
    return rows


def delays(facts: QuerySet[TicketFact], period: Period) -> Indicator:
    return Indicator(
        key="delays",
        title=_("Délais en jours ouvrés (demandes closes dans la période)"),
        unit=_("jours ouvrés"),
        rows=delay_rows(
            facts,
            period,
            [("response", "response_days", _("Première réponse")), ("resolution", "resolution_days", _("Résolution"))],
        ),
    )


def waiting(facts: QuerySet[TicketFact], period: Period) -> Indicator:
    """Of the time to closure, the working days spent waiting on the requester
    (question asked, answer proposed) and on the service (every other open status)."""
    return Indicator(
        key="waiting",
        title=_("Temps d'attente en jours ouvrés, demandeur et service (demandes closes dans la période)"),
        unit=_("jours ouvrés"),
        rows=delay_rows(
            facts,
            period,
            [
                ("requester", "waiting_requester_days", _("Attente du demandeur")),
                ("service", "waiting_service_days", _("Attente du service")),
            ],
        ),
    )


def _share(within: int, total: int) -> float | None:
    return round(100 * within / total, 1) if total else None


def _target_case(by_category: dict, index: int) -> Case | None:
    """The category's target (inherited) as a SQL expression; None when no category has one."""
    groups: dict[int, list[int]] = defaultdict(list)
    for category_id, values in by_category.items():
        if values[index] is not None:
            groups[values[index]].append(category_id)
    if not groups:
        return None
    whens = [When(category_id__in=ids, then=Value(days)) for days, ids in sorted(groups.items())]
    return Case(*whens, default=None, output_field=IntegerField())


def targets(facts: QuerySet[TicketFact], period: Period) -> Indicator:
    """Share of the tickets closed in the period that met their category's target
    delays (``stats.CategoryTarget``, inherited down the tree); one query."""
    by_category = targets_by_category()
    if isinstance(facts, Rollups):
        counts = _target_counts_rollups(facts, period, by_category)
    else:
        counts = _target_counts(facts, period, by_category)

    def share(key: str) -> float | None:
        return _share(counts.get(f"{key}_ok", 0), counts.get(f"{key}_n", 0))

    return Indicator(
        key="targets",
        title=_("Part des demandes traitées dans le délai cible"),
        unit="%",
        rows=[
            Row("response", _("Première réponse dans le délai cible"), share("response"), share("response_prev")),
            Row("resolution", _("Résolution dans le délai cible"), share("resolution"), share("resolution_prev")),
        ],
    )


TARGETED = (("response", "response_days", 0), ("resolution", "resolution_days", 1))


def _target_counts_rollups(rollups: Rollups, period: Period, by_category: dict) -> dict[str, int]:
    periods = {"": period, "_prev": period.previous}
    histograms = rollups.histograms([DELAY_MEASURES[c] for _k, c, _i in TARGETED], periods, by_category=True)
    counts: dict[str, int] = defaultdict(int)
    for (measure, suffix, category), histogram in histograms.items():
        for key, column, index in TARGETED:
            target = by_category.get(category, (None, None))[index]
            if measure != DELAY_MEASURES[column] or target is None:
                continue
            counts[f"{key}{suffix}_n"] += sum(histogram.values())
            counts[f"{key}{suffix}_ok"] += sum(n for value, n in histogram.items() if value <= target)
    return counts


def _target_counts(facts: QuerySet[TicketFact], period: Period, by_category: dict) -> dict[str, int]:
    aggregates = {}
    for key, column, index in TARGETED:
        case = _target_case(by_category, index)
        if case is None:
            continue
        facts = facts.annotate(**{f"{key}_target": case})
        for suffix, p in (("", period), ("_prev", period.previous)):
            has = _in("closed_at", p) & Q(**{f"{column}__isnull": False, f"{key}_target__isnull": False})
            aggregates[f"{key}{suffix}_n"] = Count("pk", filter=has)
            aggregates[f"{key}{suffix}_ok"] = Count("pk", filter=has & Q(**{f"{column}__lte": F(f"{key}_target")}))
    return facts.filter(_both("closed_at", period)).aggregate(**aggregates) if aggregates else {}


# --- All of them -----------------------------------------------------------------

INDICATORS = {
    "volumes": volumes,
    "backlog_status": backlog_by_status,
    "backlog_age": backlog_by_age,
    "delays": delays,
    "waiting": waiting,
    "outcomes": outcomes,
    "targets": targets,
}
# Read by the people who run the service, not by correspondents.
STAFF_ONLY: set[str] = set()


def _register_more() -> None:
    """The indicators of the other modules (which import this one's types)."""
    from stats import more, people

    INDICATORS.update(
        {
            "rejections": more.rejections,
            "satisfaction": people.satisfaction,
            "satisfaction_distribution": people.satisfaction_distribution,
            "workload_handled": people.workload_handled,
            "workload_assigned": people.workload_assigned,
            "workload_open": people.workload_open,
            "knowledge": more.knowledge,
            "top_articles": more.top_articles,
            "search_misses": more.search_misses,
        }
    )
    STAFF_ONLY.update(
        {"workload_handled", "workload_assigned", "workload_open", "knowledge", "top_articles", "search_misses"}
    )


_register_more()


def keys_for(user: Any) -> tuple[str, ...]:
    from accounts.roles import is_admin

    staff = is_admin(user) or user.is_service_manager
    return tuple(key for key in INDICATORS if staff or key not in STAFF_ONLY)


# Computed from ``stats.DailyRollup`` when ``rollups.scope`` finds rows counting exactly the same tickets.
FROM_ROLLUPS = {
    "volumes",
    "backlog_status",
    "backlog_age",
    "delays",
    "waiting",
    "targets",
    "outcomes",
    "rejections",
    "satisfaction",
    "satisfaction_distribution",
    "workload_handled",
    "workload_assigned",
    "workload_open",
    "knowledge",
}


def compute(
    *, user: Any, filters: StatsFilters, keys: tuple[str, ...] | None = None, use_rollups: bool = True
) -> list[Indicator]:
    """The indicators (all those the user may read, or ``keys``); from the roll-ups where
    possible (``use_rollups``; False: from the facts alone, what tests compare them with)."""
    from stats import rollups

    facts = scoped_facts(user=user, filters=filters)
    keys = keys_for(user) if keys is None else keys
    summed = rollups.scope(user=user, filters=filters) if use_rollups and FROM_ROLLUPS.intersection(keys) else None
    if summed is not None:
        facts = summed.facts  # the same tickets, whole services: no visibility subquery
    found = []
    for key in keys:
        function = INDICATORS[key]
        context = {"filters": filters, "user": user} if getattr(function, "wants_context", False) else {}
        source = summed if summed is not None and key in FROM_ROLLUPS else facts
        found.append(function(source, filters.period, **context))
    return found
