"""Run the web server, a Celery worker and celery beat together (``make run``).

Ctrl-C (or SIGTERM) stops all three. Meant for a laptop and for demos; in
production each runs under the process manager (see README).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


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
        processes = {name: subprocess.Popen(cmd, cwd=settings.BASE_DIR) for name, cmd in commands.items()}
        self.stdout.write(self.style.SUCCESS(f"Guichet is running at http://{host}:{port}/  (Ctrl-C to stop)"))
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
