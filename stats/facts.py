"""Keeps ``stats.TicketFact`` up to date: one row per ticket with its dimensions
and its delays in working days, recomputed from the ticket's history, and the
daily roll-ups counted from them (``stats.rollups``).

``on_ticket_event`` runs inside each workflow action's transaction (the
``ticket_event_recorded`` signal) and only marks the ticket (one ``INSERT …
ON CONFLICT DO NOTHING`` into ``stats.DirtyTicket``, rolled back with the
action). ``refresh_dirty`` recomputes the marked tickets: every minute
(``stats.tasks.flush_facts``) and before every statistics read, so the
figures are current while the actions stay cheap.
``rebuild`` recomputes rows in bounded batches: for tickets loaded outside
the workflow (imports, benchmarks) and as the nightly repair
(``stats.tasks.refresh_facts``) of rows older than their ticket; then the
roll-ups, set-based.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from helpdesk.workdays import PARIS, WorkCalendar, is_working_day, working_days_between
from stats import rollups
from stats.calendars import Calendars
from stats.indicators import REJECTION_ACTIONS, RESOLVED_STATES, RESPONSE_ACTIONS
from stats.models import DirtyTicket, StatusSpan, TicketFact
from tickets.models import EventAction, Ticket, TicketEvent
from tickets.status import CLOSED_STATES, WaitingOn, waiting_on

# Above this many stale facts, one set-based roll-up rebuild beats updating their rows one by one.
INCREMENTAL_ROLLUPS_MAX = 20_000
BATCH_SIZE = 1000
ASSIGN_ACTIONS = (EventAction.TAKE, EventAction.ASSIGN)
CLOSING_ACTIONS = (EventAction.APPROVE, EventAction.EXPIRE, EventAction.WITHDRAW, *REJECTION_ACTIONS)
TICKET_FIELDS = (
    "pk",
    "service_id",
    "category_id",
    "institution_id",
    "channel",
    "priority",
    "requester__profile",
    "assignee_id",
    "follow_up_of_id",
    "created",
    "closed_at",
    "status",
    "survey_answer__rating",
)
EVENT_FIELDS = ("ticket_id", "action", "to_status", "changes", "reason", "actor_id", "created")


# Working days are counted against a running total per calendar over these years (one
# lookup per delay instead of a walk through the days); outside them, day by day.
COUNTED_FROM, COUNTED_DAYS = date(2000, 1, 1), 366 * 60


@lru_cache(maxsize=64)
def _running_total(calendar: WorkCalendar) -> list[int]:
    """``total[i]``: working days in ``[COUNTED_FROM, COUNTED_FROM + i]``."""
    total, count = [], 0
    for i in range(COUNTED_DAYS):
        count += is_working_day(COUNTED_FROM + timedelta(days=i), calendar)
        total.append(count)
    return total


def days_between(a, b, calendar: WorkCalendar) -> int:
    """``helpdesk.workdays.working_days_between`` (working days in ``(a, b]`` by Paris date), in O(1)."""
    first, last = (a.astimezone(PARIS).date() - COUNTED_FROM).days, (b.astimezone(PARIS).date() - COUNTED_FROM).days
    if not (0 <= first < COUNTED_DAYS and 0 <= last < COUNTED_DAYS):
        return working_days_between(a, b, calendar)
    total = _running_total(calendar)
    return total[last] - total[first]


def compute(row: dict[str, Any], events: list[dict[str, Any]], calendar) -> tuple[dict[str, Any], list[tuple]]:
    """The fact's columns for one ticket (``row``: ``TICKET_FIELDS``) and its events, oldest
    first; and its status changes ``[(moment, status), …]``."""
    created, closed_at, status = row["created"], row["closed_at"], row["status"]
    first_response = next((e["created"] for e in events if e["action"] in RESPONSE_ACTIONS), None)
    first_assigned = next((e["created"] for e in events if e["action"] in ASSIGN_ACTIONS), None)
    requalified = [e for e in events if e["action"] == EventAction.REQUALIFY]
    transfers = sum(1 for e in requalified if "service" in (e["changes"] or {}))
    history, waits = [], {WaitingOn.REQUESTER: 0, WaitingOn.SERVICE: 0}
    since, current = created, None
    for event in events:
        to_status = event["to_status"]
        if not to_status or to_status == current:
            continue
        if current is not None:
            who = waiting_on(current)
            if who in waits:
                waits[who] += days_between(since, event["created"], calendar)
        history.append((event["created"], to_status))
        since, current = event["created"], to_status
    closing = None
    if status in CLOSED_STATES:
        closing = next((e for e in reversed(events) if e["to_status"] == status), None)
    is_closed = closed_at is not None and status in CLOSED_STATES
    is_resolved = is_closed and status in RESOLVED_STATES
    columns = {
        "service_id": row["service_id"],
        "category_id": row["category_id"],
        "institution_id": row["institution_id"],
        "channel": row["channel"],
        "priority": row["priority"],
        "requester_profile": row["requester__profile"] or "",
        "assignee_id": row["assignee_id"],
        "is_follow_up": row["follow_up_of_id"] is not None,
        "created": created,
        "closed_at": closed_at,
        "status": status,
        "first_response_at": first_response,
        "first_assigned_at": first_assigned,
        "closing_action": closing["action"] if closing else "",
        "closing_reason": (closing["reason"] or "")[:300] if closing else "",
        "closed_by_id": closing["actor_id"] if closing else None,
        "response_days": None if first_response is None else days_between(created, first_response, calendar),
        # Resolved tickets only, like the resolution: the two waits add up to it.
        "resolution_days": days_between(created, closed_at, calendar) if is_resolved else None,
        "waiting_requester_days": waits[WaitingOn.REQUESTER] if is_resolved else None,
        "waiting_service_days": waits[WaitingOn.SERVICE] if is_resolved else None,
        "transfers": transfers,
        "requalifications": len(requalified) - transfers,
    }
    return columns, history


def _touched(fact: dict[str, Any], events: list[dict], spans: Iterable) -> set:
    """The (day, service) pairs whose roll-up rows count this fact, its spans' starts, its outcomes."""
    service = fact["service_id"]
    days = {rollups.paris_date(start) for start in spans}
    days |= {rollups.paris_date(e["created"]) for e in events if rollups.event_measure(e) is not None}
    return rollups.fact_days(fact) | {(day, service) for day in days}


