"""Indicators for the people who run the service, computed from the ticket
history (``Ticket`` fields and ``TicketEvent`` rows).

Every indicator covers a period and the period of the same length just
before it, on the tickets ``Ticket.objects.visible_to(user)`` returns (the
one visibility rule) narrowed by the filters. Volumes and outcomes are
aggregated by the database (one query for both periods); delays are counted
in working days of the ticket's institution calendar (public holidays of its
region and closure periods), over the tickets closed in the period, read in
bounded batches.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import ClosurePeriod, Institution
from helpdesk.workdays import WorkCalendar, resolve_holiday_region, working_days_between
from stats.models import targets_by_category
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
    """The tickets the indicators count: the visibility rule, then the filters."""
    qs = Ticket.objects.visible_to(user)
    if filters.service_id is not None:
        qs = qs.filter(service_id=filters.service_id)
    if filters.category_ids is not None:
        qs = qs.filter(category_id__in=filters.category_ids)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.priority is not None:
        qs = qs.filter(priority=filters.priority)
    return qs


def _in(prefix: str, period: Period) -> Q:
    return Q(**{f"{prefix}__gte": period.start, f"{prefix}__lt": period.end})


# --- Volumes ---------------------------------------------------------------------


def volumes(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    prev = period.previous
    counts = tickets.filter(
        _in("created", Period(prev.start, period.end)) | _in("closed_at", Period(prev.start, period.end))
    ).aggregate(
        filed=Count("pk", filter=_in("created", period)),
        filed_prev=Count("pk", filter=_in("created", prev)),
        closed=Count("pk", filter=_in("closed_at", period)),
        closed_prev=Count("pk", filter=_in("closed_at", prev)),
    )
    return Indicator(
        key="volumes",
        title=_("Demandes déposées et closes"),
        unit=_("demandes"),
        rows=[
            Row("filed", _("Déposées"), counts["filed"], counts["filed_prev"]),
            Row("closed", _("Closes"), counts["closed"], counts["closed_prev"]),
        ],
    )


def _open_at(moment: datetime) -> Q:
    return Q(created__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


def backlog_by_age(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    """Tickets still open at the end of each period, by age in calendar days."""
    aggregates = {}
    for suffix, moment in (("", period.end), ("_prev", period.start)):
        for label, low, high in AGE_BANDS:
            band = _open_at(moment) & Q(created__lte=moment - timedelta(days=low))
            if high is not None:
                band &= Q(created__gt=moment - timedelta(days=high + 1))
            aggregates[f"{label}{suffix}"] = Count("pk", filter=band)
    counts = tickets.filter(created__lt=period.end).aggregate(**aggregates)
    return Indicator(
        key="backlog_age",
        title=_("Demandes en cours en fin de période, par ancienneté"),
        unit=_("demandes"),
        rows=[
            Row(label, _("%(band)s jours") % {"band": label}, counts[label], counts[f"{label}_prev"])
            for label, _low, _high in AGE_BANDS
        ],
    )


def backlog_by_status(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    """Tickets still open at the end of each period, by the status they had then
    (the last history event before that moment)."""
    results: list[dict[str, int]] = []
    for moment in (period.end, period.start):
        status_then = Subquery(
            TicketEvent.objects.filter(ticket=OuterRef("pk"), created__lt=moment)
            .order_by("-created", "-pk")
            .values("to_status")[:1]
        )
        rows = (
            tickets.filter(_open_at(moment))
            .annotate(status_then=status_then)
            .values("status_then")
            .annotate(n=Count("pk"))
            .order_by()
        )
        results.append({r["status_then"]: r["n"] for r in rows})
    current, previous = results
    return Indicator(
        key="backlog_status",
        title=_("Demandes en cours en fin de période, par statut"),
        unit=_("demandes"),
        rows=[
            Row(status.value, status.label, current.get(status.value, 0), previous.get(status.value, 0))
            for status in TicketStatus
            if status in OPEN_STATES
        ],
    )


# --- Outcomes --------------------------------------------------------------------


def outcomes(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    prev = period.previous
    kinds = {
        "approved": Q(action=EventAction.APPROVE),
        "refused": Q(action=EventAction.REFUSE),
        "auto_abn": Q(action=EventAction.EXPIRE, to_status=TicketStatus.ABN),
        "auto_ter": Q(action=EventAction.EXPIRE, to_status=TicketStatus.TER),
        "rejected": Q(action__in=REJECTION_ACTIONS, to_status=TicketStatus.REJ),
        "transferred": Q(action=EventAction.REQUALIFY, changes__has_key="service"),
    }
    aggregates = {}
    for key, rule in kinds.items():
        aggregates[key] = Count("pk", filter=rule & _in("created", period))
        aggregates[f"{key}_prev"] = Count("pk", filter=rule & _in("created", prev))
    counts = TicketEvent.objects.filter(ticket__in=tickets, **{"created__gte": prev.start, "created__lt": period.end})
    counts = counts.aggregate(**aggregates)
    labels = {
        "approved": _("Réponses validées par le demandeur"),
        "refused": _("Réponses refusées par le demandeur"),
        "auto_abn": _("Abandons automatiques (sans réponse du demandeur)"),
        "auto_ter": _("Clôtures automatiques (réponse non validée à temps)"),
        "rejected": _("Rejets (y compris doublons et exclusions)"),
        "transferred": _("Transferts vers un autre service"),
    }
    return Indicator(
        key="outcomes",
        title=_("Issues des demandes"),
        unit=_("événements"),
        rows=[Row(key, labels[key], counts[key], counts[f"{key}_prev"]) for key in kinds],
    )


# --- Delays in working days ------------------------------------------------------


class Calendars:
    """Working-day calendars by institution, built from two small queries at
    most per batch (institutions' regions, all closure periods) instead of one
    per ticket."""

    def __init__(self) -> None:
        self._closures: dict[int | None, list[tuple[date, date]]] | None = None
        self._calendars: dict[int | None, WorkCalendar] = {}

    def prepare(self, institution_ids: set[int | None]) -> None:
        missing = institution_ids - set(self._calendars)
        if not missing:
            return
        if self._closures is None:
            self._closures = defaultdict(list)
            for inst, start, end in ClosurePeriod.objects.values_list("institution_id", "start", "end"):
                self._closures[inst].append((start, end))
        regions = dict(Institution.objects.filter(pk__in=missing - {None}).values_list("pk", "holiday_region"))
        for inst in missing:
            try:
                subdivision = resolve_holiday_region(regions.get(inst, ""))
            except ValueError:  # a typo in admin: metropolitan France, as the timers do
                subdivision = None
            closures = self._closures[None] + (self._closures[inst] if inst is not None else [])
            self._calendars[inst] = WorkCalendar(subdivision=subdivision, closures=tuple(sorted(closures)))

    def __getitem__(self, institution_id: int | None) -> WorkCalendar:
        return self._calendars[institution_id]


def batches(qs: QuerySet, fields: tuple[str, ...]) -> Iterator[list[tuple]]:
    """Rows in keyset batches of ``BATCH_SIZE`` by primary key (constant memory per batch)."""
    last = 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def median(values: list[int]) -> float | int | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    middle = statistics.median(values)
    return int(middle) if float(middle).is_integer() else middle


def percentile_90(values: list[int]) -> int | None:
    """Nearest-rank 90th percentile: the smallest value at least 90 % of the tickets reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass(frozen=True)
class DelaySample:
    """One ticket closed in the period: its delays in working days (None when it has none)."""

    category_id: int
    response: int | None
    resolution: int | None


def delay_samples(tickets: QuerySet[Ticket], period: Period, calendars: Calendars) -> Iterator[DelaySample]:
    first_response = Min("events__created", filter=Q(events__action__in=RESPONSE_ACTIONS))
    closed = tickets.filter(_in("closed_at", period)).annotate(first_response=first_response)
    fields = ("institution_id", "category_id", "created", "first_response", "closed_at", "status")
    for batch in batches(closed, fields):
        calendars.prepare({row[1] for row in batch})
        for _pk, inst, category_id, created, responded, closed_at, status in batch:
            calendar = calendars[inst]
            yield DelaySample(
                category_id=category_id,
                response=None if responded is None else working_days_between(created, responded, calendar),
                resolution=working_days_between(created, closed_at, calendar) if status in RESOLVED_STATES else None,
            )


def _split(samples: Iterator[DelaySample]) -> tuple[list[int], list[int]]:
    response: list[int] = []
    resolution: list[int] = []
    for sample in samples:
        if sample.response is not None:
            response.append(sample.response)
        if sample.resolution is not None:
            resolution.append(sample.resolution)
    return response, resolution


def delays(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    calendars = Calendars()
    response, resolution = _split(delay_samples(tickets, period, calendars))
    response_prev, resolution_prev = _split(delay_samples(tickets, period.previous, calendars))
    return Indicator(
        key="delays",
        title=_("Délais en jours ouvrés (demandes closes dans la période)"),
        unit=_("jours ouvrés"),
        rows=[
            Row("response_median", _("Première réponse, médiane"), median(response), median(response_prev)),
            Row(
                "response_p90",
                _("Première réponse, 90e centile"),
                percentile_90(response),
                percentile_90(response_prev),
            ),
            Row("resolution_median", _("Résolution, médiane"), median(resolution), median(resolution_prev)),
            Row(
                "resolution_p90",
                _("Résolution, 90e centile"),
                percentile_90(resolution),
                percentile_90(resolution_prev),
            ),
        ],
    )


def _share(pairs: list[tuple[int, int]]) -> float | None:
    """Percentage (one decimal) of (delay, target) pairs within target; None without any."""
    if not pairs:
        return None
    return round(100 * sum(1 for delay, target in pairs if delay <= target) / len(pairs), 1)


def _within_targets(samples: Iterator[DelaySample], targets: dict) -> tuple[float | None, float | None]:
    response: list[tuple[int, int]] = []
    resolution: list[tuple[int, int]] = []
    for sample in samples:
        response_target, resolution_target = targets.get(sample.category_id, (None, None))
        if sample.response is not None and response_target is not None:
            response.append((sample.response, response_target))
        if sample.resolution is not None and resolution_target is not None:
            resolution.append((sample.resolution, resolution_target))
    return _share(response), _share(resolution)


def targets(tickets: QuerySet[Ticket], period: Period) -> Indicator:
    """Share of the tickets closed in the period that met their category's target
    delays (``stats.CategoryTarget``, inherited down the tree)."""
    by_category, calendars = targets_by_category(), Calendars()
    response, resolution = _within_targets(delay_samples(tickets, period, calendars), by_category)
    response_prev, resolution_prev = _within_targets(delay_samples(tickets, period.previous, calendars), by_category)
    return Indicator(
        key="targets",
        title=_("Part des demandes traitées dans le délai cible"),
        unit="%",
        rows=[
            Row("response", _("Première réponse dans le délai cible"), response, response_prev),
            Row("resolution", _("Résolution dans le délai cible"), resolution, resolution_prev),
        ],
    )


# --- All of them -----------------------------------------------------------------

INDICATORS = {
    "volumes": volumes,
    "backlog_status": backlog_by_status,
    "backlog_age": backlog_by_age,
    "delays": delays,
    "outcomes": outcomes,
    "targets": targets,
}


def _register_more() -> None:
    """The indicators of the other modules (which import this one's types)."""
    from stats import people

    INDICATORS.update(
        {
            "satisfaction": people.satisfaction,
            "satisfaction_distribution": people.satisfaction_distribution,
        }
    )


_register_more()


def compute(*, user: Any, filters: StatsFilters, keys: tuple[str, ...] = tuple(INDICATORS)) -> list[Indicator]:
    tickets = scoped_tickets(user=user, filters=filters)
    return [INDICATORS[key](tickets, filters.period) for key in keys]
