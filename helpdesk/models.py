"""Project-wide tables: the notification outbox and signed-link revocations.

The outbox decouples "an event happened" from "a mail went out": a row is
written in the transaction of the event, and a worker sends it after commit.
Tickets are referred to by their reference number only, so that this app
does not depend on ``tickets``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, *, now) -> OutboundEmailQuerySet:
        """Pending rows whose next attempt has come, oldest first (through the partial index)."""
        return self.filter(status=OutboundStatus.PENDING, next_attempt_at__lte=now).order_by("next_attempt_at")

    def stuck(self, *, claimed_before) -> OutboundEmailQuerySet:
        """Rows claimed by a sender that never finished (a worker killed mid-send)."""
        return self.filter(status=OutboundStatus.SENDING, claimed_at__lt=claimed_before)

    def problem_counts(self, *, now, stuck_after: int, overdue_after: int = 600) -> dict[str, int]:
        """What an administrator must know about the outbox (admin index, ``/healthz``, daily summary).

        - ``failed``: given up (every recipient refused for good, or out of attempts);
        - ``retrying``: pending after at least one failed attempt (4xx, relay refusal);
        - ``stuck``: claimed and never finished, or due for ``overdue_after``
          seconds without a sweeper taking them (worker or beat down).
        """
        claimed_before = now - timedelta(seconds=stuck_after)
        overdue_before = now - timedelta(seconds=overdue_after)
        return self.aggregate(
            failed=models.Count("pk", filter=Q(status=OutboundStatus.FAILED)),
            retrying=models.Count("pk", filter=Q(status=OutboundStatus.PENDING, attempts__gt=0)),
            stuck=models.Count(
                "pk",
                filter=Q(status=OutboundStatus.SENDING, claimed_at__lt=claimed_before)
                | Q(status=OutboundStatus.PENDING, next_attempt_at__lt=overdue_before),
            ),
        )


class OutboundEmail(models.Model):
    to = models.JSONField(_("destinataires"), default=list)
    cc = models.JSONField(_("copie"), default=list, blank=True)
    reply_to = models.CharField(_("répondre à"), max_length=254, blank=True)
    from_email = models.CharField(_("expéditeur"), max_length=254)
    subject = models.CharField(_("objet"), max_length=998)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    # Our own Message-ID, signed (see helpdesk.mail.message_id), recorded so
    # that replies thread onto the right ticket.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    ticket_reference = models.PositiveIntegerField(_("demande n°"), null=True, blank=True, db_index=True)
    related = models.CharField(_("objet lié"), max_length=100, blank=True)
    kind = models.CharField(_("type de notification"), max_length=50)
    language = models.CharField(_("langue"), max_length=8)
    status = models.CharField(_("état"), max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")
        ordering = ["-created_at"]
        indexes = [
            # The sweeper reads only due pending rows: the index holds only
            # those, so its cost follows the backlog, not the whole history.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="helpdesk_outbox_pending_due"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="helpdesk_outbox_sending"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class SignedLinkRevocation(models.Model):
    """Revokes signed ticket links (see ``helpdesk.signing``).

    With ``link_id`` set, that one link; otherwise every link issued to
    ``user`` before ``created_at`` — for one ticket, or for all of them when
    ``ticket_reference`` is empty.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("utilisateur")
    )
    ticket_reference = models.PositiveIntegerField(_("demande n°"), null=True, blank=True)
    link_id = models.CharField(_("lien"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("révoqué le"), default=timezone.now)

    class Meta:
        verbose_name = _("révocation de lien signé")
        verbose_name_plural = _("révocations de liens signés")
        indexes = [models.Index(fields=["user", "created_at"], name="helpdesk_link_revocation_user")]

    def __str__(self) -> str:
        return f"{self.user_id} #{self.ticket_reference or '*'} {self.link_id or '*'}"
