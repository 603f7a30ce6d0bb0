"""CAS 2/3 against the server of each institution.

django-cas-ng's backend and views read one global ``CAS_SERVER_URL``; a
helpdesk serving several universities needs one server per institution, so
we drive python-cas's ``CASClient`` (the protocol client django-cas-ng is
built on) with the institution's settings and keep django-cas-ng's defaults
for the rest.
"""

from __future__ import annotations

import requests
from cas import CASClient
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.models import Institution


class _TimeoutSession(requests.Session):
    """A slow CAS server must not hold a web worker forever."""

    def request(self, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", settings.GUICHET_CAS_TIMEOUT)
        return super().request(*args, **kwargs)


def cas_client(*, institution: Institution, service_url: str) -> CASClient:
    conf = institution.sso_settings or {}
    server_url = conf.get("server_url")
    if not server_url:
        raise ImproperlyConfigured(f"Institution {institution.code}: sso_settings.server_url is required for CAS.")
    version = str(conf.get("version", "3"))
    if version not in {"2", "3"}:
        raise ImproperlyConfigured(f"Institution {institution.code}: CAS version must be 2 or 3.")
    return CASClient(
        version=int(version),
        service_url=service_url,
        server_url=server_url if server_url.endswith("/") else server_url + "/",
        verify_ssl_certificate=True,
        session=_TimeoutSession(),
    )
