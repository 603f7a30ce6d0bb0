#!/usr/bin/env python
"""What one filing costs in-process, whatever the machine's load: queries and milliseconds.

    DATABASE_URL=postgres://…/guichet_bench_load .venv/bin/python bench/filing_cost.py [--filings 50] [--profile]

Run after ``bench/load.py`` (it reuses its accounts, sessions and category
from ``var/bench-load/plan.json``): a requester's three requests of a filing
— the form, its submission, the confirmation page the submission redirects
to — go through Django's test client with ``DEBUG=False`` on PostgreSQL,
``--filings`` times, and the script prints for each the queries and the
median wall and CPU milliseconds: figures that, unlike the load test's, do
not move much with what else the machine is doing. ``--profile`` adds
cProfile's 40 most expensive functions (cumulative) over the submissions.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
os.environ.setdefault("GUICHET_TESTING", "0")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-load-not-a-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("DJANGO_CSRF_COOKIE_SECURE", "false")
os.environ["CELERY_BROKER_URL"] = "memory://"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the submissions")
    parser.add_argument("--queries", action="store_true", help="print each request's queries (last round)")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    plan = json.loads((ROOT / "var" / "bench-load" / "plan.json").read_text())
    client = Client()
    client.cookies[plan["session_cookie"]] = plan["requesters"][0]
    url = reverse("tickets:file", args=[plan["category"]])
    profile = cProfile.Profile() if args.profile else None
    measured: dict[str, dict[str, list[float]]] = {}
    last_queries: dict[str, list[str]] = {}

    def timed(kind: str, call, *call_args, profiled: bool = False):
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            if profiled and profile:
                profile.enable()
            response = call(*call_args)
            if profiled and profile:
                profile.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        row = measured.setdefault(kind, {"queries": [], "wall": [], "cpu": []})
        last_queries[kind] = [q["sql"] for q in queries.captured_queries]
        row["queries"].append(len(queries))
        row["wall"].append(wall * 1000)
        row["cpu"].append(cpu * 1000)
        return response

    for i in range(args.filings + 1):
        if i == 1:  # the first round warms URLconf, templates, caches
            measured.clear()
        form = timed("filing form (GET)", client.get, url)
        assert form.status_code == 200, (form.status_code, form.get("Location"))
        data = {"title": f"Poste bloqué {i}", "description": "Le poste ne démarre plus.", "step": "submit"}
        response = timed("filing POST", client.post, url, data, profiled=True)
        assert response.status_code == 302, response.status_code
        page = timed("confirmation (GET)", client.get, response["Location"])
        assert page.status_code == 200, page.status_code
    print(f"in-process, median over {args.filings} filings ({os.getloadavg()[0]:.2f} load average):")
    for kind, row in measured.items():
        print(
            f"  {kind:20} {statistics.median(row['queries']):3.0f} queries (max {max(row['queries']):.0f}), "
            f"{statistics.median(row['wall']):6.1f} ms wall, {statistics.median(row['cpu']):6.1f} ms CPU"
        )
    if args.queries:
        for kind, sqls in last_queries.items():
            print(f"\n{kind}:")
            print("\n".join(f"  {i:2d}. {sql[:160]}" for i, sql in enumerate(sqls, 1)))
    if profile:
        pstats.Stats(profile).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(40)


if __name__ == "__main__":
    main()
