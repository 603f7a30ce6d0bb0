"""Webhook subscriptions, their outbox of deliveries and the log of every attempt.

A ``Delivery`` row is written in the transaction of the event it reports
(``webhooks.receivers``), so an event is announced if and only if it happened;
Celery sends it after commit and retries with back-off (``webhooks.delivery``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    TICKET_FILED = "ticket.filed", _("Demande déposée")
    STATUS_CHANGED = "ticket.status_changed", _("Statut changé")
    MESSAGE_ADDED = "ticket.message_added", _("Message ajouté")
    ASSIGNED = "ticket.assigned", _("Demande confiée")
    CLOSED = "ticket.closed", _("Demande close")
    ARTICLE_PUBLISHED = "article.published", _("Article publié")
    TEST = "test", _("Événement de test")


def new_secret() -> str:
    return secrets.token_hex(32)


class Subscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("propriétaire")
    )
    url = models.URLField(_("adresse de destination"), max_length=500)
    secret = models.CharField(_("secret de signature"), max_length=64, default=new_secret, editable=False)
    events = models.JSONField(_("événements"), default=list)
    # Empty: every service (administrators only).
    services = models.ManyToManyField("catalogue.Service", blank=True, related_name="+", verbose_name=_("services"))
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    disabled_at = models.DateTimeField(_("désactivée le"), null=True, blank=True)
    created = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("abonnement webhook")
        verbose_name_plural = _("abonnements webhook")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Abandonné")


class Delivery(models.Model):
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("abonnement")
    )
    event = models.CharField(_("événement"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(_("contenu"))
    status = models.CharField(_("état"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    created = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(_("remis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi webhook")
        verbose_name_plural = _("envois webhook")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="webhooks_delivery_due", condition=models.Q(status="pending")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try, with the receiver's answer."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log", verbose_name=_("envoi"))
    at = models.DateTimeField(_("le"), default=timezone.now)
    response_code = models.PositiveSmallIntegerField(_("code de réponse"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("tentative")
        verbose_name_plural = _("journal des envois")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.response_code or self.error} ({self.at:%Y-%m-%d %H:%M:%S})"
