"""The daily mail to administrators about mail that did not go out."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.mail.compose import absolute_url, queue_email
from helpdesk.mail.outbox import outbox_problem_counts
from helpdesk.models import OutboundEmail

KIND = "outbox_summary"


def send_outbox_summary() -> int:
    """Mail every active superuser the outbox counts when any mail failed, waits
    on retries or is stuck; at most once a day each. Returns the mails queued.

    The summary goes through the outbox itself: while the relay refuses
    everything it waits with the others, which is why the relay problem is also
    logged as an error when it happens (``helpdesk.mail.outbox``)."""
    counts = outbox_problem_counts()
    if not any(counts.values()):
        return 0
    today = timezone.localdate().isoformat()
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    queued = 0
    with transaction.atomic():
        for admin in admins:
            related = f"{KIND}:{today}:{admin.pk}"
            if OutboundEmail.objects.filter(kind=KIND, related=related).exists():
                continue
            queue_email(
                to=admin.email,
                subject=_(
                    "Courriels non envoyés : %(failed)d en échec, %(retrying)d en nouvel essai, %(stuck)d bloqués"
                )
                % counts,
                template="email/notification",
                context={
                    "recipient_name": admin.get_full_name(),
                    "paragraphs": [
                        _(
                            "Des courriels de Guichet ne sont pas partis : %(failed)d en échec, "
                            "%(retrying)d en attente d'un nouvel essai, %(stuck)d bloqués."
                        )
                        % counts,
                        _(
                            "Un courriel en échec attend qu'un administrateur le renvoie ; un nouvel essai qui dure "
                            "signale souvent un relais SMTP qui refuse nos envois (voir la dernière erreur)."
                        ),
                    ],
                    "action_url": absolute_url(reverse("admin:helpdesk_outboundemail_changelist")),
                    "action_label": _("Voir les courriels sortants"),
                },
                language=getattr(admin, "language", ""),
                kind=KIND,
                related=related,
            )
            queued += 1
    return queued
