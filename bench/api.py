#!/usr/bin/env python
"""The REST API at 1,000,000 tickets on PostgreSQL: list pages, a deep cursor page and a ticket detail.

    .venv/bin/python bench/api.py                      # 1,000,000 tickets
    .venv/bin/python bench/api.py --tickets 100000

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/guichet_bench (created if missing);
the data is ``bench/_data.py``'s, generated once and reused. Each call carries a personal
access token (Bearer) and goes through the in-process test client, the calls in turn
(interleaved) after a warm-up; the table gives median and p95 in milliseconds, the queries of
one call and the target (issue 21: p95 ≤ 50 ms). The machine may be shared: compare figures
of the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import _data
import _http

# bench/ holds a queue.py that would shadow the standard library's: keep the folder off the path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/guichet_bench"
TARGET_MS = 50


def cases() -> dict[str, tuple[object, list[str]]]:
    """Each call: who makes it and the URLs to cycle through."""
    from accounts.models import User
    from tickets.models import Ticket

    agent = User.objects.get(email="agent-0@bench.example")
    admin = User.objects.get(email="admin@bench.example")
    latest = Ticket.objects.filter(service__slug="bench-0").order_by("-pk").select_related("requester").first()
    refs = list(Ticket.objects.filter(service__slug="bench-0").order_by("?").values_list("reference", flat=True)[:50])
    return {
        "requester, first page": (latest.requester, ["/api/v1/tickets/"]),
        "agent, first page": (agent, ["/api/v1/tickets/"]),
        "agent, open (NEW,ECT) page": (agent, ["/api/v1/tickets/?status=NEW,ECT"]),
        "agent, cursor page 40": (agent, [_follow_next(agent, "/api/v1/tickets/", 39)]),
        "administrator, first page": (admin, ["/api/v1/tickets/"]),
        "administrator, cursor page 40": (admin, [_follow_next(admin, "/api/v1/tickets/", 39)]),
        "agent, ticket detail": (agent, [f"/api/v1/tickets/{r}/" for r in refs]),
    }


def client_for(user):
    from django.test import Client

    from api.tokens import token_create

    _token, secret = token_create(user=user, name="bench")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _follow_next(user, url: str, pages: int) -> str:
    """The URL of page ``pages + 1``, reached through the ``next`` links (keyset cursors); on a data set
    with fewer pages, the last one (said on the output)."""
    client = client_for(user)
    for page in range(pages):
        following = client.get(url).json()["next"]
        if not following:
            print(f"(only {page + 1} pages for {user}: timing the last one)")
            return url
        url = following
    return url


def count_queries(pages) -> tuple[dict[str, int], dict[str, float]]:
    """Queries of one call, and their time as PostgreSQL runs them (EXPLAIN ANALYZE): the database's
    share, which a busy CPU inflates less than the Python time of the call."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts, database_ms = {}, {}
    for name, (user, urls) in pages.items():
        client = client_for(user)
        client.get(urls[0])
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls[0])
        counts[name] = len(ctx.captured_queries)
        total = 0.0
        with connection.cursor() as cursor:
            for query in ctx.captured_queries:
                if query["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                    cursor.execute(f"EXPLAIN (ANALYZE) {query['sql']}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                    total += float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
        database_ms[name] = total
    return counts, database_ms


def run(pages, runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    clients = {name: client_for(user) for name, (user, _urls) in pages.items()}
    for name, (_user, urls) in pages.items():
        clients[name].get(urls[0])  # warm-up
    timings: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for i in range(runs):
        for name, (_user, urls) in pages.items():
            url = urls[i % len(urls)]
            started, started_cpu = time.perf_counter(), time.process_time()
            response = clients[name].get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, (name, url, response.status_code)
    return timings, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    os.environ.update(_http.production_env())  # DEBUG off, as served
    os.environ.setdefault("GUICHET_API_RATE_PER_ADDRESS", "1000000/min")  # one address makes every call here
    os.environ.setdefault("GUICHET_API_RATE_PER_TOKEN", "1000000/min")
    _data.setup(os.environ.get("DATABASE_URL", DEFAULT_DB))
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    _data.load_tickets(args.tickets, reload=args.reload)
    pages = cases()
    print(f"{args.tickets:,} tickets; machine shared (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores): compare figures of the same run")  # fmt: skip
    queries, database_ms = count_queries(pages)
    timings, cpu = run(pages, args.runs)
    # cpu ms: this process's CPU time per call (median), which other processes on the machine inflate less.
    print(f"\n{'call':<32} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'target':>8} {'queries':>8} {'db ms':>6} "
          f"{'cpu ms':>7}")  # fmt: skip
    for name, values in timings.items():
        median, p95 = _http.summary(values)
        verdict = "ok" if p95 <= TARGET_MS else "OVER"
        cpu_ms = statistics.median(cpu[name])
        print(f"{name:<32} {len(values):>5} {median:>10.1f} {p95:>9.1f} {'≤ ' + str(TARGET_MS):>8} "
              f"{queries[name]:>8} {database_ms[name]:>6.1f} {cpu_ms:>7.1f}  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