def refresh(ticket_ids: Iterable[int], calendars: Calendars | None = None, *, update_rollups: bool = True) -> int:
    """Recompute the facts of these tickets (6 queries + the calendars'), and the roll-up rows
    their old and new facts count in (``update_rollups``); returns how many."""
    ids = list(ticket_ids)
    if not ids:
        return 0
    facts_before = TicketFact.objects.filter(ticket_id__in=ids)
    old = {f["ticket_id"]: f for f in rollups.facts_with_rating(facts_before, "ticket_id", "requester_profile")}
    rows = list(Ticket.objects.filter(pk__in=ids).values(*TICKET_FIELDS))
    if not rows and not old:
        return 0
    events: dict[int, list[dict]] = defaultdict(list)
    for event in TicketEvent.objects.filter(ticket_id__in=ids).order_by("created", "pk").values(*EVENT_FIELDS):
        events[event["ticket_id"]].append(event)
    touched: set = set()
    if update_rollups and old:
        old_spans = defaultdict(list)
        for ticket_id, start in StatusSpan.objects.filter(ticket_id__in=ids).values_list("ticket_id", "start"):
            old_spans[ticket_id].append(start)
        for ticket_id, fact in old.items():
            touched |= _touched(fact, events[ticket_id], old_spans[ticket_id])
    if not rows:  # deleted tickets: their facts went with them
        rollups.update(touched)
        return 0
    calendars = calendars or Calendars()
    calendars.prepare({row["institution_id"] for row in rows})
    # The profile copied when the fact was first written stays: anonymising the requester later
    # must not move the ticket out of its profile's figures.
    kept = {t: fact["requester_profile"] for t, fact in old.items() if fact["requester_profile"]}
    now = timezone.now()
    facts, spans = [], []
    for row in rows:
        columns, history = compute(row, events[row["pk"]], calendars[row["institution_id"]])
        columns["requester_profile"] = kept.get(row["pk"], columns["requester_profile"])
        facts.append(TicketFact(ticket_id=row["pk"], refreshed_at=now, **columns))
        spans += _spans(row["pk"], history)
        if update_rollups:
            new = columns | {"rating": row["survey_answer__rating"]}
            touched |= _touched(new, events[row["pk"]], [start for start, _status in history])
    fields = [f.name for f in TicketFact._meta.concrete_fields if f.name != "ticket"]
    TicketFact.objects.bulk_create(facts, update_conflicts=True, unique_fields=["ticket"], update_fields=fields)
    if old:
        StatusSpan.objects.filter(ticket_id__in=ids).delete()
    StatusSpan.objects.bulk_create(spans)
    if update_rollups:
        rollups.update(touched)
    return len(facts)


def _spans(ticket_id: int, history: list[tuple]) -> Iterable[StatusSpan]:
    for i, (start, status) in enumerate(history):
        end = history[i + 1][0] if i + 1 < len(history) else None
        yield StatusSpan(ticket_id=ticket_id, status=status, start=start, end=end)


