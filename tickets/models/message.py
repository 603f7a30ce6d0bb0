"""Messages, attachments and the append-only history of a ticket."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from tickets.models.ticket import Ticket


class MessageKind(models.TextChoices):
    PUBLIC_REPLY = "reply", _("Réponse")
    INTERNAL_NOTE = "note", _("Note interne")
    QUESTION = "question", _("Question")
    PROPOSED_ANSWER = "proposal", _("Réponse proposée")
    REQUESTER_INFO = "info", _("Information du demandeur")
    SYSTEM = "system", _("Message automatique")
    # Between the agency and its external provider: never shown to the institution.
    TO_PROVIDER = "to_prov", _("Message au prestataire")
    PROVIDER_ANSWER = "provider", _("Réponse du prestataire")


INTERNAL_KINDS = frozenset({MessageKind.INTERNAL_NOTE})
PROVIDER_KINDS = frozenset({MessageKind.TO_PROVIDER, MessageKind.PROVIDER_ANSWER})
PUBLIC_KINDS = frozenset(set(MessageKind) - INTERNAL_KINDS - PROVIDER_KINDS)


def _rows_of_visible_tickets(queryset: models.QuerySet, user: Any, public: Q, provider: Q) -> models.QuerySet:
    """Rows of the tickets ``user`` sees; beyond ``public`` only those of the services they work in,
    and for a provider's member the ``provider`` rows of the tickets handed to their organisation.

    Total: anonymous, inactive and ``None`` users see nothing (``Ticket.objects.visible_to``)."""
    if not roles.is_active_user(user):
        return queryset.none()
    qs = queryset.filter(ticket__in=Ticket.objects.visible_to(user))
    if roles.is_admin(user):
        return qs
    return qs.filter(public | provider | Q(ticket__service_id__in=user.service_ids))


def _provider_rows(user: Any, kind: str) -> Q:
    """The exchanges with the provider, for the members of the provider holding the ticket."""
    return Q(**{f"{kind}__in": PROVIDER_KINDS}, ticket__provider__members=user)


class MessageQuerySet(models.QuerySet["Message"]):
    def visible_to(self, user: Any) -> MessageQuerySet:
        """Messages of visible tickets; internal notes only for the handling service's staff; the
        exchanges with the provider for the service's staff and the provider's members."""
        return _rows_of_visible_tickets(self, user, Q(kind__in=PUBLIC_KINDS), _provider_rows(user, "kind"))


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("demande"))
    kind = models.CharField(_("type"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    body = models.TextField(_("message"))
    created = models.DateTimeField(_("écrit le"), default=timezone.now, editable=False)
    # False for a mail whose sender could not be authenticated (inbound.authentication):
    # shown flagged to the agent, it never changed the ticket's state.
    sender_verified = models.BooleanField(_("expéditeur vérifié"), default=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["ticket", "created"], name="tickets_message_ticket_cr")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.ticket_id}"

    @property
    def is_internal(self) -> bool:
        return self.kind in INTERNAL_KINDS


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def visible_to(self, user: Any) -> AttachmentQuerySet:
        """Attachments of visible tickets, except those of internal notes for non-staff."""
        return _rows_of_visible_tickets(
            self,
            user,
            Q(message__isnull=True) | Q(message__kind__in=PUBLIC_KINDS),
            _provider_rows(user, "message__kind"),
        )


def attachment_path(prefix: str = "attachments") -> str:
    """A random storage name: the original name never reaches the file system."""
    now = timezone.now()
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("demande"))
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    # Stored under a random name chosen by ``tickets.attachments``; never served by URL.
    file = models.FileField(_("fichier"), max_length=255)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    content_type = models.CharField(_("type détecté"), max_length=120)
    size = models.PositiveBigIntegerField(_("taille"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déposée par"),
    )
    created = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("déposée le"))

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return self.original_name


class PendingUpload(models.Model):
    """A checked file kept between the preview and the submission of a new ticket.

    Only its uploader can use it, for a day; ``tickets.tasks.purge_pending_uploads``
    deletes the stale ones and their files.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("jeton"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("utilisateur")
    )
    file = models.FileField(max_length=255, verbose_name=_("fichier"))
    original_name = models.CharField(max_length=255, verbose_name=_("nom d'origine"))
    content_type = models.CharField(max_length=120, verbose_name=_("type détecté"))
    size = models.PositiveBigIntegerField(verbose_name=_("taille"))
    created = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("déposé le"))

    class Meta:
        verbose_name = _("fichier en attente")
        verbose_name_plural = _("fichiers en attente")

    def __str__(self) -> str:
        return self.original_name


