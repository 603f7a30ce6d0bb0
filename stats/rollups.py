"""Daily roll-ups of the statistics facts (``stats.DailyRollup``): what the page sums
instead of scanning one fact per ticket.

A roll-up row counts the facts (or status spans) of one (day, service,
category) with one ``measure`` and one ``value``: tickets filed or closed that
day; for delays, one row per number of working days (a histogram, so that the
median and the 90th percentile read from it are exact); for the backlog, the
day each ticket filed that day was closed (``value``), so that "still open at
midnight M" is ``day < M and value ≥ M`` — and the same for status spans.
All the day arithmetic is done on Paris dates, which is exact because the
statistics' periods start and end at Paris midnights (``usable`` checks it).

Kept current incrementally: when ``stats.facts.refresh`` recomputes tickets,
``update`` recomputes, from the facts, the rows of every (day, service) pair
the old and the new facts touch (a few dozen facts each), in the same
transaction. ``rebuild`` recomputes everything set-based (one ``INSERT …
SELECT … GROUP BY`` on PostgreSQL): after a bulk load and a closure-period
change (through ``stats.facts.rebuild``).

The page uses them only when the person's visible tickets narrowed by the
filters are exactly whole roll-up keys (``scope``): administrators, or the
services the person works in when they see nothing beyond them; filters on
institution, channel, priority or profile go to the facts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet, Sum

from helpdesk.workdays import PARIS
from stats.models import DailyRollup, Measure, StatusSpan, TicketFact

EPOCH = date(1970, 1, 1)
OPEN = DailyRollup.OPEN
PAIRS_PER_QUERY = 200
FACT_FIELDS = (
    "service_id",
    "category_id",
    "created",
    "closed_at",
    "is_follow_up",
    "response_days",
    "resolution_days",
    "waiting_requester_days",
    "waiting_service_days",
)
DELAY_MEASURES = {
    "response_days": Measure.RESPONSE,
    "resolution_days": Measure.RESOLUTION,
    "waiting_requester_days": Measure.WAITING_REQUESTER,
    "waiting_service_days": Measure.WAITING_SERVICE,
}
Key = tuple[date, int | None, int | None, int, str, int]


def paris_date(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)


def epoch_day(day: date) -> int:
    return (day - EPOCH).days


def _age_day(created: datetime) -> tuple[date, int]:
    """The day a ticket's age is counted from: the Paris date of (filed − 1 µs), so that
    "filed at or before midnight M − n days" is "that day before M − n"; and its measure."""
    local = created.astimezone(PARIS)
    if local.time() == time.min:
        return local.date() - timedelta(days=1), Measure.AGE_AT_MIDNIGHT
    return local.date(), Measure.AGE


def fact_keys(fact: dict[str, Any]) -> Iterator[Key]:
    """The roll-up keys one fact (``FACT_FIELDS``) counts in, once each."""
    service, category = fact["service_id"], fact["category_id"]
    filed = paris_date(fact["created"])
    yield filed, service, category, Measure.FILED, "", 0
    if fact["is_follow_up"]:
        yield filed, service, category, Measure.FOLLOW_UP, "", 0
    closed = paris_date(fact["closed_at"]) if fact["closed_at"] is not None else None
    if closed is not None:
        yield closed, service, category, Measure.CLOSED, "", 0
        for column, measure in DELAY_MEASURES.items():
            if fact[column] is not None:
                yield closed, service, category, measure, "", fact[column]
    age_day, measure = _age_day(fact["created"])
    yield age_day, service, category, measure, "", OPEN if closed is None else epoch_day(closed)


def span_key(span: dict[str, Any]) -> Key:
    """``span``: status, start, end and its ticket's fact's service and category."""
    end = OPEN if span["end"] is None else epoch_day(paris_date(span["end"]))
    return paris_date(span["start"]), span["service_id"], span["category_id"], Measure.SPAN, span["status"], end


def fact_days(fact: dict[str, Any]) -> set[tuple[date, int | None]]:
    """The (day, service) pairs whose rows count this fact."""
    return {(key[0], key[1]) for key in fact_keys(fact)}


def _rows(counts: Counter) -> list[DailyRollup]:
    return [
        DailyRollup(day=day, service_id=s, category_id=c, measure=m, status=status, value=value, count=n)
        for (day, s, c, m, status, value), n in counts.items()
    ]


def _spans(spans: QuerySet[StatusSpan]) -> Iterator[dict[str, Any]]:
    fields = ("status", "start", "end", "ticket__stats_fact__service_id", "ticket__stats_fact__category_id")
    for status, start, end, service, category in spans.values_list(*fields).iterator(chunk_size=2000):
        yield {"status": status, "start": start, "end": end, "service_id": service, "category_id": category}


def _count(facts: Iterable[dict], spans: Iterable[dict], pairs: set | None = None) -> Counter:
    counts: Counter = Counter()
    for fact in facts:
        for key in fact_keys(fact):
            if pairs is None or (key[0], key[1]) in pairs:
                counts[key] += 1
    for span in spans:
        key = span_key(span)
        if pairs is None or (key[0], key[1]) in pairs:
            counts[key] += 1
    return counts


def _service(service_id: int | None, prefix: str = "") -> Q:
    if service_id is None:
        return Q(**{f"{prefix}service_id__isnull": True})
    return Q(**{f"{prefix}service_id": service_id})


def update(pairs: set[tuple[date, int | None]]) -> None:
    """Recompute the roll-up rows of these (day, service) pairs from the facts and spans."""
    pairs = set(pairs)
    ordered = sorted(pairs, key=lambda p: (p[0], p[1] is None, p[1] or 0))
    for i in range(0, len(ordered), PAIRS_PER_QUERY):
        chunk = ordered[i : i + PAIRS_PER_QUERY]
        rows, facts_rule, spans_rule = Q(), Q(), Q()
        for day, service in chunk:
            low, high = midnight(day), midnight(day + timedelta(days=1))
            rows |= Q(day=day) & _service(service)
            # ``created`` up to the next midnight included: a ticket filed at midnight counts its age the day before.
            facts_rule |= _service(service) & (
                Q(created__gte=low, created__lte=high) | Q(closed_at__gte=low, closed_at__lt=high)
            )
            spans_rule |= Q(start__gte=low, start__lt=high) & _service(service, "ticket__stats_fact__")
        facts = TicketFact.objects.filter(facts_rule).values(*FACT_FIELDS)
        counts = _count(facts.iterator(chunk_size=2000), _spans(StatusSpan.objects.filter(spans_rule)), set(chunk))
        DailyRollup.objects.filter(rows).delete()
        DailyRollup.objects.bulk_create(_rows(counts), batch_size=2000)


def _local(column: str) -> str:
    return f"({column} AT TIME ZONE 'Europe/Paris')"


def _rebuild_sql() -> str:
    closed = f"{_local('closed_at')}::date"
    parts = [
        f"SELECT {_local('created')}::date, service_id, category_id, {Measure.FILED}, '', 0 FROM stats_ticketfact",
        f"SELECT {_local('created')}::date, service_id, category_id, {Measure.FOLLOW_UP}, '', 0 "
        "FROM stats_ticketfact WHERE is_follow_up",
        f"SELECT {closed}, service_id, category_id, {Measure.CLOSED}, '', 0 FROM stats_ticketfact "
        "WHERE closed_at IS NOT NULL",
    ]
    for column, measure in DELAY_MEASURES.items():
        parts.append(
            f"SELECT {closed}, service_id, category_id, {measure}, '', {column} FROM stats_ticketfact "
            f"WHERE closed_at IS NOT NULL AND {column} IS NOT NULL"
        )
    parts.append(
        f"SELECT ({_local('created')} - interval '1 microsecond')::date, service_id, category_id, "
        f"CASE WHEN {_local('created')}::time = '00:00' THEN {Measure.AGE_AT_MIDNIGHT} ELSE {Measure.AGE} END, '', "
        f"COALESCE({closed} - DATE '1970-01-01', {OPEN}) FROM stats_ticketfact"
    )
    parts.append(
        f"SELECT {_local('s.start')}::date, f.service_id, f.category_id, {Measure.SPAN}, s.status, "
        f"COALESCE({_local('s.end')}::date - DATE '1970-01-01', {OPEN}) "
        "FROM stats_statusspan s JOIN stats_ticketfact f ON f.ticket_id = s.ticket_id"
    )
    union = "\nUNION ALL ".join(parts)
    return (
        "INSERT INTO stats_dailyrollup (day, service_id, category_id, measure, status, value, count)\n"
        f"SELECT d, s, c, m, st, v, count(*) FROM ({union}) AS k(d, s, c, m, st, v) GROUP BY 1, 2, 3, 4, 5, 6"
    )


def rebuild() -> int:
    """Recompute every roll-up row from the facts: one ``INSERT … SELECT … GROUP BY`` on
    PostgreSQL, the same counting as ``update`` elsewhere. Returns the rows written."""
    with transaction.atomic():
        lock()
        DailyRollup.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_rebuild_sql())
                return cursor.rowcount
        facts = TicketFact.objects.values(*FACT_FIELDS).iterator(chunk_size=2000)
        rows = _rows(_count(facts, _spans(StatusSpan.objects.all())))
        DailyRollup.objects.bulk_create(rows, batch_size=2000)
        return len(rows)


def lock() -> None:
    """Serialise the writers of roll-ups (flushes, rebuilds) for the rest of the transaction:
    each deletes and re-inserts whole (day, service) pairs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(19190019)")


