"""Run the web server, a Celery worker and celery beat together (``make run``).

Ctrl-C (or SIGTERM) stops all three. Meant for a laptop and for demos; in
production each runs under the process manager (see README). Unless
``GUICHET_SITE_URL`` is set, the links inside mails point at the address
served here (``make run PORT=8001`` → ``http://127.0.0.1:8001``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def served_site_url(host: str, port: str) -> str:
    """The address people reach when the web server listens on ``host:port``."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard address, not binding to it
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def child_environment(host: str, port: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the three processes: ``GUICHET_SITE_URL`` defaults to the served address."""
    environ = dict(os.environ if environ is None else environ)
    if not environ.get("GUICHET_SITE_URL"):
        environ["GUICHET_SITE_URL"] = served_site_url(host, port)
    return environ


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and celery beat; Ctrl-C stops them all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args: object, host: str, port: str, **options: object) -> None:
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [python, "-m", "celery", "-A", "helpdesk", "worker", "--loglevel=INFO", "--concurrency=2"],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "helpdesk",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ],
        }
        environ = child_environment(host, port)
        processes = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=environ) for name, cmd in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"Guichet is running at http://{host}:{port}/  (Ctrl-C to stop)"))
        self.stdout.write(f"Links in mails use {environ['GUICHET_SITE_URL']} (GUICHET_SITE_URL)")
        self.stdout.write(
            f"Mail is written to {settings.EMAIL_FILE_PATH if hasattr(settings, 'EMAIL_FILE_PATH') else 'SMTP'}"
        )

        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, proc in processes.items():
                    if proc.poll() is not None:
                        self.stderr.write(f"{name} exited with code {proc.returncode}; stopping everything.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.terminate()
            for proc in processes.values():
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