def mark(ticket_ids: Iterable[int]) -> None:
    """Mark tickets for ``refresh_dirty``: one INSERT, in the caller's transaction."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return
    sql = "INSERT INTO stats_dirtyticket (ticket_id) VALUES (%s) ON CONFLICT (ticket_id) DO NOTHING"
    with connection.cursor() as cursor:
        if len(ids) == 1:
            cursor.execute(sql, ids)
        else:
            cursor.executemany(sql, [[ticket_id] for ticket_id in ids])


def on_ticket_event(sender: Any, event: TicketEvent, **kwargs: Any) -> None:
    mark([event.ticket_id])


def on_survey_answer(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An answer given, changed or removed: its ticket's roll-up rows count the ratings."""
    mark([instance.ticket_id])


def on_ticket_events(sender: Any, events: list[TicketEvent], **kwargs: Any) -> None:
    """A batch door's events (the scheduler's sweeps): the tickets marked in one INSERT."""
    mark(event.ticket_id for event in events)


def _take_marked(batch_size: int) -> list[int]:
    """Delete up to ``batch_size`` markers and return their tickets. Two flushes at once take
    different markers (``SKIP LOCKED``); a marker written again meanwhile stays for the next."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "DELETE FROM stats_dirtyticket WHERE ticket_id IN (SELECT ticket_id FROM stats_dirtyticket "
                "ORDER BY ticket_id LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING ticket_id",
                [batch_size],
            )
            return [row[0] for row in cursor.fetchall()]
    ids = list(DirtyTicket.objects.order_by("ticket_id").values_list("ticket_id", flat=True)[:batch_size])
    DirtyTicket.objects.filter(ticket_id__in=ids).delete()
    return ids


def refresh_dirty(batch_size: int = BATCH_SIZE) -> int:
    """Recompute the facts and roll-ups of the marked tickets, a batch per transaction (the
    markers taken and the rows rewritten commit together); returns how many tickets.
    With no marker, one query.

    Every writer of facts (flushes, ``rebuild``'s batches) holds ``rollups.lock`` from before it
    reads the tickets until it commits: a batch that read a ticket before an action cannot write
    its stale fact over the one a flush computed after that action (the action's marker is then
    still there). Taken before the markers, so that actions never wait on a waiting flush."""
    done, calendars = 0, None
    while DirtyTicket.objects.exists():
        with transaction.atomic():
            rollups.lock()
            ids = _take_marked(batch_size)
            if not ids:
                return done
            calendars = calendars or Calendars()
            refresh(ids, calendars)
        done += len(ids)
        if len(ids) < batch_size:
            return done
    return done


def rebuild(*, stale_only: bool = False, closed_since=None, batch_size: int = BATCH_SIZE) -> int:
    """Recompute every fact (or only missing and stale ones, or those of tickets open or
    closed since a date) in keyset batches; returns how many."""
    tickets = Ticket.objects.all()
    if closed_since is not None:
        tickets = tickets.filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=closed_since))
    if stale_only:
        tickets = tickets.filter(Q(stats_fact__isnull=True) | Q(updated__gt=F("stats_fact__refreshed_at")))
    calendars, done, stale = Calendars(), 0, []
    refresh_dirty()  # the markers first: what they stand for is recomputed by its flush
    if stale_only:
        # The stale set is found by one join of tickets and facts, read once: asked again for
        # each keyset batch, the join was recomputed every time (hours on an empty facts table).
        stale = list(tickets.order_by("pk").values_list("pk", flat=True))
        batches = (stale[i : i + batch_size] for i in range(0, len(stale), batch_size))
    else:
        batches = _keyset_batches(tickets, batch_size)
    # The nightly repair finds a few stale facts: their roll-up rows are recomputed with them.
    # Anything wider (a first fill, a closure period) is followed by one set-based rebuild.
    incremental = stale_only and closed_since is None and len(stale) <= INCREMENTAL_ROLLUPS_MAX
    for ids in batches:
        with transaction.atomic():
            rollups.lock()
            done += refresh(ids, calendars, update_rollups=incremental)
    if done and not incremental:
        rollups.rebuild()
    return done


def _keyset_batches(tickets: Any, batch_size: int) -> Iterable[list[int]]:
    last = 0
    while ids := list(tickets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]):
        yield ids
        last = ids[-1]


def on_closure_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A closure period added, changed or removed changes the working days counted
    from its first day on: those tickets' facts are recomputed after the commit."""
    from django.db import transaction

    from stats.tasks import refresh_after_closure_change

    start = instance.start.isoformat()
    transaction.on_commit(lambda: refresh_after_closure_change.delay(start))
