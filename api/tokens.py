"""Creating, checking and revoking access tokens (the only writer of ``AccessToken``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone

from api.models import AccessToken, TokenScope

TOKEN_PREFIX = "gch_"  # noqa: S105 - the recognisable start of every token, not a secret
# last_used_at is written at most this often per token: not one UPDATE per API call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, user: Any, name: str, scope: str = TokenScope.READ, expires_at: datetime.datetime | None = None
) -> tuple[AccessToken, str]:
    """A new token and its secret, which is returned here once and never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=secret[:12],
        digest=digest_of(secret),
        scope=scope,
        expires_at=expires_at or timezone.now() + datetime.timedelta(days=settings.GUICHET_API_TOKEN_DAYS),
    )
    return token, secret


def token_revoke(*, token: AccessToken) -> None:
    if token.revoked_at is None:
        AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        token.refresh_from_db(fields=["revoked_at"])


def token_for_secret(secret: str) -> AccessToken | None:
    """The usable token whose secret this is (its user loaded), or None; records its use."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = AccessToken.objects.usable().select_related("user").filter(digest=digest_of(secret)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