class EventAction(models.TextChoices):
    FILE = "file", _("a déposé la demande")
    TAKE = "take", _("a pris en charge la demande")
    ASSIGN = "assign", _("a confié la demande")
    REJECT = "reject", _("a rejeté la demande")
    ASK = "ask", _("a posé une question")
    ANSWER = "answer", _("a répondu à la question")
    PROPOSE = "propose", _("a proposé une réponse")
    APPROVE = "approve", _("a validé la réponse")
    REFUSE = "refuse", _("a refusé la réponse")
    AWAIT_DECISION = "await_decision", _("a mis la demande en attente de décision")
    AWAIT_DEVELOPMENT = "await_development", _("a mis la demande en attente de développement")
    RESUME = "resume", _("a repris le traitement")
    EXCLUDE = "exclude", _("a exclu la demande")
    WITHDRAW = "withdraw", _("a abandonné la demande")
    EXPIRE = "expire", _("clôture automatique faute de réponse")
    REMIND = "remind", _("relance automatique")
    ADD_INFORMATION = "add_information", _("a ajouté une information")
    REPLY = "reply", _("a répondu")
    INTERNAL_NOTE = "internal_note", _("a ajouté une note interne")
    REQUALIFY = "requalify", _("a requalifié la demande")
    DUPLICATE = "duplicate", _("a marqué la demande comme doublon")
    MERGE = "merge", _("a rattaché un doublon")
    ADD_WATCHER = "add_watcher", _("a ajouté un observateur")
    SYSTEM_NOTE = "system_note", _("a ajouté une note")
    POSTPONE = "postpone", _("a reporté une échéance hors de la fermeture")
    ANONYMISE = "anonymise", _("a effacé les données personnelles")
    CHANGE_ETAT = "change_etat", _("a changé l'état de la demande")
    START_DEVELOPMENT = "start_development", _("a lancé le développement")
    TAKE_INTO_ACCOUNT = "take_into_account", _("a pris en compte le développement")
    START_ACCEPTANCE = "start_acceptance", _("a lancé la recette")
    AWAIT_DOCUMENTATION = "await_documentation", _("a demandé la mise à jour de la documentation")
    COMPLETE = "complete", _("a terminé la demande")
    AWAIT_REPLACEMENT = "await_replacement", _("a mis la demande en attente du remplacement du logiciel")
    EXCLUDE_FROM_CYCLE = "exclude_cycle", _("a exclu la demande")
    HAND_TO_PROVIDER = "hand_to_provider", _("a confié la demande au prestataire")
    PROVIDER_ANSWER = "provider_answer", _("a répondu pour le prestataire")
    SEND_BACK = "send_back", _("a renvoyé la réponse au prestataire")
    TAKE_BACK = "take_back", _("a repris la demande au prestataire")
    VALIDATE_PROVIDER = "validate_provider", _("a validé la réponse du prestataire et l'a proposée")
    RELAUNCH = "relaunch", _("a relancé manuellement le demandeur")


class TicketEvent(models.Model):
    """One row per action: who, when, what, from which status to which, which fields changed.

    Append-only: the workflow creates rows and nothing updates or deletes them.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("demande"))
    # Empty for the scheduler and for machine actions.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    from_status = models.CharField(_("statut avant"), max_length=3, blank=True)
    to_status = models.CharField(_("statut après"), max_length=3, blank=True)
    from_etat = models.CharField(_("état avant"), max_length=3, blank=True)
    to_etat = models.CharField(_("état après"), max_length=3, blank=True)
    # {"field": [old, new], …} with JSON-safe values.
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(_("date"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("historique")
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["ticket", "created"], name="tickets_event_ticket_cr")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.get_action_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("TicketEvent rows are append-only.")
        super().save(*args, **kwargs)
