#!/usr/bin/env python
"""Load test: requesters filing and reading, agents working the queue, anonymous KB searches.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/guichet_faults REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/load.py --users 20 --duration 60

Production-like: gunicorn (gunicorn.conf.py) with ``DEBUG=False`` on PostgreSQL, the cache and
the broker on ``REDIS_URL`` (no worker: the outbox rows wait, as they would
behind a slow worker). Steps, each in its own process so that Locust's gevent
patching never meets the ORM:

1. ``prepare``: migrate, seed the demo, bulk-create one account per simulated
   user (requesters of the demo requester's university, agents of a service
   that has a leaf category they can all file into) and open each one's
   session once (so no run meets the login rate limit, which stays on), write
   ``var/bench-load/plan.json``.
2. gunicorn on a free port, configured by ``gunicorn.conf.py`` unless
   ``--workers`` / ``--threads`` / ``--[no-]preload`` say otherwise.
3. Locust in-process (library API, FastHttpUser: the client shares the
   cores, so it must be cheap) — ``--users`` (15 % agents, 15 % anonymous,
   the rest requesters) for ``--duration`` s. Requesters are paced to offer
   ``--rate`` filings/s together (each filing: the form, the POST, the
   confirmation page it redirects to; one task in four reads their tickets);
   agents and visitors do one task a second. Prints requests/s, errors, p50
   and p95 per request kind beside the targets, and the CPU used by the
   client, gunicorn, the database's backends and the whole machine.
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


def prepare(requesters_count: int, agents_count: int) -> None:
    _setup_django()
    from django.conf import settings
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
    requesters = _bench_users("bench-requester-{}@univ-amu.fr", requesters_count, like=demo_requester)
    agents = _bench_users("bench-agent-{}@amue.fr", agents_count, like=demo_agent)
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
        # One signed-in session per simulated user, opened here as the login page would (the login
        # view and its rate limit, 30/m per address, are not what this test measures).
        "requesters": _sessions(requesters),
        "agents": _sessions(agents),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "category": category.slug,
        "tickets_before": Ticket.objects.count(),
        "kb_queries": ["imprimante", "mot de passe", "messagerie", "wifi", "inscription", "connexion"],
    }
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "plan.json").write_text(json.dumps(plan))
    print(f"prepared: {len(requesters)} requesters, {len(agents)} agents, category {category.slug}")


def _bench_users(pattern: str, count: int, *, like) -> list:
    """``count`` accounts like ``like`` (profile, institutions, services), created in bulk when missing."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import Membership, User
    from catalogue.models import ServiceMembership

    emails = [pattern.format(i) for i in range(count)]
    password = make_password(PASSWORD)  # hashed once: the accounts are never logged in with it
    User.objects.bulk_create(
        [
            User(email=email, first_name="Bench", last_name=email.split("@")[0], profile=like.profile,
                 password=password, intro_dismissed=True)
            for email in emails
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], ignore_conflicts=True
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, institution_id=m.institution_id, role=m.role)
            for m in Membership.objects.filter(user=like)
            for u in users
        ],
        ignore_conflicts=True,
    )
    ServiceMembership.objects.bulk_create(
        [
            ServiceMembership(user=u, service_id=m.service_id, role=m.role)
            for m in ServiceMembership.objects.filter(user=like)
            for u in users
        ],
        ignore_conflicts=True,
    )
    return users


def _sessions(users: list) -> list[str]:
    from django.conf import settings
    from django.test import Client

    keys = []
    for user in users:
        client = Client()
        client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


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


def user_mix(users: int, *, filings_only: bool = False) -> dict[str, int]:
    """Simulated users of each kind: 15 % agents, 15 % anonymous visitors (one at least), the rest requesters."""
    if filings_only:
        return {"requesters": users, "agents": 0, "anonymous": 0}
    agents = anonymous = max(1, round(users * 0.15))
    return {"requesters": max(1, users - agents - anonymous), "agents": agents, "anonymous": anonymous}


