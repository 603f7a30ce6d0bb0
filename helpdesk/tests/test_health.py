import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_ok_when_everything_answers(client_for, admin):
    response = client_for(admin).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["checks"]) == ("ok", {"database": True, "broker": True, "storage": True})
    assert set(body["mail"]) >= {"failed", "stuck"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_503_when_broker_unreachable(client_for, admin, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client_for(admin).get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["checks"]) == ("error", {"database": True, "broker": False, "storage": True})


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "requester", "agent"])
def test_healthz_tells_others_only_the_status(request, client_for, settings, who):
    """Issue 14: an anonymous caller (or a non-administrator) does not learn which component is down."""
    c = client_for(request.getfixturevalue(who) if who else None)
    assert (c.get("/healthz").status_code, c.get("/healthz").json()) == (200, {"status": "ok"})
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = c.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "error"})


def test_healthz_503_when_database_unreachable(tmp_path):
    """A real unreachable database: a server on a closed port, in a fresh process
    (asked by an administrator, who cannot be looked up there: a stand-in user)."""
    script = (
        "import django, json; django.setup(); from django.test import RequestFactory;"
        "from helpdesk.views import healthz; q = RequestFactory().get('/healthz');"
        "q.user = type('Staff', (), {'is_authenticated': True, 'is_staff': True})();"
        "r = healthz(q); print(r.status_code, json.loads(r.content)['checks']['database'])"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "GUICHET_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
    }
    env.pop("REDIS_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "503 False"


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405


class SilentServer:
    """Accepts TCP connections and never answers (a hung Redis, a stuck proxy)."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted: list = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.mark.django_db
def test_healthz_503_within_its_deadline_when_the_broker_accepts_and_never_answers(client, settings):
    """Anonymous, as a monitor calls it: only the status code and the status."""
    import time

    silent = SilentServer()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.port}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.GUICHET_HEALTH_DEADLINE_SECONDS = 2.0
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert (response.status_code, response.json()) == (503, {"status": "error"})
    assert silent.accepted  # the connection was accepted: only the deadline ended the wait
    assert elapsed < 3.0
