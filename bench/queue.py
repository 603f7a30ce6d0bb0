#!/usr/bin/env python
"""Lists, ticket page and staff search at 1,000,000 tickets on PostgreSQL, beside issue 22's targets.

    .venv/bin/python bench/queue.py             # in-process test client
    .venv/bin/python bench/queue.py --http      # gunicorn, 2 sync workers, DEBUG off

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/guichet_bench (created
if missing). The data (20 services, 50,000 requesters in 10 institutions, one
ticket in twenty watched, a reply on one in four, a filing event each) is
generated once with ``INSERT … SELECT generate_series`` (``bench/_data.py``) and
reused by later runs (``--reload`` to generate again).

Each page is requested ``--runs`` times, the pages in turn (interleaved), after
a warm-up; the table gives median and p95 in milliseconds, the queries of one
request and the target. ``--http`` times the same pages through gunicorn and
adds the throughput of the agent ticket page divided by that of a bare
logged-in page (the base layout only, ``/bench/page/``), measured in
alternating slices. The machine may be shared: read ratios, and compare
figures taken in the same run. ``bench/ticket_page.py`` takes the agent ticket
page alone (its queries, its in-process time beside the bare page's, a profile).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

# This file is named like the standard library's ``queue``: import the helpers, then keep the folder off the path.
import _data
import _http

sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/guichet_bench"
# Issue 22's targets: p95 in ms, queries per request (None: no target, shown for reference).
TARGETS = {
    "requester's own tickets": (30, None),
    "administrator's queue": (50, None),
    "agent queue, first page": (50, 12),
    "staff search, common word": (60, None),
    "bare logged-in page": (None, 1),
}
RATIO_TARGET = 0.35
COMMON_SEARCHES = ["imprimante+blocage", "certificat"]


def cases(n_runs: int) -> dict[str, tuple[object, list[str]]]:
    """Each page: who asks and the URLs to cycle through."""
    from django.test import Client

    from accounts.models import User
    from tickets.models import Ticket

    agent = User.objects.get(email="agent-0@bench.example")
    admin = User.objects.get(email="admin@bench.example")
    # The requester of the service's latest ticket: about twenty tickets, as every bench requester.
    ticket = Ticket.objects.filter(service__slug="bench-0").order_by("-pk").select_related("requester").first()
    requester = ticket.requester
    refs = list(Ticket.objects.filter(service__slug="bench-0").order_by("?").values_list("reference", flat=True)[:50])
    client = Client()
    client.force_login(agent)
    # A small data set has fewer pages: the deepest page reached is timed, and named in the table.
    later, later_page = _follow_next(client, "/traitement/?status=ECT&status=ARS&sort=priority&assignee=mine", 4)
    oldest, oldest_page = _follow_next(client, f"/traitement/?service={ticket.service_id}&sort=-created", 39)
    return {
        "requester's own tickets": (requester, ["/demandes/"]),
        "administrator's queue": (admin, ["/traitement/"]),
        "agent queue, first page": (agent, ["/traitement/"]),
        f"queue, filters, page {later_page}": (agent, [later]),
        f"queue, oldest, page {oldest_page}": (agent, [oldest]),
        "agent ticket page": (agent, [f"/traitement/{r}/" for r in refs]),
        "staff search, common word": (agent, [f"/traitement/recherche/?q={w}" for w in COMMON_SEARCHES]),
        "staff search, e-mail": (agent, [f"/traitement/recherche/?q={requester.email}"]),
        "bare logged-in page": (agent, ["/bench/page/"]),
    }


def _follow_next(client, url: str, pages: int) -> tuple[str, int]:
    """The URL of page ``pages + 1`` and its number, reached through the queue's "next" links (keyset
    cursors); the last page and its number when the queue has fewer pages (a small data set)."""
    import html
    import re

    reached = 1
    for _ in range(pages):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        link = re.search(r'href="\?([^"]+)" rel="next"', response.content.decode())
        if link is None:
            break
        url = f"{url.split('?')[0]}?{html.unescape(link.group(1))}"
        reached += 1
    return url, reached


def target_text(name: str) -> tuple[str, str]:
    ms, queries = TARGETS.get(name, (None, None))
    return (f"≤ {ms}" if ms else "—"), (f"≤ {queries}" if queries else "—")


def print_table(
    title: str, timings: dict[str, list[float]], queries: dict[str, int], cpu: dict[str, list[float]] | None = None
) -> None:
    """``cpu``: this process's CPU time per request (in-process only), which waiting for a core on a busy
    machine does not inflate — the figure to compare between runs taken at different loads."""
    print(f"\n{title}")
    cpu_head = f" {'CPU med ms':>10}" if cpu else ""
    print(f"{'page':<28} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'target':>8} {'queries':>8} {'target':>7}"
          f"{cpu_head}")  # fmt: skip
    for name, values in timings.items():
        median, p95 = _http.summary(values)
        ms_target, q_target = target_text(name)
        cpu_cell = f" {_http.summary(cpu[name])[0]:>10.1f}" if cpu else ""
        print(f"{name:<28} {len(values):>5} {median:>10.1f} {p95:>9.1f} {ms_target:>8} {queries[name]:>8} "
              f"{q_target:>7}{cpu_cell}")  # fmt: skip


def count_queries(pages) -> dict[str, int]:
    """Queries of one request per page (a second visit: session and navigation cached, as in use).

    Also prints each page's slowest query as PostgreSQL runs it (EXPLAIN ANALYZE, execution time):
    the database's share, which a busy CPU inflates less than the page's Python time."""
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts, slowest = {}, {}
    for name, (user, urls) in pages.items():
        client = Client()
        client.force_login(user)
        client.get(urls[0])
        with CaptureQueriesContext(connection) as ctx:
            client.get(urls[0])
        counts[name] = len(ctx.captured_queries)
        selects = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
        runs = []
        with connection.cursor() as cursor:
            for sql in selects:
                cursor.execute(f"EXPLAIN (ANALYZE) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                runs.append(float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1)))
        slowest[name] = (max(runs, default=0.0), sum(runs))
    print(f"\n{'page':<28} {'slowest query ms':>17} {'all queries ms':>15}   (EXPLAIN ANALYZE, one request)")
    for name, (top, total) in slowest.items():
        print(f"{name:<28} {top:>17.2f} {total:>15.2f}")
    return counts


def run_in_process(pages, runs: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall time and this process's CPU time of each request, in ms."""
    from django.test import Client

    clients = {}
    for name, (user, urls) in pages.items():
        clients[name] = Client()
        clients[name].force_login(user)
        clients[name].get(urls[0])
    timings: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    for i in range(runs):
        for name, (_user, urls) in pages.items():
            url = urls[i % len(urls)]
            started, cpu_started = time.perf_counter(), time.process_time()
            response = clients[name].get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (name, url, response.status_code)
    return timings, cpu


def run_http(pages, runs: int, port: int, seconds: float) -> None:
    env = _http.production_env(DATABASE_URL=os.environ["DATABASE_URL"])
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    with _http.Server(gunicorn=gunicorn, app="helpdesk.wsgi", port=port, env=env, cwd=_http.ROOT):
        cookies = {name: _http.session_cookie(user) for name, (user, _urls) in pages.items()}
        http_cases = {name: (port, urls, cookies[name]) for name, (_user, urls) in pages.items()}
        timings = _http.interleaved(http_cases, runs)
        print_table("HTTP (gunicorn, 2 sync workers, DEBUG off), fresh connection per request", timings,
                    count_queries(pages))  # fmt: skip
        ticket_urls, bare_urls = pages["agent ticket page"][1], pages["bare logged-in page"][1]
        cookie = cookies["agent ticket page"]
        page_rate, bare_rate, ratio = _http.interleaved_ratio(port, ticket_urls, bare_urls, cookie, 5, seconds)
        print(f"\nthroughput, 2 clients, 5 alternating slices of {seconds:.0f} s: agent ticket page "
              f"{page_rate:.1f}/s, bare logged-in page {bare_rate:.1f}/s — ratio {ratio:.3f} "
              f"(target ≥ {RATIO_TARGET})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reload", action="store_true")
    parser.add_argument("--http", action="store_true", help="serve with gunicorn (DEBUG off) and time over HTTP")
    parser.add_argument("--port", type=int, default=8722)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each throughput slice")
    args = parser.parse_args()
    os.environ.update(_http.production_env())  # DEBUG off in-process too: cached templates, as served
    _data.setup(os.environ.get("DATABASE_URL", DEFAULT_DB))
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    _data.load_tickets(args.tickets, reload=args.reload)
    pages = cases(args.runs)
    print(f"{args.tickets:,} tickets; machine shared (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores): compare figures of the same run")  # fmt: skip
    if args.http:
        run_http(pages, args.runs, args.port, args.seconds)
    else:
        timings, cpu = run_in_process(pages, args.runs)
        print_table("in-process test client", timings, count_queries(pages), cpu)


if __name__ == "__main__":
    main()
