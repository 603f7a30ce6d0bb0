"""Every message inbound email took, and the ones it could not process.

One ``InboundMessage`` row per distinct message (its deduplication key is
unique: a second delivery is recognised and files nothing), with the raw
source kept — in the row when small, in the file storage when large — and
what became of it. A message that could not be processed also gets a
``Quarantine`` row with the reason; administrators re-process or discard it
from the admin. Nothing that came in vanishes.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models.message import Message
from tickets.models.ticket import Ticket
from tickets.storage import save_whole


class InboundOutcome(models.TextChoices):
    FILED = "filed", _("Nouvelle demande")
    CONTINUED = "continued", _("Ajouté à une demande")
    FOLLOW_UP = "follow_up", _("Demande de suite")
    IGNORED = "ignored", _("Ignoré (automatique ou le nôtre)")
    QUARANTINED = "quarantined", _("En quarantaine")
    DISCARDED = "discarded", _("Écarté")


class InboundMessage(models.Model):
    dedup_key = models.CharField(_("clé de dédoublonnage"), max_length=255, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    source = models.CharField(_("source"), max_length=200)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    from_address = models.CharField(_("expéditeur"), max_length=254, blank=True, db_index=True)
    recipients = models.JSONField(_("destinataires"), default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=998, blank=True)
    kind = models.CharField(_("nature"), max_length=20, blank=True)  # inbound.classify.MailKind
    outcome = models.CharField(_("résultat"), max_length=20, choices=InboundOutcome.choices)
    reason = models.TextField(_("détail"), blank=True)
    problems = models.JSONField(_("anomalies de lecture"), default=list, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte de l'expéditeur"),
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("demande"),
    )
    ticket_message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("message créé")
    )
    # A closed ticket, or one the sender may not act on, that the mail referred to.
    related_ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("demande liée")
    )
    # The text before quote trimming: the ticket shows the new part only.
    full_text = models.TextField(_("texte complet"), blank=True)
    size = models.PositiveIntegerField(_("taille"), default=0)
    raw_inline = models.BinaryField(_("source (petite)"), null=True, blank=True)
    raw_file = models.FileField(_("source (fichier)"), max_length=255, blank=True)

    class Meta:
        db_table = "tickets_inboundmessage"  # created inside the tickets app, kept when the app moved out
        verbose_name = _("courriel reçu")
        verbose_name_plural = _("courriels reçus")
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The per-sender rate limit counts recent new tickets of one address.
            models.Index(fields=["from_address", "outcome", "received_at"], name="tickets_inbound_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject[:60]}"

    def store_raw(self, raw: bytes) -> None:
        """Keep the exact bytes: in the row up to GUICHET_INBOUND_RAW_INLINE_MAX, else in the storage."""
        self.size = len(raw)
        if len(raw) <= settings.GUICHET_INBOUND_RAW_INLINE_MAX:
            self.raw_inline = raw
            return
        now = timezone.now()
        self.raw_file = save_whole(f"inbound/{now:%Y/%m}/{uuid.uuid4().hex}.eml", ContentFile(raw))

    @property
    def raw(self) -> bytes:
        if self.raw_inline is not None:
            return bytes(self.raw_inline)
        if self.raw_file:
            with default_storage.open(self.raw_file.name, "rb") as stream:
                return stream.read()
        return b""


class QuarantineReason(models.TextChoices):
    TOO_LARGE = "too_large", _("Message trop volumineux")
    UNREADABLE = "unreadable", _("Message illisible")
    REFUSED_SENDER = "refused_sender", _("Expéditeur refusé")
    RATE_LIMITED = "rate_limited", _("Trop de demandes de cet expéditeur")
    NO_CATEGORY = "no_category", _("Aucune catégorie pour cette adresse")
    REFUSED = "refused", _("Refusé par la demande")
    ERROR = "error", _("Erreur de traitement")


class QuarantineStatus(models.TextChoices):
    PENDING = "pending", _("À traiter")
    REPROCESSED = "reprocessed", _("Retraité")
    DISCARDED = "discarded", _("Écarté")


class Quarantine(models.Model):
    """A message that could not be processed, waiting for an administrator."""

    inbound = models.OneToOneField(
        InboundMessage, on_delete=models.CASCADE, related_name="quarantine", verbose_name=_("courriel reçu")
    )
    reason = models.CharField(_("motif"), max_length=20, choices=QuarantineReason.choices)
    detail = models.TextField(_("détail"), blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=QuarantineStatus.choices, default=QuarantineStatus.PENDING
    )
    created_at = models.DateTimeField(_("mis en quarantaine le"), default=timezone.now)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traité par"),
    )

    class Meta:
        db_table = "tickets_quarantine"
        verbose_name = _("courriel en quarantaine")
        verbose_name_plural = _("courriels en quarantaine")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — {self.inbound}"


def raw_files_in_use(names: list[str]) -> set[str]:
    """The stored raw sources among ``names`` that a row still refers to (for the orphan-file purge)."""
    return set(InboundMessage.objects.filter(raw_file__in=names).values_list("raw_file", flat=True))


def erase_personal_data(ticket_ids: list[int]) -> None:
    """Anonymisation of ``ticket_ids`` (``tickets.workflow.anonymise``, inside its transaction): the mail
    that filed or continued them loses its source, text, addresses and subject, their quarantine rows
    their details; what stays says when a message came, through which mailbox and what became of it.

    The Message-ID (the deduplication key, which may carry an address) becomes its hash. The stored
    sources are deleted once the transaction commits (a rollback keeps them; the orphan-file purge
    removes any a crash leaves behind)."""
    _erase(
        InboundMessage.objects.filter(models.Q(ticket_id__in=ticket_ids) | models.Q(related_ticket_id__in=ticket_ids))
    )


def erase_mail_from(*, user_id: int, addresses: list[str]) -> None:
    """An account goes: the mail it sent (by account or by address) is emptied the same way."""
    rule = models.Q(sender_id=user_id)
    for address in addresses:
        rule |= models.Q(from_address__iexact=address)
    _erase(InboundMessage.objects.filter(rule))


def _erase(mails) -> None:
    rows = list(mails.exclude(dedup_key__startswith="erased:").values_list("pk", "dedup_key", "raw_file"))
    if not rows:
        return
    files = [name for _pk, _key, name in rows if name]
    InboundMessage.objects.filter(pk__in=[pk for pk, _key, _name in rows]).update(
        message_id="", from_address="", recipients=[], subject="", reason="", problems=[], full_text="",
        raw_inline=None, raw_file="", sender=None,
    )  # fmt: skip
    for pk, key, _name in rows:  # few: only the tickets filed or continued by mail have any
        hashed = "erased:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        InboundMessage.objects.filter(pk=pk).update(dedup_key=hashed)
    Quarantine.objects.filter(inbound_id__in=[pk for pk, _key, _name in rows]).update(detail="")
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
