#!/usr/bin/env python
"""Guichet against django-helpdesk 2.6.1 on the same tickets, page for page (see README.md).

    .venv/bin/python bench/compare/compare.py            # 50,000 tickets
    .venv/bin/python bench/compare/compare.py --size 200000 --runs 40

1. django-helpdesk 2.6.1 goes into its own virtualenv, ``var/compare/venv``
   (``pip install`` from PyPI, once), with the small project of ``peer/``.
2. Guichet's bench data is generated in ``guichet_compare`` (``bench/_data.py``,
   set-based), then copied into ``helpdesk_compare``: the same users (staff =
   agents, managers, administrator), one queue per service, the same tickets
   (title, description, dates, priority, assignee, requester's e-mail as the
   submitter), the replies as public follow-ups. Both databases are reused
   while they hold ``--size`` tickets.
3. Both are served by gunicorn, 2 sync workers each, DEBUG off, on the same
   PostgreSQL; each paired page is requested in turn (Guichet, then the peer,
   then the next pair), ``--runs`` rounds, on a fresh connection each time.
   A peer page that needs its data call (DataTables, REST) counts both requests.
4. Prints median and p95 (ms), queries per request (a second visit, in-process),
   and the ratio peer ÷ Guichet of the medians (target ≥ 3, and never < 1).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/: _data, _http, _stats
sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import _data  # noqa: E402
import _http  # noqa: E402

sys.path = [p for p in sys.path if Path(p or ".").resolve() != HERE.parent]
sys.path.insert(0, str(HERE.parent.parent))

ROOT = HERE.parent.parent
VENV = ROOT / "var" / "compare" / "venv"
PEER = HERE / "peer"
SERVER = "postgres://postgres@127.0.0.1:5432"
GUICHET_DB, PEER_DB = "guichet_compare", "helpdesk_compare"
PEER_VERSION = "django-helpdesk==2.6.1"
TARGET_RATIO = 3.0
SEARCH_WORD = "imprimante"


def ensure_peer_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"Installing {PEER_VERSION} into {VENV} (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", PEER_VERSION, "psycopg[binary]", "gunicorn"],
                       check=True)  # fmt: skip
    return python


def peer(python: Path, *args: str) -> str:
    env = {**os.environ, "PEER_DB": PEER_DB, "DJANGO_SETTINGS_MODULE": "settings"}
    return subprocess.run([str(python), *args], cwd=PEER, env=env, check=True, capture_output=True, text=True).stdout


# Guichet → django-helpdesk, one COPY per table (text format passes through unchanged).
COPIES = [
    (
        "SELECT u.id, '!', u.is_superuser, u.email, u.first_name, u.last_name, u.email,"
        " u.is_staff OR EXISTS (SELECT 1 FROM catalogue_servicemembership m WHERE m.user_id = u.id),"
        " u.is_active, u.date_joined FROM accounts_user u",
        "auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
        " date_joined)",
    ),
    (
        "SELECT id, name, slug, false, false, false, 'helpdesk.queue_access_' || slug, false FROM catalogue_service",
        "helpdesk_queue (id, title, slug, allow_public_submission, allow_email_submission, email_box_ssl,"
        " permission_name, enable_notifications_on_email_events)",
    ),
    (
        # Open statuses → Open (1); TER → Closed (4); REJ, ABN → Closed (4).
        "SELECT t.id, t.title, t.created, t.last_activity_at, u.email,"
        " CASE WHEN t.status IN ('TER', 'REJ', 'ABN') THEN 4 ELSE 1 END, false, t.description, t.priority,"
        " t.assignee_id, t.service_id, md5(t.id::text)::uuid::text"
        " FROM tickets_ticket t JOIN accounts_user u ON u.id = t.requester_id",
        "helpdesk_ticket (id, title, created, modified, submitter_email, status, on_hold, description, priority,"
        " assigned_to_id, queue_id, secret_key)",
    ),
    (
        "SELECT ticket_id, created, 'Réponse', body, true, author_id FROM tickets_message WHERE kind <> 'note'",
        "helpdesk_followup (ticket_id, date, title, comment, public, user_id)",
    ),
]


def load_peer(size: int) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/{PEER_DB}") as dst:
        if dst.execute("SELECT count(*) FROM helpdesk_ticket").fetchone()[0] == size:
            print(f"Reusing the {size:,} tickets already in {PEER_DB}")
            return
        started = time.perf_counter()
        dst.execute(
            "TRUNCATE helpdesk_usersettings, helpdesk_followup, helpdesk_ticket, helpdesk_queue, auth_user "
            "RESTART IDENTITY CASCADE"
        )
        with psycopg.connect(f"{SERVER}/{GUICHET_DB}") as src:
            for select, target in COPIES:
                with (
                    src.cursor().copy(f"COPY ({select}) TO STDOUT") as out,
                    dst.cursor().copy(f"COPY {target} FROM STDIN") as into,
                ):
                    for block in out:
                        into.write(block)
        # Created by a post_save receiver in the peer; the copy bypassed it. Its defaults, 50 rows a page.
        dst.execute(
            "INSERT INTO helpdesk_usersettings (user_id, email_on_ticket_assign, email_on_ticket_change,"
            " login_view_ticketlist, tickets_per_page, use_email_as_submitter, ticket_respond_layout)"
            " SELECT id, true, true, true, 50, true, 'tabs' FROM auth_user"
        )
        for table in ("auth_user", "helpdesk_queue", "helpdesk_ticket", "helpdesk_followup"):
            dst.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608 (fixed names)
        dst.commit()
        dst.autocommit = True
        dst.execute("VACUUM ANALYZE")
    print(f"Copied into {PEER_DB} in {time.perf_counter() - started:.1f} s")


def pairs(agent, requester, ticket_ids: list[int], refs: list[int]) -> dict[str, dict]:
    """Each paired page: who, Guichet's URLs, the peer's URLs (a peer page may need two requests)."""
    return {
        "staff list": {"user": agent, "guichet": ["/traitement/"], "peer": [["/tickets/", "@datatables"]]},
        "ticket page": {
            "user": agent,
            "guichet": [f"/traitement/{r}/" for r in refs],
            "peer": [[f"/tickets/{i}/"] for i in ticket_ids],
        },
        "requester's list": {
            "user": requester,
            "guichet": ["/demandes/"],
            "peer": [["/tickets/my-tickets/", "/api/user_tickets/?page=1"]],
        },
        "staff search": {
            "user": agent,
            "guichet": [f"/traitement/recherche/?q={SEARCH_WORD}"],
            "peer": [[f"/tickets/?q={SEARCH_WORD}", "@datatables"]],
        },
        "landing page": {"user": agent, "guichet": ["/"], "peer": [["/dashboard/"]]},
    }


DATATABLES = re.compile(r'"url":\s*"(/datatables_ticket_list/[^"]+)"')


def peer_page(port: int, paths: list[str], cookie: str) -> float:
    """One peer page: its HTML, then (``@datatables``) the data call that page makes, 50 rows."""
    import http.client

    total = 0.0
    html = ""
    for path in paths:
        if path == "@datatables":
            match = DATATABLES.search(html)
            if not match:
                raise RuntimeError("no DataTables URL in the peer's list page")
            path = f"{match.group(1)}?draw=1&start=0&length=50"
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        html = response.read().decode(errors="replace")
        conn.close()
        total += (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"peer GET {path} answered {response.status}")
    return total


def measure(pages: dict, runs: int, ports: tuple[int, int], cookies: dict) -> dict[str, tuple[list, list]]:
    g_port, p_port = ports
    results = {name: ([], []) for name in pages}
    for page in pages.values():  # warm-up both sides
        _http.get(g_port, page["guichet"][0], cookies[("g", page["user"].pk)])
        peer_page(p_port, page["peer"][0], cookies[("p", page["user"].pk)])
    for i in range(runs):
        for name, page in pages.items():
            path = page["guichet"][i % len(page["guichet"])]
            status, ms = _http.get(g_port, path, cookies[("g", page["user"].pk)])
            if status != 200:
                raise RuntimeError(f"Guichet GET {path} answered {status}")
            results[name][0].append(ms)
            peer_paths = page["peer"][i % len(page["peer"])]
            results[name][1].append(peer_page(p_port, peer_paths, cookies[("p", page["user"].pk)]))
    return results


def guichet_queries(pages: dict) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for name, page in pages.items():
        client = Client()
        client.force_login(page["user"])
        client.get(page["guichet"][0])
        with CaptureQueriesContext(connection) as ctx:
            client.get(page["guichet"][0])
        out[name] = len(ctx.captured_queries)
    return out


def peer_queries(python: Path, pages: dict, p_port: int, cookies: dict) -> dict[str, str]:
    out = {}
    for name, page in pages.items():
        paths = list(page["peer"][0])
        if "@datatables" in paths:  # the data call's URL comes from the page
            import http.client

            conn = http.client.HTTPConnection("127.0.0.1", p_port, timeout=120)
            conn.request("GET", paths[0], headers={"Cookie": cookies[("p", page["user"].pk)], "Host": "127.0.0.1"})
            html = conn.getresponse().read().decode(errors="replace")
            paths[1] = f"{DATATABLES.search(html).group(1)}?draw=1&start=0&length=50"
        counts = json.loads(peer(python, "bench_peer.py", "queries", str(page["user"].pk), *paths))
        out[name] = "+".join(str(counts[p]) for p in paths)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=50_000, help="tickets in each system")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--ports", type=int, nargs=2, default=(8731, 8732))
    parser.add_argument("--db-prefix", default="", help="prefix of both databases' names (a shared server)")
    args = parser.parse_args()
    global GUICHET_DB, PEER_DB  # read by the loaders and the peer's environment
    GUICHET_DB, PEER_DB = f"{args.db_prefix}{GUICHET_DB}", f"{args.db_prefix}{PEER_DB}"
    python = ensure_peer_venv()
    _data.ensure_database(f"{SERVER}/{PEER_DB}")
    peer(python, "manage.py", "migrate", "-v0")
    os.environ.update(_http.production_env())
    _data.setup(f"{SERVER}/{GUICHET_DB}")
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    _data.load_tickets(args.size)
    load_peer(args.size)

    from accounts.models import User
    from tickets.models import Ticket

    agent = User.objects.get(email="agent-0@bench.example")
    latest = Ticket.objects.filter(service__slug="bench-0").order_by("-pk").select_related("requester").first()
    sample = list(Ticket.objects.filter(service__slug="bench-0").order_by("?").values_list("pk", "reference")[:50])
    pages = pairs(agent, latest.requester, [pk for pk, _ref in sample], [ref for _pk, ref in sample])
    users = {page["user"].pk: page["user"] for page in pages.values()}
    cookies = {("g", pk): _http.session_cookie(user) for pk, user in users.items()}
    for pk, cookie in json.loads(peer(python, "bench_peer.py", "sessions", *map(str, users))).items():
        cookies[("p", int(pk))] = cookie

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    g_env = _http.production_env(DATABASE_URL=f"{SERVER}/{GUICHET_DB}")
    p_env = {**os.environ, "PEER_DB": PEER_DB, "DJANGO_SETTINGS_MODULE": "settings"}
    with (
        _http.Server(gunicorn=gunicorn, app="helpdesk.wsgi", port=args.ports[0], env=g_env, cwd=ROOT),
        _http.Server(gunicorn=str(VENV / "bin" / "gunicorn"), app="wsgi", port=args.ports[1], env=p_env, cwd=PEER),
    ):
        results = measure(pages, args.runs, tuple(args.ports), cookies)
        g_queries, p_queries = guichet_queries(pages), peer_queries(python, pages, args.ports[1], cookies)

    load = os.getloadavg()[0]
    print(f"\n{args.size:,} tickets in each; {args.runs} interleaved rounds; gunicorn 2 sync workers each, "
          f"DEBUG off; machine shared (load average {load:.1f} on {os.cpu_count()} cores): read ratios")  # fmt: skip
    print(f"{'page':<18} {'Guichet median':>14} {'p95':>7} {'queries':>8} │ {'helpdesk median':>15} {'p95':>7} "
          f"{'queries':>8} │ {'ratio':>6}  target ≥ {TARGET_RATIO:.0f}")  # fmt: skip
    for name, (mine, theirs) in results.items():
        g_med, g_p95 = _http.summary(mine)
        p_med, p_p95 = _http.summary(theirs)
        ratio = p_med / g_med
        verdict = "ok" if ratio >= TARGET_RATIO else ("SLOWER" if ratio < 1 else "below target")
        print(f"{name:<18} {g_med:>14.1f} {g_p95:>7.1f} {g_queries[name]:>8} │ {p_med:>15.1f} {p_p95:>7.1f} "
              f"{p_queries[name]:>8} │ {ratio:>5.1f}×  {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