# --- Reading ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rollups:
    """The roll-up rows of the tickets an indicator counts (``scope``'s answer)."""

    rows: QuerySet[DailyRollup]

    def sums(self, **rules: Q) -> dict[str, int]:
        """``{name: sum of count}`` for each rule, one query; 0 when nothing matches."""
        found = self.rows.aggregate(**{name: Sum("count", filter=rule) for name, rule in rules.items()})
        return {name: value or 0 for name, value in found.items()}

    def histograms(self, measures: Iterable[int], periods: dict[str, Any], by_category: bool = False) -> dict:
        """``{(measure, suffix[, category]): {value: count}}`` of the rows of these measures in each
        period (``{suffix: Period}``), one query."""
        days = [Q(day__gte=paris_date(p.start), day__lt=paris_date(p.end)) for p in periods.values()]
        fields = ["measure", "value"] + (["category_id"] if by_category else [])
        annotations = {f"n{i}": Sum("count", filter=rule) for i, rule in enumerate(days)}
        rule = Q()
        for day in days:
            rule |= day
        found: dict = defaultdict(dict)
        query = self.rows.filter(rule, measure__in=list(measures)).values(*fields).annotate(**annotations).order_by()
        for row in query:
            for i, suffix in enumerate(periods):
                if row[f"n{i}"]:
                    key = (row["measure"], suffix, row["category_id"]) if by_category else (row["measure"], suffix)
                    found[key][row["value"]] = row[f"n{i}"]
        return found


