"""Institution records (seed 002, DESIGN.md § Institutions and correspondents): addresses,
website, technical environments with the software installed in each, and the changes the
correspondents propose, which take effect only once an agent of the agency approves them.

Imported at the end of ``catalogue.models`` so that Django registers these models with the
catalogue app. Writes go through ``catalogue.record_changes`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution, MembershipRole
from catalogue.models import Software


class InstitutionRecord(models.Model):
    """What the agency knows of an institution beyond its name: postal addresses and website."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="record", verbose_name=_("établissement")
    )
    website = models.URLField(_("site web"), blank=True)
    postal_address = models.TextField(_("adresse postale"), blank=True)
    delivery_address = models.TextField(_("adresse de livraison"), blank=True)

    class Meta:
        verbose_name = _("fiche établissement")
        verbose_name_plural = _("fiches établissement")

    def __str__(self) -> str:
        return str(self.institution)


class EnvironmentKind(models.TextChoices):
    PRODUCTION = "production", _("Production")
    QUALIFICATION = "qualification", _("Qualification")
    TRAINING = "training", _("Formation")
    OTHER = "other", _("Autre")


class TechnicalEnvironment(models.Model):
    """An environment of the institution (production, qualification…) with its server details."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="environments", verbose_name=_("établissement")
    )
    kind = models.CharField(_("type"), max_length=15, choices=EnvironmentKind.choices)
    name = models.CharField(_("nom"), max_length=100)
    server_details = models.TextField(_("serveur"), blank=True)

    class Meta:
        verbose_name = _("environnement technique")
        verbose_name_plural = _("environnements techniques")
        ordering = ["institution", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="catalogue_environment_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class ChangeKind(models.TextChoices):
    INSTALLED_VERSION = "version", _("Version installée")
    ADD_CORRESPONDENT = "add_correspondent", _("Ajout d'un correspondant")
    REMOVE_CORRESPONDENT = "remove_correspondent", _("Suppression d'un correspondant")
    ADDRESS = "address", _("Adresses et site web")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    APPROVED = "approved", _("Validée")
    REFUSED = "refused", _("Refusée")


class RecordChangeQuerySet(models.QuerySet["RecordChange"]):
    def visible_to(self, user) -> RecordChangeQuerySet:
        """The agency's staff (and administrators) see every change; a correspondent those of
        their institutions; nobody else any."""
        from accounts import roles

        if not roles.is_active_user(user):
            return self.none()
        if roles.is_agency_staff(user):
            return self.all()
        return self.filter(institution_id__in=user.correspondent_institution_ids)

    def pending(self) -> RecordChangeQuerySet:
        return self.filter(status=ChangeStatus.PENDING)


class RecordChange(models.Model):
    """A change a correspondent proposes to their institution's record, pending until an agent
    of the agency approves (it is then applied) or refuses it with a reason. Never deleted:
    the rows are the record's history."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="record_changes", verbose_name=_("établissement")
    )
    kind = models.CharField(_("changement"), max_length=25, choices=ChangeKind.choices)
    # What is asked ({field: new value}) and what the record said when it was asked (the diff).
    proposed = models.JSONField(_("proposé"), default=dict)
    before = models.JSONField(_("avant"), default=dict)
    status = models.CharField(_("état"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposé par")
    )
    created = models.DateTimeField(_("proposé le"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidé par"),
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    reason = models.TextField(_("motif du refus"), blank=True)

    objects = RecordChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("modification de fiche établissement")
        verbose_name_plural = _("modifications de fiches établissement")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "created"], name="catalogue_recordchange_queue")]

    def __str__(self) -> str:
        return f"{self.institution} — {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def diff(self) -> list[tuple[str, str, str]]:
        """(label, before, after) for each field the change touches, for the validation queue;
        the ids the change carries (installation, membership) are not shown."""
        keys = [k for k in dict.fromkeys([*self.proposed, *self.before]) if k in DIFF_LABELS]
        return [(str(DIFF_LABELS[k]), _shown(k, self.before.get(k)), _shown(k, self.proposed.get(k))) for k in keys]


def _shown(key: str, value) -> str:
    if key == "role" and value in MembershipRole.values:
        return str(MembershipRole(value).label)
    return str(value or "—")


DIFF_LABELS = {
    "logiciel": _("Logiciel"),
    "environnement": _("Environnement"),
    "version": _("Version"),
    "website": _("Site web"),
    "postal_address": _("Adresse postale"),
    "delivery_address": _("Adresse de livraison"),
    "email": _("Adresse électronique"),
    "first_name": _("Prénom"),
    "last_name": _("Nom"),
    "role": _("Rôle"),
    "domain": _("Domaine"),
}


class InstalledSoftware(models.Model):
    """The version of a software an institution runs in one of its environments (declared by its
    correspondents, validated by the agency: ``catalogue.record_changes``)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="installed_software", verbose_name=_("établissement")
    )
    environment = models.ForeignKey(
        "TechnicalEnvironment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="installed_software",
        verbose_name=_("environnement"),
    )
    software = models.ForeignKey(
        Software, on_delete=models.CASCADE, related_name="installations", verbose_name=_("logiciel")
    )
    version = models.CharField(_("version"), max_length=50)
    server_details = models.TextField(_("serveur"), blank=True)

    class Meta:
        verbose_name = _("logiciel installé")
        verbose_name_plural = _("logiciels installés")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "software"],
                condition=models.Q(environment__isnull=True),
                name="catalogue_installed_software_unique",
            ),
            models.UniqueConstraint(fields=["environment", "software"], name="catalogue_installed_env_software"),
        ]

    def __str__(self) -> str:
        return f"{self.software} {self.version} ({self.institution})"
