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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet, Sum

from helpdesk.workdays import PARIS
from stats.models import DailyRollup, Measure, StatusSpan, TicketFact
from tickets.models import TicketEvent

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
    "status",
    "closing_action",
    "assignee_id",
    "first_assigned_at",
)
SURVEYED = ("TER", "REJ")  # stats.survey.SURVEYED_STATES
REJECTIONS = {"reject": Measure.REJECTED, "duplicate": Measure.DUPLICATE, "exclude": Measure.EXCLUDED}
EVENT_FIELDS = ("action", "to_status", "changes", "created")
DELAY_MEASURES = {
    "response_days": Measure.RESPONSE,
    "resolution_days": Measure.RESOLUTION,
    "waiting_requester_days": Measure.WAITING_REQUESTER,
    "waiting_service_days": Measure.WAITING_SERVICE,
}
Key = tuple[date, int | None, int | None, int, str, int, int | None]


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
    """The roll-up keys one fact (``FACT_FIELDS`` and ``rating``, its survey answer's) counts in."""
    service, category, agent = fact["service_id"], fact["category_id"], fact["assignee_id"]
    filed = paris_date(fact["created"])
    yield filed, service, category, Measure.FILED, "", 0, None
    if fact["is_follow_up"]:
        yield filed, service, category, Measure.FOLLOW_UP, "", 0, None
    closed = paris_date(fact["closed_at"]) if fact["closed_at"] is not None else None
    if closed is not None:
        yield closed, service, category, Measure.CLOSED, "", 0, None
        for column, measure in DELAY_MEASURES.items():
            if fact[column] is not None:
                yield closed, service, category, measure, "", fact[column], None
        if fact["status"] in SURVEYED:
            yield closed, service, category, Measure.SURVEYED, "", 0, None
            if fact["rating"] is not None:
                yield closed, service, category, Measure.RATING, "", fact["rating"], None
        if fact["status"] == "REJ" and fact["closing_action"] in REJECTIONS:
            yield closed, service, category, REJECTIONS[fact["closing_action"]], "", 0, None
        if agent is not None:
            yield closed, service, category, Measure.HANDLED, "", 0, agent
    age_day, measure = _age_day(fact["created"])
    until = OPEN if closed is None else epoch_day(closed)
    yield age_day, service, category, measure, "", until, None
    if agent is not None:
        yield filed, service, category, Measure.AGENT_OPEN, "", until, agent
        if fact["first_assigned_at"] is not None:
            yield paris_date(fact["first_assigned_at"]), service, category, Measure.ASSIGNED, "", 0, agent


def span_key(span: dict[str, Any]) -> Key:
    """``span``: status, start, end and its ticket's fact's service and category."""
    end = OPEN if span["end"] is None else epoch_day(paris_date(span["end"]))
    return paris_date(span["start"]), span["service_id"], span["category_id"], Measure.SPAN, span["status"], end, None


def event_measure(event: dict[str, Any]) -> int | None:
    """The outcome an event (``EVENT_FIELDS``) counts as, if any (``stats.indicators.outcomes``)."""
    action, to_status = event["action"], event["to_status"]
    if action == "approve":
        return Measure.APPROVED
    if action == "refuse":
        return Measure.REFUSED
    if action == "expire" and to_status in ("ABN", "TER"):
        return Measure.AUTO_ABN if to_status == "ABN" else Measure.AUTO_TER
    if action in REJECTIONS and to_status == "REJ":
        return Measure.REJECT_EVENT
    if action == "requalify":
        return Measure.TRANSFERRED if "service" in (event["changes"] or {}) else Measure.REQUALIFIED
    return None


def event_key(event: dict[str, Any]) -> Key | None:
    """``event``: ``EVENT_FIELDS`` and its ticket's fact's service and category."""
    measure = event_measure(event)
    if measure is None:
        return None
    return paris_date(event["created"]), event["service_id"], event["category_id"], measure, "", 0, None


def facts_with_rating(facts: QuerySet[TicketFact], *fields: str) -> QuerySet:
    """``FACT_FIELDS`` (and ``fields``) with ``rating``, the ticket's survey answer's."""
    return facts.values(*fields, *FACT_FIELDS, rating=F("ticket__survey_answer__rating"))