def usable(period: Any) -> bool:
    """Roll-ups count by Paris day: exact only for periods from one Paris midnight to another."""
    return all(moment.astimezone(PARIS).time() == time.min for moment in (period.start, period.end))


def scope(*, user: Any, filters: Any) -> Rollups | None:
    """The roll-up rows that count exactly the tickets ``visible_to(user)`` narrowed by the filters,
    or None when no set of rows does (the facts answer then)."""
    from accounts.roles import is_active_user, is_admin
    from stats.indicators import scoped_tickets

    if not usable(filters.period) or not is_active_user(user):
        return None
    if filters.channel or filters.priority is not None or filters.institution_id is not None or filters.profile:
        return None
    rows = DailyRollup.objects.all()
    if not is_admin(user):
        services = set(user.service_ids)
        if not services:
            return None
        if filters.service_id is not None:
            if filters.service_id not in services:
                return None
        elif scoped_tickets(user=user, filters=filters).exclude(service_id__in=services).exists():
            # Also tickets beyond their services (their own, watched): not whole keys.
            return None
        else:
            rows = rows.filter(service_id__in=services)
    if filters.service_id is not None:
        rows = rows.filter(service_id=filters.service_id)
    if filters.category_ids is not None:
        rows = rows.filter(category_id__in=filters.category_ids)
    return Rollups(rows)
