"""Personal data governance (RGPD): the audit trail of staff access."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sites.models import Site
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class AccessKind(models.TextChoices):
    PAGE = "page", _("Consultation de la demande")
    ATTACHMENT = "attachment", _("Téléchargement d'une pièce jointe")
    SEARCH = "search", _("Recherche")
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
    # From where: the client address (X-Forwarded-For read behind the trusted proxy only).
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    # What, beyond the ticket: the search words, the export's name.
    detail = models.CharField(_("détail"), max_length=200, blank=True)

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


class PrivacyContact(models.Model):
    """The institution's data controller and DPO contact, one per site, edited in admin
    and shown on the privacy notice."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    controller = models.CharField(
        _("responsable du traitement"),
        max_length=200,
        help_text=_("L'établissement responsable du traitement, par exemple « Université de Test »."),
    )
    controller_address = models.TextField(_("adresse du responsable"), blank=True)
    dpo_name = models.CharField(_("délégué à la protection des données"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("adresse du délégué"), blank=True)
    dpo_address = models.TextField(_("adresse postale du délégué"), blank=True)
    notice_extra = models.TextField(
        _("informations complémentaires"),
        blank=True,
        help_text=_("Texte ajouté à la fin de la notice (sous-traitants, hébergement, transferts…)."),
    )

    class Meta:
        verbose_name = _("contact données personnelles")
        verbose_name_plural = _("contacts données personnelles")
        permissions = [("view_processing_register", _("Peut consulter le registre des traitements"))]

    def __str__(self) -> str:
        return self.controller

    @classmethod
    def for_site(cls, site: Site) -> PrivacyContact | None:
        return cls.objects.filter(site=site).first()


class DataExportStatus(models.TextChoices):
    PENDING = "pending", _("En préparation")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class DataExportQuerySet(models.QuerySet["DataExport"]):
    def _limit(self):
        return timezone.now() - timedelta(hours=settings.GUICHET_DATA_EXPORT_HOURS)

    def available(self) -> DataExportQuerySet:
        """Ready exports whose link has not expired."""
        return self.filter(status=DataExportStatus.READY, ready_at__gt=self._limit())

    def expired(self) -> DataExportQuerySet:
        return self.filter(created__lte=self._limit()).exclude(pk__in=self.available().values("pk"))


class DataExport(models.Model):
    """A requester's download of everything held about them (right of access and portability).

    Built by a Celery task into a private file; offered through a signed link that
    expires (``privacy.export``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("état"), max_length=10, choices=DataExportStatus.choices, default=DataExportStatus.PENDING
    )
    # Private storage, never served by URL; deleted with the row.
    file = models.FileField(_("fichier"), max_length=255, blank=True)
    created = models.DateTimeField(_("demandé le"), default=timezone.now, editable=False)
    ready_at = models.DateTimeField(_("prêt le"), null=True, blank=True)

    objects = DataExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export de données personnelles")
        verbose_name_plural = _("exports de données personnelles")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created:%Y-%m-%d} ({self.status})"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    DONE = "done", _("Effectuée")
    PARTIAL = "partial", _("Effectuée, sauf les demandes à conserver (obligation légale)")
    REFUSED = "refused", _("Refusée")


class ErasureRequest(models.Model):
    """A requester's request to erase their account and data (right to erasure).

    An administrator carries it out (``privacy.erasure.erasure_carry_out``) or refuses it
    with a reason. The row outlives the account: it is the proof that the request was met."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("demandeur")
    )
    status = models.CharField(_("état"), max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PENDING)
    created = models.DateTimeField(_("demandée le"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("traitée par"),
    )  # fmt: skip
    refusal_reason = models.TextField(_("motif du refus"), blank=True)
    # References of the tickets kept under a legal hold when the request was carried out.
    kept_references = models.JSONField(_("demandes conservées"), default=list, blank=True)

    class Meta:
        verbose_name = _("demande d'effacement")
        verbose_name_plural = _("demandes d'effacement")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id or '-'} {self.created:%Y-%m-%d} ({self.status})"


class InactivityNotice(models.Model):
    """An inactive account was warned by mail that it will be erased (``privacy.inactive``)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("avertissement d'inactivité")
        verbose_name_plural = _("avertissements d'inactivité")

    def __str__(self) -> str:
        return f"{self.user_id} {self.warned_at:%Y-%m-%d}"
