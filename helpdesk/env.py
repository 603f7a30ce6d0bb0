"""Small helpers to read settings from the environment.

Everything configurable lives in ``helpdesk/settings.py``; this module only
knows how to turn environment variables into Python values and how to make
the laptop defaults (a generated secret key under ``var/``) work.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

env = environ.Env()


def secret_key(var_dir: Path, *, debug: bool) -> str:
    """Return ``DJANGO_SECRET_KEY``, or a key generated once into ``var/``.

    Production (``DEBUG`` off) must provide the key explicitly: a key that
    silently changes when ``var/`` is wiped would log everybody out and
    invalidate every signed link.
    """
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if not debug:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def s3_storage(
    *, bucket: str, endpoint_url: str | None, region_name: str | None, access_key: str | None, secret_key: str | None
) -> dict:
    """The ``STORAGES["default"]`` of production on S3 (README, Production): private objects, signed
    URLs, never overwriting. Also what the storage tests run against (a real S3 server process)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region_name or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
