"""The statistics page and the CSV export at 1,000,000 tickets on PostgreSQL (issue 19's targets).

    .venv/bin/python bench/stats.py                 # 1,000,000 tickets
    .venv/bin/python bench/stats.py --tickets 200000

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/guichet_bench. The
tickets come from ``bench/_data.py`` (spread over 720 days, 20 services, 10
institutions); they are inserted without the workflow, so their statistics
facts are computed here by ``stats.facts.rebuild`` (the nightly repair and
the backfill command) and the daily roll-ups by ``stats.rollups.rebuild``
(one INSERT … SELECT … GROUP BY), both timed. Then, with DEBUG off and
interleaved after a warm-up: the statistics page over the last 365 days for
one service (its manager, service filter) and for all services (an
administrator) — median and p95 against the 300 ms target — and a full CSV
export of every ticket (streamed, rows counted) with its time and the
process's peak memory growth.

Measured 2026-11-28 at 1,000,000 tickets, 2 shared cores:
- before the roll-ups (load 7-8): facts backfill 1,415 s (load 10-13); page,
  one service: median 5,546 ms, p95 7,241 ms; all services: median 4,385 ms,
  p95 4,814 ms (32 queries scanning ``TicketFact``).
- with the roll-ups (``stats.DailyRollup``, 325,273 rows; load 7.5-8 from
  the other sessions): facts backfill 460 s (O(1) working days), roll-up
  rebuild 12-28 s; page, one service: median 167 ms, p95 332 ms; all
  services: median 355 ms, p95 567 ms (35-39 queries, none on the facts but
  the rejections' reasons through a partial index; each roll-up query
  2-50 ms). CSV of 1,000,000 rows: 66 s, 152 MB streamed, peak memory
  growth 1 MB.
- quiet machine (load 1.1), after the merge, roll-ups vacuumed: page, one
  service: median 117 ms, p95 124 ms; all services: median 207 ms, p95
  223 ms; facts backfill 255 s (stale set read once); CSV 42.8 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import _data
import _http
from _stats import percentile

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/guichet_bench"
TARGET_P95_MS = 300


def ensure_facts(n: int) -> None:
    """The facts (``stats.facts.rebuild``: keyset batches, O(1) working days), then the daily
    roll-ups (``stats.rollups.rebuild``: one INSERT … SELECT … GROUP BY), each timed."""
    from stats import facts, rollups
    from stats.models import DailyRollup, TicketFact

    if TicketFact.objects.count() == n:
        print(f"Reusing the {n:,} statistics facts already computed")
    else:
        started = time.perf_counter()
        done = facts.rebuild(stale_only=True, batch_size=5000)
        print(f"Computed {done:,} statistics facts and their roll-ups in {time.perf_counter() - started:.1f} s "
              "(stats.facts.rebuild)")  # fmt: skip
    started = time.perf_counter()
    rows = rollups.rebuild()
    print(f"Rebuilt {rows:,} roll-up rows in {time.perf_counter() - started:.1f} s (stats.rollups.rebuild)")
    assert DailyRollup.objects.count() == rows


def time_pages(runs: int) -> dict[str, list[float]]:
    from django.test import Client

    from accounts.models import User
    from catalogue.models import Service

    today = date.today()
    year = f"start={today - timedelta(days=364):%Y-%m-%d}&end={today:%Y-%m-%d}"
    service = Service.objects.get(slug="bench-0")
    cases = {
        "one service, 365 days": (User.objects.get(email="manager-0@bench.example"), f"?{year}&service={service.pk}"),
        "all services, 365 days": (User.objects.get(email="admin@bench.example"), f"?{year}"),
    }
    clients = {}
    for name, (user, query) in cases.items():
        client = Client()
        client.force_login(user)
        for _ in range(2):  # warm-up
            assert client.get(f"/traitement/statistiques/{query}").status_code == 200
        clients[name] = (client, query)
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (client, query) in clients.items():
            started = time.perf_counter()
            response = client.get(f"/traitement/statistiques/{query}")
            timings[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return timings


def time_export() -> tuple[int, float, float]:
    """Every ticket through the CSV export (the streamed response consumed as a client would)."""
    from accounts.models import User
    from helpdesk.workdays import PARIS
    from stats import exports
    from stats.indicators import Period, StatsFilters

    admin = User.objects.get(email="admin@bench.example")
    start = datetime.combine(date(2000, 1, 1), dtime.min, tzinfo=PARIS)
    end = datetime.combine(date.today() + timedelta(days=1), dtime.min, tzinfo=PARIS)
    filters = StatsFilters(period=Period(start=start, end=end))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = exports.csv_response(exports.ticket_rows(user=admin, filters=filters), "bench")
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  CSV: {size / 1e6:.0f} MB")
    return rows - 1, elapsed, (peak - before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    os.environ.update(_http.production_env(DJANGO_ALLOWED_HOSTS="testserver", CELERY_BROKER_URL="memory://"))
    _data.setup(os.environ.get("DATABASE_URL", DEFAULT_DB))
    from django.conf import settings

    assert not settings.DEBUG
    _data.load_tickets(args.tickets, reload=args.reload)
    ensure_facts(args.tickets)
    from django.db import connection

    with connection.cursor() as cursor:
        # The roll-up rebuild above replaced every row: without a VACUUM the dead rows and an unset
        # visibility map make each roll-up query read the heap (page 3-4x slower until autovacuum).
        for table in ("stats_ticketfact", "stats_statusspan", "stats_dailyrollup"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    timings = time_pages(args.runs)
    print(f"\nStatistics page at {args.tickets:,} tickets, {args.runs} runs each (in-process client)")
    print(f"{'case':<26} {'median ms':>10} {'p95 ms':>9} {'target p95':>11}")
    for name, values in timings.items():
        median, p95 = percentile(values, 50), percentile(values, 95)
        print(f"{name:<26} {median:>10.1f} {p95:>9.1f} {'≤ ' + str(TARGET_P95_MS):>11}")
    rows, seconds, peak_mb = time_export()
    print(f"\nFull CSV export: {rows:,} rows in {seconds:.1f} s, peak memory growth {peak_mb:.0f} MB (ru_maxrss)")


if __name__ == "__main__":
    main()
