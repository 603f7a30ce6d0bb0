"""Rate limits per token and per client address, counted in the default cache.

The cache is Redis through ``helpdesk.cache.TolerantRedisCache``: while Redis is
away the limits count per process instead of failing the request.
A limited call is answered 429 with ``Retry-After`` (DRF's ``Throttled``).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, AccessToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AddressRateThrottle(SimpleRateThrottle):
    scope = "address"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
