"""Every shell command of README.md is run by a test or by CI.

The commands are the lines of the ```sh blocks (comments dropped, ``\\``
continuations joined, ``&&`` split) and the inline code that starts with a
command (``make``, ``bash``, ``python``, ``.venv/bin/``…). ``COVERAGE`` maps
each to where it runs: ``path::test`` (checked to exist) or ``ci:<text>``
(checked to appear in ``.ci/run``). A new command in the README fails
``test_every_readme_command_is_covered`` until it is mapped. The cheap ones
run for real below: ``make run``, ``collectstatic`` in production mode and
gunicorn.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
README = BASE_DIR / "README.md"
CI_RUN = BASE_DIR / ".ci" / "run"
HERE = "helpdesk/tests/test_readme_commands.py"
TWO_COMMANDS = "helpdesk/tests/test_two_commands.py"
SOURCES = "inbound/tests/test_sources.py"

COVERAGE = {
    # Quick start
    "make run": f"{HERE}::test_make_run_serves_the_demo_and_stops_together",
    "make run HOST=0.0.0.0 PORT=8001": f"{HERE}::test_make_run_serves_the_demo_and_stops_together",
    "make test": "ci:run_leg newcomer",
    "sudo .ci/system-deps": f"{TWO_COMMANDS}::test_system_deps_with_everything_installed_does_nothing",
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/guichet REDIS_URL=redis://127.0.0.1:6379/0 make test": (
        "ci:run_leg postgresql env DATABASE_URL="
    ),
    "bash .ci/run": "ci:",  # CI is this script
    # Production
    "export DJANGO_DEBUG=false DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=guichet.univ.example "
    "DATABASE_URL=postgres://... REDIS_URL=redis://... EMAIL_URL=smtp+tls://... "
    "AWS_STORAGE_BUCKET_NAME=guichet-attachments GUICHET_SITE_URL=https://guichet.univ.example": (
        "helpdesk/tests/test_settings.py::test_check_deploy_clean_with_production_env"
    ),
    "python manage.py migrate": f"{HERE}::test_make_run_serves_the_demo_and_stops_together",
    "python manage.py collectstatic --noinput": f"{HERE}::test_collectstatic_in_production_mode",
    "python manage.py check --deploy": "helpdesk/tests/test_settings.py::test_check_deploy_clean_with_production_env",
    "gunicorn helpdesk.wsgi -c gunicorn.conf.py": f"{HERE}::test_gunicorn_serves_the_site",
    "celery -A helpdesk worker --loglevel=INFO": (
        "helpdesk/tests/test_outbox_worker.py::test_queue_email_is_sent_once_by_the_worker_after_commit"
    ),
    "celery -A helpdesk beat --loglevel=INFO": f"{HERE}::test_make_run_serves_the_demo_and_stops_together",
    ".venv/bin/python bench/sweep.py": "ci:bench/sweep.py",
    # Inbound email
    "python manage.py ingest_email < message.eml": (
        f"{SOURCES}::test_ingest_email_command_exits_zero_for_refused_mail"
    ),
    "python manage.py import_maildir /srv/mail/Maildir": f"{SOURCES}::test_import_maildir_command",
    # API
    'curl -s -H "Authorization: Bearer $GUICHET_TOKEN" "http://127.0.0.1:8000/api/v1/tickets/?status=NEW"': (
        "api/tests/test_readme_curl.py::test_readme_curl_example_lists_the_callers_tickets"
    ),
    # Layout, agent workspace, browser journeys
    "make messages": "ci:make messages",
    "DATABASE_URL=postgres://…/guichet_bench_agent .venv/bin/python bench/queue.py": "ci:bench/queue.py",
    ".venv/bin/pytest helpdesk/tests/browser -q": "ci:run_leg newcomer",  # make test runs the whole suite
}

INLINE_COMMAND = re.compile(r"^(?:[A-Z_]+=\S+ )*(?:make|bash|sudo|python|celery|gunicorn|\.venv/bin/\S+)(?: |$)")


def readme_commands(text: str) -> list[str]:
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"(^|\s)#.*$", "", line).strip()
            commands += [" ".join(part.split()) for part in line.split("&&") if part.strip()]
    outside = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    commands += [span for span in re.findall(r"`([^`\n]+)`", outside) if INLINE_COMMAND.match(span)]
    return list(dict.fromkeys(commands))


def test_readme_commands_are_found():
    commands = readme_commands(README.read_text())
    assert "make run" in commands
    assert "python manage.py collectstatic --noinput" in commands
    assert "make messages" in commands  # inline code
    assert not [c for c in commands if c.startswith("#")]


def test_every_readme_command_is_covered():
    unmapped = [c for c in readme_commands(README.read_text()) if c not in COVERAGE]
    assert unmapped == [], "map each new README command to the test or CI step that runs it"


@pytest.mark.parametrize(("command", "where"), sorted(COVERAGE.items()))
def test_coverage_points_at_something_real(command, where):
    if where.startswith("ci:"):
        assert where[3:] in CI_RUN.read_text()
        return
    path, name = where.split("::")
    assert re.search(rf"^def {name}\(", (BASE_DIR / path).read_text(), re.MULTILINE), where


def test_no_stale_entries():
    assert sorted(set(COVERAGE) - set(readme_commands(README.read_text()))) == []


# --- The cheap ones, for real ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def laptop_environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a newcomer's shell: no database, broker or test settings."""
    drop = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "EMAIL_URL", "GUICHET_SITE_URL"}
    drop |= {"MAKELEVEL", "MAKEFLAGS", "MFLAGS"}  # not a sub-make of `make test`
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith(("PYTEST", "DJANGO_"))}
    return {**env, "GUICHET_VAR_DIR": str(var_dir), "GUICHET_TESTING": "0", **extra}


def wait_for(url: str, process: subprocess.Popen, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return -1
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            time.sleep(1)
    return 0


@pytest.mark.usefixtures("db")
def test_make_run_serves_the_demo_and_stops_together(tmp_path):
    port = free_port()
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run", "HOST=0.0.0.0", f"PORT={port}"],
            cwd=BASE_DIR,
            env=laptop_environment(tmp_path / "var"),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        status = wait_for(f"http://127.0.0.1:{port}/healthz", process, timeout=240)
        time.sleep(2)  # worker and beat are up too: run_all stops everything when one exits
        alive = process.poll() is None
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        process.wait(timeout=60)
    output = log.read_text()
    assert (status, alive) == (200, True), output[-3000:]
    assert "etudiant@demo.guichet.test" in output  # the demo logins are printed
    assert f"Links in mails use http://localhost:{port} (GUICHET_SITE_URL)" in output
    assert "exited with code" not in output
    assert (tmp_path / "var" / "guichet.sqlite3").exists()


def test_collectstatic_in_production_mode(tmp_path):
    env = laptop_environment(
        tmp_path / "var", DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="guichet.example"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    manifest = tmp_path / "var" / "static" / "staticfiles.json"
    assert '"css/guichet.css"' in manifest.read_text()


def test_gunicorn_serves_the_site(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "helpdesk.wsgi",
            "-c",
            "gunicorn.conf.py",  # the production settings (gthread, preloaded), on one worker here
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=BASE_DIR,
        env=laptop_environment(tmp_path / "var"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        status = wait_for(f"http://127.0.0.1:{port}/favicon.ico", process, timeout=60)
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=30)
    assert status == 200, errors.decode(errors="replace")[-2000:]
