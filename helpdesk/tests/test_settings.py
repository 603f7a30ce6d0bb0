"""Settings read from the environment: laptop defaults and production values.

Settings are evaluated once per process, so each case runs in a fresh
Python process with a controlled environment.
"""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import json, django; from django.conf import settings as s; django.setup(); print(json.dumps({"
    "'db': s.DATABASES['default']['ENGINE'], 'db_name': str(s.DATABASES['default']['NAME']),"
    "'broker': s.CELERY_BROKER_URL, 'cache': s.CACHES['default']['BACKEND'], 'email': s.EMAIL_BACKEND,"
    "'storage': s.STORAGES['default']['BACKEND'], 'debug': s.DEBUG, 'tz': s.TIME_ZONE,"
    "'lang': s.LANGUAGE_CODE, 'languages': [c for c, _ in s.LANGUAGES], 'hsts': s.SECURE_HSTS_SECONDS,"
    "'ssl': s.SECURE_SSL_REDIRECT, 'hosts': s.ALLOWED_HOSTS, 'key': s.SECRET_KEY}))"
)
CLEAN = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "EMAIL_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser fixture for its own process only
)


def probe(tmp_path, **env_vars) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CLEAN}
    env.update(GUICHET_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="helpdesk.settings", **env_vars)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_settings_defaults_need_no_server(tmp_path):
    values = probe(tmp_path)
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(tmp_path / "var" / "guichet.sqlite3")
    assert values["broker"] == "filesystem://"
    assert values["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["debug"] is True
    assert values["tz"] == "Europe/Paris"
    assert values["lang"] == "fr"
    assert values["languages"] == ["fr", "en"]


def test_settings_secret_key_generated_once_into_var(tmp_path):
    first = probe(tmp_path)["key"]
    second = probe(tmp_path)["key"]
    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "var" / "secret_key").read_text().strip() == first


def test_settings_read_from_environment(tmp_path):
    values = probe(
        tmp_path,
        DATABASE_URL="postgres://guichet:pw@db.example:5432/guichet",
        REDIS_URL="redis://cache.example:6379/2",
        EMAIL_URL="smtp://mailer.example:25",
        AWS_STORAGE_BUCKET_NAME="attachments",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="guichet.example.org",
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert values["db_name"] == "guichet"
    assert values["broker"] == "redis://cache.example:6379/2"
    assert values["cache"] == "helpdesk.cache.TolerantRedisCache"  # never fails a request (issue 23)
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["storage"] == "storages.backends.s3.S3Storage"
    assert values["debug"] is False
    assert values["hsts"] == 31536000
    assert values["ssl"] is True
    assert values["hosts"] == ["guichet.example.org"]


def test_settings_production_requires_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in CLEAN}
    env.update(GUICHET_VAR_DIR=str(tmp_path / "var"), DJANGO_DEBUG="false")
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in out.stderr


def test_check_deploy_clean_with_production_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in CLEAN}
    env.update(
        GUICHET_VAR_DIR=str(tmp_path / "var"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="kR3v9-q2Lm_x8YtZp4Wn6Bs1Hc7Jd0Fg5Ue2Ai9Oo3Ql8Vr6Xt",
        DJANGO_ALLOWED_HOSTS="guichet.example.org",
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout
