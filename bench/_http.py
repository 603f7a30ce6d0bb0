"""HTTP measurements against a real server: gunicorn with DEBUG off, pages timed interleaved.

The machine is shared (2 cores, other people's tests), so absolute figures
drift from minute to minute; pages that are compared are requested in turn,
round after round, so that a busy second costs both sides alike, and the
ratio is what to read.
"""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

from _stats import percentile

ROOT = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    """Guichet's production switches, minus HTTPS (plain HTTP on 127.0.0.1)."""
    env = dict(os.environ)
    env.update({
        "DJANGO_DEBUG": "false",
        "GUICHET_TESTING": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_CSRF_COOKIE_SECURE": "false",
        "GUICHET_STATIC_MANIFEST": "false",  # no collectstatic needed; the same lookups per {% static %}
        "GUICHET_BENCH_PAGE": "true",
        "GUICHET_MFA_REQUIRED_FOR_STAFF": "false",
    })  # fmt: skip
    env.update(extra)
    return env


class Server:
    """``gunicorn`` with 2 sync workers on ``port``, stopped on exit (by its own pid only)."""

    def __init__(self, *, gunicorn: str, app: str, port: int, env: dict[str, str], cwd: Path, workers: int = 2):
        self.port = port
        self.cmd = [gunicorn, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
                    "--log-level", "warning", "--timeout", "120"]  # fmt: skip
        self.env, self.cwd = env, cwd
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.cmd, env=self.env, cwd=self.cwd)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ms = get(self.port, "/healthz" if "helpdesk.wsgi" in self.cmd[1] else "/", "")
                if status < 500:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start: {' '.join(self.cmd)}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def get(port: int, path: str, cookie: str) -> tuple[int, float]:
    """One GET on a fresh connection (as a browser's first request of a page); status and milliseconds."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"} if cookie else {"Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, (time.perf_counter() - started) * 1000


def interleaved(cases: dict[str, tuple[int, list[str], str]], rounds: int) -> dict[str, list[float]]:
    """Time every case once per round, in turn: ``{name: (port, paths, cookie)}`` → ``{name: [ms, …]}``."""
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for port, paths, cookie in cases.values():  # warm-up: worker imports, caches, connections
        for path in paths[:2]:
            get(port, path, cookie)
    for i in range(rounds):
        for name, (port, paths, cookie) in cases.items():
            path = paths[i % len(paths)]
            status, ms = get(port, path, cookie)
            if status != 200:
                raise RuntimeError(f"{name}: GET {path} answered {status}")
            timings[name].append(ms)
    return timings


def throughput(port: int, paths: list[str], cookie: str, seconds: float, clients: int = 2) -> float:
    """Requests per second with ``clients`` concurrent clients (one per worker) for ``seconds``."""
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        i = k
        while time.monotonic() < stop:
            status, _ms = get(port, paths[i % len(paths)], cookie)
            if status != 200:
                raise RuntimeError(f"GET {paths[i % len(paths)]} answered {status}")
            done[k] += 1
            i += clients

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)


def interleaved_ratio(port: int, page: list[str], bare: list[str], cookie: str, rounds: int, seconds: float):
    """Throughput of ``page`` and of ``bare``, measured in alternating slices; their medians and ratio."""
    pages, bares = [], []
    for _ in range(rounds):
        pages.append(throughput(port, page, cookie, seconds))
        bares.append(throughput(port, bare, cookie, seconds))
    page_rate, bare_rate = statistics.median(pages), statistics.median(bares)
    return page_rate, bare_rate, page_rate / bare_rate


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 95)


def session_cookie(user) -> str:
    """A logged-in session for ``user`` made the way ``login()`` makes it, as a Cookie header."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