def fact_days(fact: dict[str, Any]) -> set[tuple[date, int | None]]:
    """The (day, service) pairs whose rows count this fact."""
    return {(key[0], key[1]) for key in fact_keys(fact)}


def _rows(counts: Counter) -> list[DailyRollup]:
    return [
        DailyRollup(day=day, service_id=s, category_id=c, measure=m, status=status, value=value, agent_id=a, count=n)
        for (day, s, c, m, status, value, a), n in counts.items()
    ]


def _events(events: QuerySet) -> Iterator[dict[str, Any]]:
    fields = (*EVENT_FIELDS, "ticket__stats_fact__service_id", "ticket__stats_fact__category_id")
    for row in events.values_list(*fields).iterator(chunk_size=2000):
        yield dict(zip((*EVENT_FIELDS, "service_id", "category_id"), row, strict=True))


OUTCOME_ACTIONS = ("approve", "refuse", "expire", "requalify", *REJECTIONS)


def _spans(spans: QuerySet[StatusSpan]) -> Iterator[dict[str, Any]]:
    fields = ("status", "start", "end", "ticket__stats_fact__service_id", "ticket__stats_fact__category_id")
    for status, start, end, service, category in spans.values_list(*fields).iterator(chunk_size=2000):
        yield {"status": status, "start": start, "end": end, "service_id": service, "category_id": category}


def _count(facts: Iterable[dict], spans: Iterable[dict], events: Iterable[dict], pairs: set | None = None) -> Counter:
    counts: Counter = Counter()
    keys = [key for fact in facts for key in fact_keys(fact)]
    keys += [span_key(span) for span in spans]
    keys += [key for key in map(event_key, events) if key is not None]
    for key in keys:
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
        rows, facts_rule, spans_rule, events_rule = Q(), Q(), Q(), Q()
        for day, service in chunk:
            low, high = midnight(day), midnight(day + timedelta(days=1))
            rows |= Q(day=day) & _service(service)
            # ``created`` up to the next midnight included: a ticket filed at midnight counts its age the day before.
            facts_rule |= _service(service) & (
                Q(created__gte=low, created__lte=high) | Q(closed_at__gte=low, closed_at__lt=high)
            )
            # Assigned on that day: facts filed before it (at most as many as the day's open tickets).
            facts_rule |= _service(service) & Q(first_assigned_at__gte=low, first_assigned_at__lt=high)
            spans_rule |= Q(start__gte=low, start__lt=high) & _service(service, "ticket__stats_fact__")
            events_rule |= Q(created__gte=low, created__lt=high) & _service(service, "ticket__stats_fact__")
        facts = facts_with_rating(TicketFact.objects.filter(facts_rule)).iterator(chunk_size=2000)
        events = TicketEvent.objects.filter(events_rule, action__in=OUTCOME_ACTIONS, ticket__stats_fact__isnull=False)
        spans = StatusSpan.objects.filter(spans_rule, ticket__stats_fact__isnull=False)
        counts = _count(facts, _spans(spans), _events(events), set(chunk))
        old = DailyRollup.objects.filter(rows)
        delta = _open_totals(_rows_as_counts(old.filter(value=OPEN, measure__in=OPEN_MEASURES)))
        delta.subtract(_open_totals(counts))
        old.delete()
        DailyRollup.objects.bulk_create(_rows(counts), batch_size=2000)
        _apply_open_totals({key: -n for key, n in delta.items() if n})


# Measures whose ``value`` is OPEN while the ticket or span is: their OPEN rows are also kept summed
# over every day (``measure + TOTAL``, on ``TOTAL_DAY``), so that "still open at M" reads the total
# minus what opened since M, plus what closed since M — rather than every day's rows since the first.
OPEN_MEASURES = (Measure.AGE, Measure.AGE_AT_MIDNIGHT, Measure.SPAN, Measure.AGENT_OPEN)
TOTAL, TOTAL_DAY = 100, date(9999, 12, 31)


