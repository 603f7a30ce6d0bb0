#!/usr/bin/env python
"""Timer-sweep benchmark on PostgreSQL: 1,000,000 tickets of which 10,000 are due.

    .venv/bin/python bench/sweep.py            # DATABASE_URL defaults to …/guichet_bench_sweep

Creates the database if needed, migrates, and loads the tickets with one
``INSERT … SELECT generate_series`` (5,000 waiting tickets due for their
reminder, 5,000 reminded ones due for automatic closure, 990,000 others:
closed, in progress, or waiting with deadlines still ahead). Then it times
one reminder sweep and one expiry sweep — the same functions beat runs
(``tickets.sweeps``: selection through the partial indexes, batches, the
workflow door, history event and outbox mail for each ticket) — and prints
the plans of the due-row selections to show they read the index, not the
table.

``DEBUG`` is off, as served. The broker is Kombu's in-memory transport, so the figure is the database and
rendering cost, not Redis's. The sweep time is printed beside issue 22's
target; the machine may be shared, so it moves with its load. Options:
``--tickets N``, ``--due N``, ``--reload`` (by default a database that
already holds ``--tickets`` tickets is kept and only its due tickets are
reset).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# bench/queue.py would shadow the standard library's queue module: run
# from the repository root's point of view, not from this folder.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
# As served: DEBUG off (with it on, Django records every query and its SQL).
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("GUICHET_TESTING", "0")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/guichet_bench_sweep")
os.environ["CELERY_BROKER_URL"] = "memory://"
TARGET_S = 10  # issue 22: 10,000 due among 1,000,000 in at most 10 s
os.environ.setdefault("CELERY_RESULT_BACKEND", "cache+memory://")


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def cast():
    from accounts.models import Institution, Membership, User
    from catalogue.models import Category, CategoryKind, Service, ServiceMembership, ServiceRole

    institution, _ = Institution.objects.get_or_create(code="bench", defaults={"name": "Université Bench"})
    service, _ = Service.objects.get_or_create(slug="bench", defaults={"name": "Service Bench"})
    category, _ = Category.objects.get_or_create(
        slug="bench", defaults={"name": "Bench", "kind": CategoryKind.LEAF, "service": service}
    )
    requester = User.objects.filter(email="bench.requester@example.org").first() or User.objects.create_user(
        "bench.requester@example.org", password=None, first_name="Camille", last_name="Bench"
    )
    Membership.objects.get_or_create(user=requester, institution=institution)
    agent = User.objects.filter(email="bench.agent@example.org").first() or User.objects.create_user(
        "bench.agent@example.org", password=None, first_name="Alex", last_name="Agent"
    )
    ServiceMembership.objects.get_or_create(service=service, user=agent, defaults={"role": ServiceRole.AGENT})
    return institution, service, category, requester, agent


LOAD = """
INSERT INTO tickets_ticket (
    reference, title, description, category_id, service_id, requester_id, institution_id, assignee_id,
    status, priority, domain, installed_version, internal_number, form_values, channel,
    created, updated, last_activity_at, closed_at, closed_automatically, version,
    remind_at, expire_at, reminded_at, etat, origin
)
SELECT
    i, 'Demande ' || i, 'Description de la demande ' || i, %(category)s, %(service)s, %(requester)s,
    %(institution)s, %(agent)s,
    CASE
        WHEN i <= %(due)s THEN (CASE WHEN i %% 2 = 0 THEN 'ARS' ELSE 'AVS' END)
        WHEN i %% 10 < 6 THEN (ARRAY['TER', 'REJ', 'ABN'])[1 + i %% 3]
        WHEN i %% 10 < 9 THEN (ARRAY['NEW', 'ECT', 'ATD', 'ADV'])[1 + i %% 4]
        ELSE (CASE WHEN i %% 2 = 0 THEN 'ARS' ELSE 'AVS' END)
    END,
    3, '', '', '', '{}'::jsonb, 'web',
    now() - interval '30 days', now(), now() - interval '20 days', NULL, false, 1,
    -- Due for the reminder: the first half of the due ones; due for closure: the second half.
    CASE
        WHEN i <= %(due)s / 2 THEN now() - interval '1 hour'
        WHEN i <= %(due)s THEN now() - interval '6 days'
        WHEN i %% 10 = 9 THEN now() + (i %% 7 + 1) * interval '1 day'
    END,
    CASE
        WHEN i <= %(due)s / 2 THEN now() + interval '7 days'
        WHEN i <= %(due)s THEN now() - interval '1 hour'
        WHEN i %% 10 = 9 THEN now() + (i %% 7 + 8) * interval '1 day'
    END,
    CASE WHEN i > %(due)s / 2 AND i <= %(due)s THEN now() - interval '6 days' END,
    '', ''