def run_locust(host: str, args: argparse.Namespace, meters: CpuMeters) -> dict:
    import gevent
    from locust import FastHttpUser, constant_throughput, events, task
    from locust.env import Environment
    from requests.cookies import create_cookie

    users, duration, rate = args.users, args.duration, args.rate
    plan = json.loads((WORK / "plan.json").read_text())
    mix = user_mix(users, filings_only=args.filings_only)
    accepted: list[int] = []
    filed_re = re.compile(r"/demandes/(\d+)/enregistree/")
    csrf_re = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    version_re = re.compile(r'name="version" value="(\d+)"')
    ref_re = re.compile(r'href="/traitement/(\d+)/"')
    sessions = {pool: iter(plan[pool]) for pool in ("requesters", "agents")}
    host_name = host.split("//", 1)[1].split(":", 1)[0]

    def sign_in(user: FastHttpUser, pool: str) -> None:
        """Each simulated user holds its own account's session, opened once by ``prepare``."""
        user.client.cookiejar.set_cookie(create_cookie(plan["session_cookie"], next(sessions[pool]), domain=host_name))

    # Pacing: each simulated user stands for many people on a busy day; together the requesters
    # offer ``rate`` filings/s (a filing is 3 of their 4 tasks), whatever the server's speed —
    # when it cannot keep up, the filings/s measured fall below the rate offered.
    FILE_WEIGHT, READ_WEIGHT = (1, 0) if args.filings_only else (3, 1)
    requester_tasks_per_s = rate / mix["requesters"] * (FILE_WEIGHT + READ_WEIGHT) / FILE_WEIGHT

    class Requester(FastHttpUser):
        fixed_count = mix["requesters"]
        wait_time = constant_throughput(requester_tasks_per_s)

        def on_start(self) -> None:
            sign_in(self, "requesters")

        @task(FILE_WEIGHT)
        def file(self) -> None:
            url = f"/demandes/nouvelle/{plan['category']}/"
            form = self.client.get(url, name="filing form")
            token = csrf_re.search(form.text or "")
            if token is None:
                return
            data = {
                "title": "Imprimante du bâtiment B en panne",
                "description": "Bourrage papier permanent depuis ce matin, le voyant orange clignote.",
                "step": "submit",
                "csrfmiddlewaretoken": token.group(1),
            }
            with self.client.post(url, data=data, name="filing POST", allow_redirects=False, catch_response=True) as r:
                match = filed_re.search(r.headers.get("Location", "") or "")
                if r.status_code == 302 and match:
                    accepted.append(int(match.group(1)))
                    r.success()
                else:
                    r.failure(f"HTTP {r.status_code}: not filed")
                    return
            self.client.get(f"/demandes/{match.group(1)}/enregistree/", name="filing confirmation")

        @task(max(READ_WEIGHT, 1))
        def read(self) -> None:
            mine = self.client.get("/demandes/", name="my tickets")
            refs = re.findall(r'href="/demandes/(\d+)/"', mine.text or "")
            if refs:
                self.client.get(f"/demandes/{refs[0]}/", name="ticket page (requester)")

    class Agent(FastHttpUser):
        fixed_count = mix["agents"]
        wait_time = constant_throughput(1)

        def on_start(self) -> None:
            sign_in(self, "agents")

        @task
        def work(self) -> None:
            queue = self.client.get("/traitement/?status=NEW", name="agent queue")
            refs = ref_re.findall(queue.text or "")
            if not refs:
                return
            ref = refs[len(refs) // 2]
            page = self.client.get(f"/traitement/{ref}/", name="ticket page (agent)")
            version, token = version_re.search(page.text or ""), csrf_re.search(page.text or "")
            if not (version and token):
                return
            with self.client.post(
                f"/traitement/{ref}/prendre/",
                data={"version": version.group(1), "csrfmiddlewaretoken": token.group(1)},
                name="agent take",
                allow_redirects=False,
                catch_response=True,
            ) as r:
                # 409: another agent took it first (a clean refusal, not an error); 403: already in progress.
                if r.status_code in (302, 409, 403):
                    r.success()
                else:
                    r.failure(f"HTTP {r.status_code}")

    class Anonymous(FastHttpUser):
        fixed_count = mix["anonymous"]
        wait_time = constant_throughput(1)

        @task
        def search(self) -> None:
            query = plan["kb_queries"][int(time.monotonic() * 1000) % len(plan["kb_queries"])]
            self.client.get(f"/kb/?q={query.replace(' ', '+')}", name="KB search (anonymous)")

    if args.filings_only:
        Requester.tasks = [Requester.file]
    user_classes = [Requester, *([] if args.filings_only else [Agent, Anonymous])]
    env = Environment(user_classes=user_classes, host=host, events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)  # sessions are ready: everyone starts at once
    gevent.spawn_later(duration, runner.quit)
    started = time.monotonic()
    meters.start()
    runner.greenlet.join()
    elapsed = time.monotonic() - started
    cpu = meters.stop(elapsed)
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
    return {"elapsed": elapsed, "rows": rows, "errors": errors, "accepted": len(accepted), "mix": mix, "cpu": cpu}


class CpuMeters:
    """CPU seconds used during the run by this process (the client), the gunicorn processes,
    the PostgreSQL backends of the bench database, and the whole machine (other work included)."""

    def __init__(self, *, gunicorn_pid: int, database: str) -> None:
        import psutil

        self.psutil = psutil
        self.gunicorn = psutil.Process(gunicorn_pid)
        self.database = database

    def _per_process(self) -> dict[str, dict[int, float]]:
        psutil = self.psutil
        groups = {
            "client": [psutil.Process()],
            "gunicorn": [self.gunicorn, *self.gunicorn.children(recursive=True)],
            "postgres": [
                p for p in psutil.process_iter(["name", "cmdline"])
                if p.info["name"] == "postgres" and f" {self.database} " in " ".join(p.info["cmdline"] or [])
            ],
        }  # fmt: skip
        sample: dict[str, dict[int, float]] = {}
        for group, processes in groups.items():
            sample[group] = {}
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:  # ended meanwhile
                    continue
                sample[group][process.pid] = times.user + times.system
        machine = psutil.cpu_times()
        sample["machine"] = {0: sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)}
        return sample

    def start(self) -> None:
        self.before = self._per_process()
        self.load_before = os.getloadavg()

    def stop(self, elapsed: float) -> dict:
        after = self._per_process()
        # Per process: one started during the run counts from zero; one ended during it is lost
        # (persistent database connections and long-lived workers keep that rare).
        used = {
            group: sum(cpu - self.before[group].get(pid, 0.0) for pid, cpu in pids.items())
            for group, pids in after.items()
        }
        return {**used, "capacity": elapsed * (os.cpu_count() or 1),
                "load_before": self.load_before, "load_after": os.getloadavg()}  # fmt: skip