def _rows_as_counts(rows: QuerySet[DailyRollup]) -> Iterator[tuple[Key, int]]:
    fields = ("day", "service_id", "category_id", "measure", "status", "value", "agent_id", "count")
    for *key, n in rows.values_list(*fields):
        yield tuple(key), n


def _open_totals(counts: Iterable[tuple[Key, int]] | Counter) -> Counter:
    """The OPEN rows of ``OPEN_MEASURES`` summed over the days, as ``TOTAL`` rows."""
    items = counts.items() if isinstance(counts, Counter) else counts
    totals: Counter = Counter()
    for (_day, service, category, measure, status, value, agent), n in items:
        if value == OPEN and measure in OPEN_MEASURES:
            totals[TOTAL_DAY, service, category, measure + TOTAL, status, OPEN, agent] += n
    return totals


def _apply_open_totals(delta: dict[Key, int]) -> None:
    for (day, service, category, measure, status, value, agent), n in delta.items():
        key = Q(day=day, measure=measure, status=status, value=value)
        for column, v in (("service_id", service), ("category_id", category), ("agent_id", agent)):
            key &= Q(**{f"{column}__isnull": True}) if v is None else Q(**{column: v})
        if not DailyRollup.objects.filter(key).update(count=F("count") + n):
            DailyRollup.objects.create(day=day, service_id=service, category_id=category, measure=measure,
                                       status=status, value=value, agent_id=agent, count=n)  # fmt: skip
        DailyRollup.objects.filter(key, count=0).delete()


def _local(column: str) -> str:
    return f"({column} AT TIME ZONE 'Europe/Paris')"


