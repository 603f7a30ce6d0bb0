"""Personal data governance (RGPD): the audit trail of staff access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class AccessKind(models.TextChoices):
    PAGE = "page", _("Consultation de la demande")
    ATTACHMENT = "attachment", _("Téléchargement d'une pièce jointe")
    SEARCH = "search", _("Ouverture depuis la recherche")
    EXPORT = "export", _("Export")


class AccessRecordQuerySet(models.QuerySet["AccessRecord"]):
    def about_requester(self, user: Any) -> AccessRecordQuerySet:
        """Staff accesses to ``user``'s own requests, by anybody but themselves, newest first."""
        if user is None or not user.is_authenticated:
            return self.none()
        return (
            self.filter(ticket__requester=user)
            .exclude(user=user)
            .select_related("ticket", "ticket__service")
            .order_by("-created", "-pk")
        )


class AccessRecord(models.Model):
    """One staff access to a ticket's personal data. Append-only: written with
    one INSERT by ``privacy.audit.record_access``, never updated."""

    # Kept when the staff account goes: the trail must outlive it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("personne")
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("demande"))
    kind = models.CharField(_("accès"), max_length=12, choices=AccessKind.choices)
    created = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    objects = AccessRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès aux données")
        verbose_name_plural = _("journal des accès aux données")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["ticket", "-created"], name="privacy_access_ticket_cr"),
            models.Index(fields=["created"], name="privacy_access_created"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → #{self.ticket_id} ({self.kind})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("AccessRecord rows are append-only.")
        super().save(*args, **kwargs)