def report(result: dict, args: argparse.Namespace) -> None:
    mix, cpu, elapsed = result["mix"], result["cpu"], result["elapsed"]
    print(
        f"\n{args.users} users ({mix['requesters']} requesters offering {args.rate:g} filings/s, "
        f"{mix['agents']} agents, {mix['anonymous']} anonymous) for {elapsed:.0f} s; "
        f"gunicorn {gunicorn_summary(args)}, DEBUG=False, PostgreSQL"
    )
    print(f"{'request kind':40} {'n':>6} {'err':>5} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for name, row in result["rows"].items():
        print(
            f"{name:40} {row['requests']:6d} {row['errors']:5d} {row['rps']:7.1f} {row['p50']:7.0f} {row['p95']:7.0f}"
        )
    requests = sum(row["requests"] for row in result["rows"].values())
    filing = result["rows"].get("POST filing POST", {"rps": 0.0, "p95": 0.0})
    total_errors = sum(row["errors"] for row in result["rows"].values())
    print("\ntarget                       measured")
    print(f"filings/s      >= 30         {result['accepted'] / elapsed:.1f}")
    print(f"filing p95     <= 400 ms     {filing['p95']:.0f} ms")
    print(f"errors         == 0          {total_errors}")
    for error, count in result["errors"].items():
        print(f"  {count} × {error}")
    share = {key: cpu[key] / cpu["capacity"] for key in ("client", "gunicorn", "postgres", "machine")}
    others = share["machine"] - share["client"] - share["gunicorn"] - share["postgres"]
    print(
        f"\nCPU over the run ({cpu['capacity']:.0f} core-seconds on {os.cpu_count()} cores): "
        f"client {share['client']:.0%}, gunicorn {share['gunicorn']:.0%}, "
        f"PostgreSQL backends {share['postgres']:.0%}, whole machine {share['machine']:.0%} (others {others:.0%})"
    )
    if result["accepted"]:
        print(
            f"server CPU per accepted filing: gunicorn {cpu['gunicorn'] / result['accepted'] * 1000:.1f} ms + "
            f"PostgreSQL {cpu['postgres'] / result['accepted'] * 1000:.1f} ms"
            + (" (form, POST, confirmation only)" if args.filings_only else " (every kind of request included)")
        )
    if requests:
        print(
            f"server CPU per request: gunicorn {cpu['gunicorn'] / requests * 1000:.1f} ms + PostgreSQL "
            f"{cpu['postgres'] / requests * 1000:.1f} ms over {requests} requests "
            f"({requests / max(result['accepted'], 1):.1f} requests per filing)"
        )
    print("load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
        *cpu["load_before"], *cpu["load_after"]))  # fmt: skip


