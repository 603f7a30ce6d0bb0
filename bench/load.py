#!/usr/bin/env python
"""Load test: requesters filing and reading, agents working the queue, anonymous KB searches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/guichet_faults REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/load.py --users 20 --duration 60

Production-like: gunicorn with ``DEBUG=False`` on PostgreSQL, the cache and
the broker on ``REDIS_URL`` (no worker: the outbox rows wait, as they would
behind a slow worker). Steps, each in its own process so that Locust's gevent
patching never meets the ORM:

1. ``prepare``: migrate, seed the demo, create the bench accounts (requesters
   of the demo requester's university, agents of a service that has a leaf
   category they can all file into), write ``var/bench-load/plan.json``.
2. gunicorn on a free port (``--workers``, default 2 × cores).
3. Locust in-process (library API, ``--users`` for ``--duration`` s; weights
   6 requesters : 2 agents : 2 anonymous), printing requests/s, errors and
   p95 per request kind beside the targets.
4. ``verify``: every filing the server accepted (a redirect to its
   confirmation page) is in the database with its outbox rows.

Targets (issue 23, 2 cores): ≥ 30 filings/s, filing p95 ≤ 400 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py would shadow the standard library's queue module.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
WORK = ROOT / "var" / "bench-load"
PASSWORD = "bench-load-Passw0rd-2026"  # noqa: S105 - throwaway accounts of a local benchmark
REQUESTERS = 40
AGENTS = 6


def django_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-load-not-a-secret-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "GUICHET_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (e.g. postgres://postgres@127.0.0.1:5432/guichet_faults).")
    return env


# --- Step 1 and 4: plain Django processes ------------------------------------------------


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare() -> None:
    _setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from catalogue.models import Category
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    demo_requester = User.objects.get(email="etudiant@demo.guichet.test")
    demo_agent = User.objects.get(email="agent@demo.guichet.test")
    requesters = [_bench_user(f"bench-requester-{i}@univ-amu.fr", like=demo_requester) for i in range(REQUESTERS)]
    agents = [demo_agent] + [_bench_user(f"bench-agent-{i}@amue.fr", like=demo_agent) for i in range(AGENTS - 1)]
    for user in [*requesters, *agents]:
        if not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
    client = Client()
    client.force_login(requesters[0])
    # The first leaf category of the agents' services that files with a title and a description only.
    category = next(
        c
        for c in Category.objects.filter(is_active=True, service_id__in=demo_agent.service_ids).order_by("pk")
        if c.kind == "leaf"
        and client.post(
            reverse("tickets:file", args=[c.slug]),
            {"title": "Essai de préparation", "description": "Vérifie que la catégorie accepte le formulaire.",
             "step": "submit"},
        ).status_code
        == 302
    )  # fmt: skip
    plan = {
        "requesters": [u.email for u in requesters],
        "agents": [u.email for u in agents],
        "password": PASSWORD,
        "category": category.slug,
        "tickets_before": Ticket.objects.count(),
        "kb_queries": ["imprimante", "mot de passe", "messagerie", "wifi", "inscription", "connexion"],
    }
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "plan.json").write_text(json.dumps(plan))
    print(f"prepared: {len(requesters)} requesters, {len(agents)} agents, category {category.slug}")


def _bench_user(email: str, *, like):
    from allauth.account.models import EmailAddress

    from accounts.models import Membership, User
    from catalogue.models import ServiceMembership

    user, _created = User.objects.get_or_create(
        email=email, defaults={"first_name": "Bench", "last_name": email.split("@")[0], "profile": like.profile}
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    for membership in Membership.objects.filter(user=like):
        Membership.objects.get_or_create(
            user=user, institution=membership.institution, defaults={"role": membership.role}
        )
    for membership in ServiceMembership.objects.filter(user=like):
        ServiceMembership.objects.get_or_create(
            user=user, service=membership.service, defaults={"role": membership.role}
        )
    User.objects.filter(pk=user.pk).update(intro_dismissed=True)  # no first-visit page
    return User.objects.get(pk=user.pk)


def verify() -> None:
    _setup_django()
    from helpdesk.models import OutboundEmail
    from tickets.models import Ticket

    accepted = json.loads((WORK / "accepted.json").read_text())
    found = set(Ticket.objects.filter(reference__in=accepted).values_list("reference", flat=True))
    with_mail = set(
        OutboundEmail.objects.filter(ticket_reference__in=accepted).values_list("ticket_reference", flat=True)
    )
    missing = sorted(set(accepted) - found)
    without_mail = sorted(found - with_mail)
    print(
        f"verify: {len(accepted)} filings accepted, {len(found)} in the database, "
        f"{len(found) - len(without_mail)} with their outbox rows; "
        f"missing {missing[:10]}, without mail {without_mail[:10]}"
    )
    sys.exit(1 if missing or without_mail else 0)


# --- Step 3: Locust ---------------------------------------------------------------------


def run_locust(host: str, users: int, duration: int) -> dict:
    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    plan = json.loads((WORK / "plan.json").read_text())
    accepted: list[int] = []
    filed_re = re.compile(r"/demandes/(\d+)/enregistree/")
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    version_re = re.compile(r'name="version" value="(\d+)"')
    ref_re = re.compile(r'href="/traitement/(\d+)/"')
    counters = {"requester": 0, "agent": 0}

    def login(user: HttpUser, pool: str) -> None:
        emails = plan[pool]
        email = emails[counters[pool.rstrip("s")] % len(emails)]
        counters[pool.rstrip("s")] += 1
        page = user.client.get("/accounts/login/", name="login page")
        token = csrf_re.search(page.text).group(1)
        user.client.post(
            "/accounts/login/",
            {"login": email, "password": plan["password"], "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
        )

    class Requester(HttpUser):
        weight = 6
        wait_time = between(0.2, 1.0)

        def on_start(self) -> None:
            login(self, "requesters")

        @task(3)
        def file(self) -> None:
            url = f"/demandes/nouvelle/{plan['category']}/"
            form = self.client.get(url, name="filing form")
            token = csrf_re.search(form.text)
            if token is None:
                return
            data = {
                "title": "Imprimante du bâtiment B en panne",
                "description": "Bourrage papier permanent depuis ce matin, le voyant orange clignote.",
                "step": "submit",
                "csrfmiddlewaretoken": token.group(1),
            }
            with self.client.post(url, data, name="filing POST", allow_redirects=False, catch_response=True) as r:
                match = filed_re.search(r.headers.get("Location", ""))
                if r.status_code == 302 and match:
                    accepted.append(int(match.group(1)))
                    r.success()
                else:
                    r.failure(f"HTTP {r.status_code}: not filed")

        @task(2)
        def read(self) -> None:
            mine = self.client.get("/demandes/", name="my tickets")
            refs = re.findall(r'href="/demandes/(\d+)/"', mine.text)
            if refs:
                self.client.get(f"/demandes/{refs[0]}/", name="ticket page (requester)")

    class Agent(HttpUser):
        weight = 2
        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            login(self, "agents")

        @task
        def work(self) -> None:
            queue = self.client.get("/traitement/?status=NEW", name="agent queue")
            refs = ref_re.findall(queue.text)
            if not refs:
                return
            ref = refs[len(refs) // 2]
            page = self.client.get(f"/traitement/{ref}/", name="ticket page (agent)")
            version, token = version_re.search(page.text), csrf_re.search(page.text)
            if not (version and token):
                return
            with self.client.post(
                f"/traitement/{ref}/prendre/",
                {"version": version.group(1), "csrfmiddlewaretoken": token.group(1)},
                name="agent take",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                # 409: another agent took it first (a clean refusal, not an error); 403: already in progress.
                if r.status_code in (302, 409, 403):
                    r.success()
                else:
                    r.failure(f"HTTP {r.status_code}")

    class Anonymous(HttpUser):
        weight = 2
        wait_time = between(0.2, 1.0)

        @task
        def search(self) -> None:
            query = plan["kb_queries"][int(time.monotonic() * 1000) % len(plan["kb_queries"])]
            self.client.get("/kb/", params={"q": query}, name="KB search (anonymous)")

    env = Environment(user_classes=[Requester, Agent, Anonymous], host=host, events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users / 5, 1))
    gevent.spawn_later(duration, runner.quit)
    started = time.monotonic()
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    (WORK / "accepted.json").write_text(json.dumps(accepted))
    rows = {}
    for (name, method), entry in sorted(env.stats.entries.items()):
        rows[f"{method} {name}"] = {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": entry.num_requests / elapsed,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
        }
    errors = {f"{e.method} {e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()}
    return {"elapsed": elapsed, "rows": rows, "errors": errors, "accepted": len(accepted)}


def report(result: dict, users: int, workers: int) -> None:
    print(f"\n{users} users for {result['elapsed']:.0f} s, gunicorn {workers} workers, DEBUG=False, PostgreSQL")
    print(f"{'request kind':40} {'n':>6} {'err':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for name, row in result["rows"].items():
        print(
            f"{name:40} {row['requests']:6d} {row['errors']:5d} {row['rps']:7.1f} {row['p50']:7.0f} {row['p95']:7.0f}"
        )
    filing = result["rows"].get("POST filing POST", {"rps": 0.0, "p95": 0.0})
    total_errors = sum(row["errors"] for row in result["rows"].values())
    print("\ntarget                       measured")
    print(f"filings/s      >= 30         {result['accepted'] / result['elapsed']:.1f}")
    print(f"filing p95     <= 400 ms     {filing['p95']:.0f} ms")
    print(f"errors         == 0          {total_errors}")
    for error, count in result["errors"].items():
        print(f"  {count} × {error}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(port: int, timeout: float = 120.0) -> None:
    import urllib.request

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on port {port} (see {WORK / 'gunicorn.log'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", nargs="?", choices=["prepare", "verify"], help=argparse.SUPPRESS)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--no-prepare", action="store_true", help="reuse the accounts of the last run")
    args = parser.parse_args()
    if args.step == "prepare":
        return prepare()
    if args.step == "verify":
        return verify()
    env = django_env()
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    if not args.no_prepare:
        subprocess.run([python, __file__, "prepare"], env=env, cwd=ROOT, check=True)
    port = free_port()
    WORK.mkdir(parents=True, exist_ok=True)
    log = (WORK / "gunicorn.log").open("wb")
    gunicorn = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "helpdesk.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--timeout", "60"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_until_serving(port)
        result = run_locust(f"http://127.0.0.1:{port}", args.users, args.duration)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    report(result, args.users, args.workers)
    check = subprocess.run([python, __file__, "verify"], env=env, cwd=ROOT)
    sys.exit(check.returncode)


if __name__ == "__main__":
    main()
