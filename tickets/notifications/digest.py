"""The daily digest of new tickets, for agents who prefer it to one mail per ticket.

Each run sends one mail per such agent listing the tickets filed into their
services since their previous digest (at most a day back) that are still
open. Running it twice the same day sends nothing more: the digest of a day
is recorded in the outbox under ``related = "digest:<user>:<date>"``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.notifications import wants_queue_digest
from helpdesk.mail import absolute_url, email_language, queue_email
from helpdesk.models import OutboundEmail
from tickets.models import Ticket

KIND = "queue_digest"


def send_queue_digests(*, now: datetime | None = None) -> int:
    """Queue today's digests; return how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agents = User.objects.filter(is_active=True, service_memberships__isnull=False).distinct().order_by("pk")
    sent = 0
    for agent in agents:
        if not wants_queue_digest(agent):
            continue
        key = f"digest:{agent.pk}:{today.isoformat()}"
        with transaction.atomic():
            if OutboundEmail.objects.filter(kind=KIND, related=key).exists():
                continue
            previous = OutboundEmail.objects.filter(kind=KIND, related__startswith=f"digest:{agent.pk}:").first()
            since = max(previous.created_at, now - timedelta(days=1)) if previous else now - timedelta(days=1)
            tickets = list(
                Ticket.objects.visible_to(agent)
                .filter(service_id__in=agent.service_ids, created__gte=since, created__lt=now)
                .open()
                .select_related("category", "service", "requester")
                .order_by("created")
            )
            if tickets:
                _queue_digest(agent, tickets, key)
                sent += 1
    return sent


def _queue_digest(agent: User, tickets: list[Ticket], key: str) -> None:
    with translation.override(email_language(agent.language)):
        subject = ngettext(
            "[Guichet] %(count)d nouvelle demande dans votre file",
            "[Guichet] %(count)d nouvelles demandes dans votre file",
            len(tickets),
        ) % {"count": len(tickets)}
        rows = [(ticket, absolute_url(reverse("tickets:detail", args=[ticket.reference]))) for ticket in tickets]
        intro = _("Voici les demandes arrivées dans la file de votre service depuis le dernier résumé :")
    queue_email(
        to=agent.email,
        subject=subject,
        template="email/tickets/digest",
        context={"recipient_name": agent.get_full_name(), "intro": intro, "rows": rows},
        language=agent.language,
        kind=KIND,
        related=key,
    )
