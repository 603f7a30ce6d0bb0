"""Personal access tokens and service accounts: who calls the API.

A token is shown once, when it is created; only the SHA-256 of its secret is
stored (``digest``), so a leaked database does not leak working tokens. A
service account is a user that never signs in (no usable password), created
by an administrator for another system; its rights are those of its roles
(a service membership makes it an agent of that service), like anyone's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("Lecture seule")
    WRITE = "write", _("Lecture et écriture")


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def usable(self) -> AccessTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class AccessToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("compte")
    )
    name = models.CharField(_("nom"), max_length=100)
    # The first characters of the secret, shown in lists so that a person recognises their token.
    prefix = models.CharField(_("début du jeton"), max_length=12, editable=False)
    digest = models.CharField(_("empreinte"), max_length=64, unique=True, editable=False)
    scope = models.CharField(_("portée"), max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    created = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'accès")
        verbose_name_plural = _("jetons d'accès")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE


class ServiceAccount(models.Model):
    """A user standing for another system (the student information system, the monitoring…)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_account", verbose_name=_("compte")
    )
    description = models.TextField(_("système appelant"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("compte de service")
        verbose_name_plural = _("comptes de service")

    def __str__(self) -> str:
        return str(self.user)
