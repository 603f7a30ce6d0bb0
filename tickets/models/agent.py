"""The agent workspace's own rows: saved responses, saved filters, bookmarks, recent views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from tickets.models.ticket import Ticket


class ResponseScope(models.TextChoices):
    GLOBAL = "global", _("tous les services")
    SERVICE = "service", _("un service")
    PERSONAL = "personal", _("personnelle")


class SavedResponse(models.Model):
    """A reply text with placeholders (see ``tickets.agent.responses``), in one of three scopes.

    Global (no service, no owner): every agent of every service, edited by administrators, so a
    text common to all services exists once. Service: the agents of that service, edited by its
    managers. Personal (an owner): that agent only, edited by them."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="saved_responses", verbose_name=_("service"),
        null=True, blank=True,
    )  # fmt: skip
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="saved_responses",
        verbose_name=_("propriétaire"),
    )  # fmt: skip
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte"))
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("réponse enregistrée")
        verbose_name_plural = _("réponses enregistrées")
        ordering = ["title"]
        constraints = [
            # A personal response belongs to its owner alone: never also to a service.
            models.CheckConstraint(
                condition=models.Q(service__isnull=True) | models.Q(owner__isnull=True),
                name="tickets_saved_response_one_scope",
            ),
            # One title per scope (NULLs are distinct in a plain unique constraint, hence three).
            models.UniqueConstraint(
                fields=["service", "title"], condition=models.Q(service__isnull=False),
                name="tickets_saved_response_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "title"], condition=models.Q(owner__isnull=False),
                name="tickets_saved_response_personal_unique",
            ),
            models.UniqueConstraint(
                fields=["title"], condition=models.Q(service__isnull=True, owner__isnull=True),
                name="tickets_saved_response_global_unique",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> str:
        if self.owner_id:
            return ResponseScope.PERSONAL
        return ResponseScope.SERVICE if self.service_id else ResponseScope.GLOBAL


class SavedFilter(models.Model):
    """A queue filter an agent named, stored as its query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    name = models.CharField(_("nom"), max_length=100)
    query = models.CharField(_("filtre"), max_length=1000)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("filtre enregistré")
        verbose_name_plural = _("filtres enregistrés")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="tickets_saved_filter_unique")]

    def __str__(self) -> str:
        return self.name


class Bookmark(models.Model):
    """A ticket a user pinned ("Signets"), requesters and agents alike."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("signet")
        verbose_name_plural = _("signets")
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "ticket"], name="tickets_bookmark_unique")]

    def __str__(self) -> str:
        return f"{self.user} → #{self.ticket_id}"


class RecentView(models.Model):
    """The last time a user opened a ticket: their history, and who else is looking at it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_views")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consultation récente")
        verbose_name_plural = _("consultations récentes")
        constraints = [models.UniqueConstraint(fields=["user", "ticket"], name="tickets_recent_view_unique")]
        indexes = [
            models.Index(fields=["user", "-viewed_at"], name="tickets_recent_user"),
            models.Index(fields=["ticket", "-viewed_at"], name="tickets_recent_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → #{self.ticket_id}"