def gunicorn_summary(args: argparse.Namespace) -> str:
    threads = f" × {args.threads} threads (gthread)" if args.threads > 1 else " (sync)"
    return f"{args.workers} workers{threads}{', preloaded' if args.preload else ''}"


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
    parser.add_argument("--rate", type=float, default=36.0, help="filings/s the requesters offer together")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--preload", action=argparse.BooleanOptionalAction, help="default: gunicorn.conf.py's")
    parser.add_argument("--no-prepare", action="store_true", help="reuse the accounts of the last run")
    parser.add_argument(
        "--filings-only", action="store_true", help="every user a requester filing: the server's CPU per filing"
    )
    args = parser.parse_args()
    mix = user_mix(args.users, filings_only=args.filings_only)
    if args.step == "prepare":
        return prepare(mix["requesters"], mix["agents"])
    if args.step == "verify":
        return verify()
    env = django_env()
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    if not args.no_prepare:
        prepare_args = ["--users", str(args.users), *(["--filings-only"] if args.filings_only else [])]
        subprocess.run([python, __file__, "prepare", *prepare_args], env=env, cwd=ROOT, check=True)
    conf = gunicorn_conf(env)
    args.workers = args.workers or conf["workers"]
    args.threads = args.threads or conf["threads"]
    args.preload = conf["preload_app"] if args.preload is None else args.preload
    port = free_port()
    WORK.mkdir(parents=True, exist_ok=True)
    log = (WORK / "gunicorn.log").open("wb")
    gunicorn = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "helpdesk.wsgi", "--config", str(ROOT / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread" if args.threads > 1 else "sync", *(["--preload"] if args.preload else [])],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_until_serving(port)
        database = env["DATABASE_URL"].rsplit("/", 1)[1].split("?", 1)[0]
        meters = CpuMeters(gunicorn_pid=gunicorn.pid, database=database)
        result = run_locust(f"http://127.0.0.1:{port}", args, meters)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    report(result, args)
    check = subprocess.run([python, __file__, "verify"], env=env, cwd=ROOT)
    sys.exit(check.returncode)


def gunicorn_conf(env: dict[str, str]) -> dict:
    """What gunicorn.conf.py sets in this environment: workers, threads, preload."""
    namespace: dict = {}
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - ours
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {
        key: namespace.get(key, default) for key, default in (("workers", 1), ("threads", 1), ("preload_app", False))
    }


if __name__ == "__main__":
    main()
