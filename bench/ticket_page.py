#!/usr/bin/env python
"""The agent ticket page alone, in-process with DEBUG off: its queries, its time, where the time goes.

    .venv/bin/python bench/ticket_page.py --tickets 100000          # queries of one view + median of 50
    .venv/bin/python bench/ticket_page.py --tickets 100000 --profile # + cProfile of 50 views, top 30

Uses the data of ``bench/queue.py`` (same database, same ``--tickets``; loaded if
missing). The test client goes through the whole middleware stack, as gunicorn
would, without the HTTP server: a busy machine inflates these figures less than
the throughput ratio of ``bench/queue.py --http``. The bare logged-in page is
timed in the same loop, interleaved, for the ratio of the two medians.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

import _data
import _http

# The folder holds ``queue.py``, named like the standard library's module: keep it off the path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/guichet_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the runs, print the top 30 functions")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one view")
    parser.add_argument("--dump", metavar="FILE", help="with --profile: also write the raw profile (pstats) to FILE")
    args = parser.parse_args()
    os.environ.update(_http.production_env())
    _data.setup(os.environ.get("DATABASE_URL", DEFAULT_DB))
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from tickets.models import Ticket

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    _data.load_tickets(args.tickets)
    agent = User.objects.get(email="agent-0@bench.example")
    refs = list(Ticket.objects.filter(service__slug="bench-0").order_by("pk").values_list("reference", flat=True)[:50])
    urls = [f"/traitement/{r}/" for r in refs]
    client = Client()
    client.force_login(agent)
    for url in [*urls, "/bench/page/"]:  # warm-up: templates, caches, the presence rows
        assert client.get(url).status_code == 200, url

    with CaptureQueriesContext(connection) as ctx:
        client.get(urls[0])
    print(f"agent ticket page: {len(ctx.captured_queries)} queries")
    for query in ctx.captured_queries:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:6.2f} ms  {sql if args.sql else sql[:150]}")

    # Wall time, and this process's CPU time: on a busy machine the wall time also counts the waits for a
    # core, which the CPU time does not (the database's share is in neither: see --sql and bench/queue.py).
    page, bare, page_cpu, bare_cpu = [], [], [], []
    # CPU time, not wall time: on a shared machine the waits for a core or the database would swamp the profile.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    for i in range(args.runs):
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        response = client.get(urls[i % len(urls)])
        if profiler:
            profiler.disable()
        page.append((time.perf_counter() - started) * 1000)
        page_cpu.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200
        started, cpu = time.perf_counter(), time.process_time()
        client.get("/bench/page/")
        bare.append((time.perf_counter() - started) * 1000)
        bare_cpu.append((time.process_time() - cpu) * 1000)
    page_ms, bare_ms = statistics.median(page), statistics.median(bare)
    print(f"median of {args.runs}, interleaved: agent ticket page {page_ms:.1f} ms, bare logged-in page "
          f"{bare_ms:.1f} ms — ratio {bare_ms / page_ms:.3f} (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    page_ms, bare_ms = statistics.median(page_cpu), statistics.median(bare_cpu)
    print(f"CPU time of this process, median: agent ticket page {page_ms:.1f} ms, bare logged-in page "
          f"{bare_ms:.1f} ms — ratio {bare_ms / page_ms:.3f}")  # fmt: skip
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        if args.dump:
            profiler.dump_stats(args.dump)


if __name__ == "__main__":
    main()