FROM generate_series(1, %(total)s) AS i
"""


RESET = """
UPDATE tickets_ticket SET
    status = CASE WHEN reference %% 2 = 0 THEN 'ARS' ELSE 'AVS' END,
    closed_at = NULL, closed_automatically = false, version = 1,
    remind_at = CASE WHEN reference <= %(due)s / 2 THEN now() - interval '1 hour' ELSE now() - interval '6 days' END,
    expire_at = CASE WHEN reference <= %(due)s / 2 THEN now() + interval '7 days' ELSE now() - interval '1 hour' END,
    reminded_at = CASE WHEN reference > %(due)s / 2 THEN now() - interval '6 days' END
WHERE reference <= %(due)s
"""


def reset(total: int, due: int) -> bool:
    """Put the due tickets of an earlier load back as they were, if the table
    holds exactly ``total`` tickets (a minute saved per run at a million)."""
    from django.db import connection

    from tickets.models import Ticket

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'tickets_ticket'")
        estimate = cursor.fetchone()[0]
    if abs(estimate - total) > total // 100 or Ticket.objects.count() != total:
        return False
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE tickets_ticketevent, helpdesk_outboundemail")
        cursor.execute(RESET, {"due": due})
        cursor.execute("ANALYZE tickets_ticket")
    elapsed = time.monotonic() - started
    print(f"kept the {total:,} tickets of the last run, reset the {due:,} due ones in {elapsed:.1f} s")
    return True


def load(total: int, due: int) -> None:
    from django.db import connection

    from tickets.models import TicketCounter

    institution, service, category, requester, agent = cast()
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tickets_ticketevent, tickets_message, tickets_attachment, tickets_watcher, "
            "tickets_ticket, helpdesk_outboundemail CASCADE"
        )
        cursor.execute(
            LOAD,
            {"category": category.pk, "service": service.pk, "requester": requester.pk,
             "institution": institution.pk, "agent": agent.pk, "due": due, "total": total},
        )  # fmt: skip
        cursor.execute("ANALYZE tickets_ticket")
    TicketCounter.objects.update_or_create(name="ticket", defaults={"value": total})
    print(f"loaded {total:,} tickets ({due:,} due) in {time.monotonic() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument(
        "--reload", action="store_true", help="load the tickets again even if the last run's are still there"
    )
    args = parser.parse_args()
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from helpdesk.models import OutboundEmail
    from tickets.models import EventAction, TicketEvent
    from tickets.sweeps import due_for_expiry, due_for_reminder, expire_due_tickets, send_due_reminders

    assert connection.vendor == "postgresql", "this benchmark is for PostgreSQL"
    call_command("migrate", verbosity=0)
    if args.reload or not reset(args.tickets, args.due):
        load(args.tickets, args.due)

    now = timezone.now()
    for name, queryset in (("reminders", due_for_reminder(now)), ("expiry", due_for_expiry(now))):
        plan = queryset[:200].explain()
        index = next((line.strip() for line in plan.splitlines() if "Index" in line), plan.splitlines()[0])
        started = time.monotonic()
        count = queryset.count()
        print(f"{name}: {count:,} due rows, counted in {(time.monotonic() - started) * 1000:.1f} ms — {index}")

    started = time.monotonic()
    reminders = send_due_reminders()
    middle = time.monotonic()
    expiries = expire_due_tickets()
    ended = time.monotonic()
    done = reminders.done + expiries.done
    print(f"reminder sweep: {reminders} in {middle - started:.2f} s")
    print(f"expiry sweep:   {expiries} in {ended - middle:.2f} s")
    print(
        f"one reminder + expiry sweep over {args.tickets:,} tickets: {ended - started:.2f} s (target ≤ {TARGET_S} s) "
        f"for {done:,} due tickets ({(ended - started) / max(done, 1) * 1000:.2f} ms per ticket)"
    )
    print(
        f"events: {TicketEvent.objects.filter(action=EventAction.REMIND).count():,} reminders, "
        f"{TicketEvent.objects.filter(action=EventAction.EXPIRE).count():,} closures; "
        f"outbox rows: {OutboundEmail.objects.count():,}"
    )
    started = time.monotonic()
    again = (send_due_reminders(), expire_due_tickets())
    print(f"second run (nothing due): {again[0].done + again[1].done} done in {time.monotonic() - started:.3f} s")


if __name__ == "__main__":
    main()
