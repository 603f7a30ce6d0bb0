import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_healthz_ok_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": True, "broker": True, "storage": True}}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_503_when_broker_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": True, "broker": False, "storage": True}}


def test_healthz_503_when_database_unreachable(tmp_path):
    """A real unreachable database: a server on a closed port, in a fresh process."""
    script = (
        "import django; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.json()['checks']['database'])"
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
