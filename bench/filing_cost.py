#!/usr/bin/env python
"""What one filing costs in-process, whatever the machine's load: queries and milliseconds.

    DATABASE_URL=postgres://…/guichet_bench_load .venv/bin/python bench/filing_cost.py [--filings 50]

Run after ``bench/load.py`` (it reuses its accounts and category from
``var/bench-load/plan.json``): the form's submission is posted through
Django's test client with ``DEBUG=False`` on PostgreSQL, ``--filings`` times,
and the script prints the queries and the wall and CPU milliseconds per
filing — figures that, unlike the load test's, do not move with what else
the machine is doing.
"""

from __future__ import annotations

import argparse
import json
import os
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
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    plan = json.loads((ROOT / "var" / "bench-load" / "plan.json").read_text())
    client = Client()
    assert client.login(username=plan["requesters"][0], password=plan["password"])
    url = reverse("tickets:file", args=[plan["category"]])
    client.get(url)  # warm: URLconf, templates, sessions
    walls, cpus, counts = [], [], []
    for i in range(args.filings + 1):
        data = {"title": f"Poste bloqué {i}", "description": "Le poste ne démarre plus.", "step": "submit"}
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.post(url, data)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 302, response.status_code
        if i:  # the first one warms the filing path
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
            counts.append(len(queries))
    print(
        f"filing POST in-process over {args.filings} filings: {statistics.median(counts):.0f} queries "
        f"(max {max(counts)}), median {statistics.median(walls):.1f} ms wall, {statistics.median(cpus):.1f} ms CPU"
    )


if __name__ == "__main__":
    main()
