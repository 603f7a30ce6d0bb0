"""`make test` and `make run` on a fresh machine: system packages, no skip, the count
of tests that ran, a missing PostgreSQL database, mail links on the served port."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from helpdesk.management.commands.run_all import child_environment, served_site_url
from helpdesk.testing import browser
from inbound.tests import dovecot

BASE_DIR = Path(settings.BASE_DIR)
SYSTEM_DEPS = BASE_DIR / ".ci" / "system-deps"


# --- .ci/system-deps ----------------------------------------------------------


def run_system_deps(tmp_path: Path, *, uid: int, tools: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The script with one package that is not installed, under a PATH holding only
    bash, dpkg-query, grep, the commands of its packages that this machine has
    (npm may come without its Debian package), the given ``tools`` and an
    ``id`` that answers ``uid``."""
    script = tmp_path / "system-deps"
    text = SYSTEM_DEPS.read_text()
    assert "PACKAGES=(\n" in text
    script.write_text(text.replace("PACKAGES=(\n", "PACKAGES=(\n    guichet-not-a-package\n", 1))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    packages = re.findall(r"^    ([a-z0-9.+-]+)", text.split("PACKAGES=(", 1)[1].split(")", 1)[0], re.MULTILINE)
    for tool in ("bash", "dpkg-query", "grep", *tools, *(p for p in packages if shutil.which(p))):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (bin_dir / "id").write_text(f"#!{shutil.which('bash')}\necho {uid}\n")
    (bin_dir / "id").chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    return subprocess.run(
        [shutil.which("bash"), str(script)], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_system_deps_without_root_or_sudo_stops_with_one_line(tmp_path):
    result = run_system_deps(tmp_path, uid=1000)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Missing system packages (guichet-not-a-package): run 'sudo ")
    assert "apt-get install guichet-not-a-package" in result.stderr


def test_system_deps_without_apt_stops_with_one_line(tmp_path):
    result = run_system_deps(tmp_path, uid=0)
    assert result.returncode == 1
    assert result.stderr == (
        "Missing system packages (guichet-not-a-package) and no apt-get here: install their equivalents "
        "with your package manager, then make test again.\n"
    )


def test_system_deps_with_everything_installed_does_nothing():
    result = subprocess.run([str(SYSTEM_DEPS)], capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_make_test_runs_system_deps_then_pytest_without_skips():
    # Not a sub-make of `make test` (which would print "Entering directory").
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    dry_run = subprocess.run(
        ["make", "-n", "test"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    ).stdout.splitlines()
    assert dry_run[0] == ".ci/system-deps"
    assert dry_run[-1] == "GUICHET_FORBID_SKIPS=1 .venv/bin/pytest"


# --- Missing tools fail, they never skip ---------------------------------------


def test_missing_chromium_is_a_failure_naming_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(pytest.fail.Exception) as failure:
        browser.require_browser_tools()
    assert str(failure.value) == (
        f"browser tests need {tmp_path / 'no-chromium'}: run .ci/system-deps as root (Debian packages chromium, "
        "npm), then npm install"
    )


def test_missing_dovecot_is_a_failure_naming_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(dovecot, "DOVECOT", str(tmp_path / "dovecot"))
    server = dovecot.DovecotServer()
    try:
        with pytest.raises(pytest.fail.Exception) as failure:
            server.start()
    finally:
        server.stop()
    assert str(failure.value) == (
        f"dovecot is not installed ({tmp_path / 'dovecot'} missing): run .ci/system-deps as root "
        "(Debian package dovecot-imapd)"
    )


# --- The closing count, and a skip fails `make test` ---------------------------

SAMPLE_TESTS = """
import pytest

def test_runs():
    assert True

def test_needs_a_tool():
    pytest.skip("tool missing")
"""


def run_sample_suite(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_sample.py").write_text(SAMPLE_TESTS)
    environ = {**os.environ, "PYTHONPATH": str(BASE_DIR), **env}
    environ.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-p", "helpdesk.testing.summary", "-q", "-p", "no:cacheprovider"]
    return subprocess.run(command, cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120, check=False)


def test_summary_counts_the_tests_that_ran(tmp_path):
    result = run_sample_suite(tmp_path, GUICHET_FORBID_SKIPS="")
    assert result.returncode == 0, result.stdout
    assert "Tests that ran: 1 (1 passed, 1 skipped)" in result.stdout.splitlines()


def test_a_skip_fails_make_test(tmp_path):
    result = run_sample_suite(tmp_path, GUICHET_FORBID_SKIPS="1")
    assert result.returncode == 1, result.stdout
    assert "1 test(s) skipped: under make test a skip is a failure (see the reasons above)." in result.stdout


# --- make run: mail links follow HOST/PORT --------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8001", "http://127.0.0.1:8001"),
        ("0.0.0.0", "8000", "http://localhost:8000"),  # noqa: S104 - the wildcard address, as typed
        ("::1", "9000", "http://[::1]:9000"),
    ],
)
def test_served_site_url(host, port, url):
    assert served_site_url(host, port) == url


def test_mail_links_use_the_port_make_run_serves():
    environ = child_environment("127.0.0.1", "8001", {"PATH": os.environ["PATH"], "GUICHET_TESTING": "1"})
    probe = "from django.conf import settings; print(settings.SITE_URL)"
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=BASE_DIR,
        env={**environ, "GUICHET_VAR_DIR": os.environ.get("GUICHET_VAR_DIR", str(BASE_DIR / "var" / "test"))},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.strip().splitlines()[-1] == "http://127.0.0.1:8001"


def test_an_explicit_site_url_wins():
    environ = child_environment("127.0.0.1", "8001", {"GUICHET_SITE_URL": "https://guichet.univ.example"})
    assert environ["GUICHET_SITE_URL"] == "https://guichet.univ.example"


# --- make run: a PostgreSQL database that does not exist ------------------------


def ensure_database(database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(
        [sys.executable, "manage.py", "ensure_database"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_unreachable_postgres_is_one_clear_line():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once closed
    result = ensure_database(f"postgres://postgres@127.0.0.1:{port}/guichet_nowhere")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"CommandError: PostgreSQL at 127.0.0.1:{port} does not answer (")
    assert result.stderr.endswith("): start it or fix DATABASE_URL.\n")


def postgres_server_url() -> str:
    return os.environ["DATABASE_URL"].rsplit("/", 1)[0]


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(postgres_server_url() + "/postgres", autocommit=True) as conn:
        conn.execute(statement)


@pytest.mark.postgres
def test_missing_postgres_database_is_created_once():
    name = f"guichet_ensure_{uuid.uuid4().hex[:8]}"
    try:
        created = ensure_database(f"{postgres_server_url()}/{name}")
        again = ensure_database(f"{postgres_server_url()}/{name}")
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    assert (created.returncode, created.stdout) == (0, f"Created the PostgreSQL database {name}.\n")
    assert (again.returncode, again.stdout) == (0, f"PostgreSQL database {name} exists.\n")


@pytest.mark.postgres
def test_missing_database_that_we_may_not_create_says_how():
    role = f"guichet_nocreate_{uuid.uuid4().hex[:8]}"
    name = f"guichet_ensure_{uuid.uuid4().hex[:8]}"
    admin_sql(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'")
    try:
        host_part = postgres_server_url().split("@", 1)[1]
        result = ensure_database(f"postgres://{role}:pw@{host_part}/{name}")
    finally:
        admin_sql(f"DROP ROLE {role}")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"CommandError: PostgreSQL database {name} does not exist and {role} may not create it ("
    )
    assert result.stderr.endswith(f"-O {role} {name}\n")
    assert "createdb -h " in result.stderr