def _rebuild_sql() -> str:
    closed = f"{_local('closed_at')}::date"
    parts = [
        f"SELECT {_local('created')}::date, service_id, category_id, {Measure.FILED}, '', 0 FROM stats_ticketfact",  # noqa: S608 - constants of ours
        f"SELECT {_local('created')}::date, service_id, category_id, {Measure.FOLLOW_UP}, '', 0 "  # noqa: S608 - constants of ours
        "FROM stats_ticketfact WHERE is_follow_up",
        f"SELECT {closed}, service_id, category_id, {Measure.CLOSED}, '', 0 FROM stats_ticketfact "  # noqa: S608 - constants of ours
        "WHERE closed_at IS NOT NULL",
    ]
    for column, measure in DELAY_MEASURES.items():
        parts.append(
            f"SELECT {closed}, service_id, category_id, {measure}, '', {column} FROM stats_ticketfact "  # noqa: S608 - constants of ours
            f"WHERE closed_at IS NOT NULL AND {column} IS NOT NULL"
        )
    parts.append(
        f"SELECT ({_local('created')} - interval '1 microsecond')::date, service_id, category_id, "  # noqa: S608 - constants of ours
        f"CASE WHEN {_local('created')}::time = '00:00' THEN {Measure.AGE_AT_MIDNIGHT} ELSE {Measure.AGE} END, '', "
        f"COALESCE({closed} - DATE '1970-01-01', {OPEN}) FROM stats_ticketfact"
    )
    parts.append(
        f"SELECT {_local('s.start')}::date, f.service_id, f.category_id, {Measure.SPAN}, s.status, "  # noqa: S608 - constants of ours
        f"COALESCE({_local('s.end')}::date - DATE '1970-01-01', {OPEN}) "
        "FROM stats_statusspan s JOIN stats_ticketfact f ON f.ticket_id = s.ticket_id"
    )
    parts = [f"{part.replace(' FROM ', ', NULL::integer FROM ', 1)}" for part in parts]
    surveyed = "closed_at IS NOT NULL AND status IN ('TER', 'REJ')"
    parts += [
        f"SELECT {closed}, service_id, category_id, {Measure.SURVEYED}, '', 0, NULL FROM stats_ticketfact "  # noqa: S608 - constants of ours
        f"WHERE {surveyed}",
        f"SELECT {closed}, service_id, category_id, {Measure.RATING}, '', a.rating, NULL FROM stats_ticketfact f "  # noqa: S608 - constants of ours
        f"JOIN stats_surveyanswer a ON a.ticket_id = f.ticket_id WHERE {surveyed}",
        f"SELECT {closed}, service_id, category_id, CASE closing_action "  # noqa: S608 - constants of ours
        + " ".join(f"WHEN '{action}' THEN {measure}" for action, measure in REJECTIONS.items())
        + f" END, '', 0, NULL FROM stats_ticketfact WHERE closed_at IS NOT NULL AND status = 'REJ' "
        f"AND closing_action IN ({', '.join(repr(a) for a in REJECTIONS)})",
        f"SELECT {closed}, service_id, category_id, {Measure.HANDLED}, '', 0, assignee_id FROM stats_ticketfact "  # noqa: S608 - constants of ours
        "WHERE closed_at IS NOT NULL AND assignee_id IS NOT NULL",
        f"SELECT {_local('first_assigned_at')}::date, service_id, category_id, {Measure.ASSIGNED}, '', 0, assignee_id "  # noqa: S608 - constants of ours
        "FROM stats_ticketfact WHERE first_assigned_at IS NOT NULL AND assignee_id IS NOT NULL",
        f"SELECT {_local('created')}::date, service_id, category_id, {Measure.AGENT_OPEN}, '', "  # noqa: S608 - constants of ours
        f"COALESCE({closed} - DATE '1970-01-01', {OPEN}), assignee_id FROM stats_ticketfact "
        "WHERE assignee_id IS NOT NULL",
        f"SELECT {_local('e.created')}::date, f.service_id, f.category_id, {_event_case()}, '', 0, NULL "  # noqa: S608 - constants of ours
        "FROM tickets_ticketevent e JOIN stats_ticketfact f ON f.ticket_id = e.ticket_id "
        f"WHERE e.action IN ({', '.join(repr(a) for a in OUTCOME_ACTIONS)})",
    ]
    union = "\nUNION ALL ".join(parts)
    return (
        "INSERT INTO stats_dailyrollup (day, service_id, category_id, measure, status, value, agent_id, count)\n"
        f"SELECT d, s, c, m, st, v, a, count(*) FROM ({union}) AS k(d, s, c, m, st, v, a) "
        "WHERE m IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


def _event_case() -> str:
    """``event_measure`` in SQL."""
    rejections = ", ".join(repr(a) for a in REJECTIONS)
    return (
        f"CASE WHEN e.action = 'approve' THEN {Measure.APPROVED} WHEN e.action = 'refuse' THEN {Measure.REFUSED} "
        f"WHEN e.action = 'expire' AND e.to_status = 'ABN' THEN {Measure.AUTO_ABN} "
        f"WHEN e.action = 'expire' AND e.to_status = 'TER' THEN {Measure.AUTO_TER} "
        f"WHEN e.action IN ({rejections}) AND e.to_status = 'REJ' THEN {Measure.REJECT_EVENT} "
        f"WHEN e.action = 'requalify' AND e.changes ? 'service' THEN {Measure.TRANSFERRED} "
        f"WHEN e.action = 'requalify' THEN {Measure.REQUALIFIED} END"
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
                written = cursor.rowcount
        else:
            facts = facts_with_rating(TicketFact.objects.all()).iterator(chunk_size=2000)
            events = _events(TicketEvent.objects.filter(action__in=OUTCOME_ACTIONS, ticket__stats_fact__isnull=False))
            rows = _rows(_count(facts, _spans(StatusSpan.objects.all()), events))
            DailyRollup.objects.bulk_create(rows, batch_size=2000)
            written = len(rows)
        opened = DailyRollup.objects.filter(value=OPEN, measure__in=OPEN_MEASURES)
        fields = ("service_id", "category_id", "measure", "status", "agent_id")
        totals = _rows(_open_totals(
            ((TOTAL_DAY, r["service_id"], r["category_id"], r["measure"], r["status"], OPEN, r["agent_id"]), r["n"])
            for r in opened.values(*fields).annotate(n=Sum("count")).order_by()
        ))  # fmt: skip
        DailyRollup.objects.bulk_create(totals, batch_size=2000)
        return written + len(totals)


def lock() -> None:
    """Serialise the writers of roll-ups (flushes, rebuilds) for the rest of the transaction:
    each deletes and re-inserts whole (day, service) pairs."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(19190019)")


# --- Reading ---------------------------------------------------------------------


@dataclass(frozen=True)
class Rollups:
    """The roll-up rows of the tickets an indicator counts (``scope``'s answer), and their facts
    (the same tickets, without the visibility subquery: they are whole services)."""

    rows: QuerySet[DailyRollup]
    facts: QuerySet[TicketFact]
    # Figures several indicators read (the survey's, for two of them), computed once per page.
    shared: dict = field(default_factory=dict, compare=False)

    @staticmethod
    def on(period: Any, measure: int) -> Q:
        """Rows of one measure on the days of a period."""
        return Q(measure=measure, day__gte=paris_date(period.start), day__lt=paris_date(period.end))

    @staticmethod
    def open_at(measure: int, moment: Any, rule: Q | None = None, until: date | None = None) -> dict[str, Q]:
        """Rows of ``measure`` (one of ``OPEN_MEASURES``) open at the Paris midnight ``moment``
        (value ≥ its day) among those before ``until`` (default: the moment's day) and matching
        ``rule``, as three rules whose sums combine (``combined``): the OPEN total over every day,
        minus the OPEN rows from ``until`` on, plus the rows closed since the moment."""
        day = paris_date(moment)
        until = day if until is None else until
        rule = Q() if rule is None else rule
        return {
            "+": Q(measure=measure + TOTAL) & rule,
            "-": Q(measure=measure, value=OPEN, day__gte=until) & rule,
            "c": Q(measure=measure, value__gte=epoch_day(day), value__lt=OPEN, day__lt=until) & rule,
        }

    def by_agent(self, measure: int, rules: tuple[Q, Q]) -> dict[int, tuple[int, int]]:
        """``{agent id: (sum now, sum before)}`` of the rows of a measure matching each rule."""
        rows = (
            self.rows.filter(rules[0] | rules[1], measure=measure, agent_id__isnull=False)
            .values("agent_id")
            .annotate(now=Sum("count", filter=rules[0]), before=Sum("count", filter=rules[1]))
            .order_by()
        )
        return {row["agent_id"]: (row["now"] or 0, row["before"] or 0) for row in rows}

    def open_by(self, field: str, measure: int, moments: tuple, rule: Q | None = None) -> dict[Any, tuple[int, int]]:
        """``{field's value: (open at the first moment, at the second)}`` (see ``open_at``) of the rows
        matching ``rule``, one query: grouped by ``field``, its few conditions answered by the indexes."""
        specs = {name: self.open_at(measure, moment) for name, moment in zip(("now", "before"), moments, strict=True)}
        rules = {f"{name}{part}": rule for name, parts in specs.items() for part, rule in parts.items()}
        where = Q()
        for condition in set(rules.values()):
            where |= condition
        rows = (
            self.rows.filter(where, Q() if rule is None else rule)
            .values(field)
            .annotate(**{name: Sum("count", filter=condition) for name, condition in rules.items()})
            .order_by()
        )
        found = {}
        for row in rows:
            now, before = ((row[f"{n}+"] or 0) - (row[f"{n}-"] or 0) + (row[f"{n}c"] or 0) for n in specs)
            if now or before:
                found[row[field]] = (now, before)
        return found

    def sums(self, **rules: Q) -> dict[str, int]:
        """``{name: sum of count}`` for each rule, one query; 0 when nothing matches."""
        where = Q()
        for rule in rules.values():
            where |= rule  # so that the indexes on (measure, day) answer, not a scan with filters
        found = self.rows.filter(where).aggregate(**{name: Sum("count", filter=rule) for name, rule in rules.items()})
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
    rows, facts = DailyRollup.objects.all(), TicketFact.objects.all()
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
            rows, facts = rows.filter(service_id__in=services), facts.filter(service_id__in=services)
    if filters.service_id is not None:
        rows, facts = rows.filter(service_id=filters.service_id), facts.filter(service_id=filters.service_id)
    if filters.category_ids is not None:
        rows = rows.filter(category_id__in=filters.category_ids)
        facts = facts.filter(category_id__in=filters.category_ids)
    return Rollups(rows, facts)
