"""A real Celery worker process for tests, consuming the configured broker.

The worker runs ``celery -A helpdesk worker`` in a subprocess with the same
environment as the tests, pointed at the test database, so that a task
queued by a test (after its transaction commits) is executed for real:
through Redis on CI, through the file-system broker on a laptop.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def database_url_for_tests() -> str:
    """The URL of the database the tests are using right now."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self, *, extra_env: dict[str, str] | None = None) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_tests(),
            "GUICHET_VAR_DIR": str(settings.VAR_DIR),
            "GUICHET_TESTING": "1",
            **(extra_env or {}),
        }
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until the worker answers a ping task."""
        from helpdesk.tasks import ping

        result = ping.delay()
        assert result.get(timeout=timeout) == "pong", self.tail()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
