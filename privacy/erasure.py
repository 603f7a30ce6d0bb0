"""Right to erasure, and the end of an account: through the anonymisation door of the tickets.

An account is erased when its owner asks (``ErasureRequest`` carried out by an
administrator) or after a long inactivity (``privacy.inactive``). Either way:

- an open ticket blocks it: the requester withdraws it or waits for its end;
- a closed ticket in an SVE branch whose legal period has not run out is a
  legal hold: it keeps its data (the law wins), and so does the account, which
  is only deactivated; the nightly anonymisation takes the ticket when its period
  ends;
- every other ticket is anonymised now (``tickets.workflow.tickets_anonymise``),
  whatever its ordinary retention period, and the account is deleted with what
  hangs on it (addresses, SSO identities, memberships, uploads in progress, data
  exports), its mail in and out emptied, the admin log of its changes removed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Category
from helpdesk.models import OutboundEmail
from inbound.models import erase_mail_from
from privacy.models import DataExport, ErasureRequest, ErasureStatus
from tickets import workflow as wf
from tickets.exceptions import ActionRefused
from tickets.models import PendingUpload, Ticket
from tickets.retention import months_before
from tickets.status import CLOSED_STATES, OPEN_STATES

BATCH = 500


@dataclass
class ErasureCheck:
    """What stands in the way of erasing an account now."""

    open_tickets: list[Ticket] = field(default_factory=list)
    held_tickets: list[Ticket] = field(default_factory=list)  # SVE, legal period still running

    @property
    def blocked(self) -> bool:
        return bool(self.open_tickets)


def erasure_check(*, user: Any, now: datetime.datetime | None = None) -> ErasureCheck:
    now = now or timezone.now()
    mine = Ticket.objects.filter(requester=user).select_related("category").order_by("reference")
    sve_ids = set(Category.objects.filter(is_sve=True).values_list("pk", flat=True))
    months = Category.objects.retention_months_by_id() if sve_ids else {}
    held = [
        ticket
        for ticket in mine.filter(status__in=CLOSED_STATES, anonymised_at__isnull=True, category_id__in=sve_ids)
        if ticket.closed_at is None or ticket.closed_at >= months_before(now, months[ticket.category_id])
    ]
    return ErasureCheck(open_tickets=list(mine.filter(status__in=OPEN_STATES)), held_tickets=held)


def account_erase(*, user: Any, reason: str, actor: Any = None, now: datetime.datetime | None = None) -> ErasureCheck:
    """Anonymise the user's closed tickets and delete the account (see the module docstring).

    Raises ``ActionRefused`` for a staff account or while a ticket is open. Returns the check:
    with held tickets, the account was only deactivated."""
    if user.is_helpdesk_staff:
        raise ActionRefused(_("Un compte de l'équipe d'assistance ne s'efface pas ainsi."))
    check = erasure_check(user=user, now=now)
    if check.blocked:
        raise ActionRefused(_("Des demandes sont encore ouvertes."))
    held_ids = {t.pk for t in check.held_tickets}
    due = Ticket.objects.filter(requester=user, status__in=CLOSED_STATES, anonymised_at__isnull=True)
    due = due.exclude(pk__in=held_ids)
    while ids := list(due.values_list("pk", flat=True)[:BATCH]):
        wf.tickets_anonymise(ticket_ids=ids, reason=reason, actor=actor, now=now)
    if held_ids:
        type(user).objects.filter(pk=user.pk).update(is_active=False)
        return check
    _delete_account(user)
    return check


def _delete_account(user: Any) -> None:
    addresses = [user.email, *user.emailaddress_set.values_list("email", flat=True)]
    with transaction.atomic():
        files = list(PendingUpload.objects.filter(user=user).values_list("file", flat=True))
        files += [name for name in DataExport.objects.filter(user=user).values_list("file", flat=True) if name]
        erase_mail_from(user_id=user.pk, addresses=addresses)
        for address in set(addresses):
            OutboundEmail.objects.filter(to__icontains=address).update(
                to=[], cc=[], reply_to="", subject="", body_text="", body_html="", headers={}
            )
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)).delete()
        user.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in files])


def erasure_request(*, user: Any) -> ErasureRequest:
    """Record a requester's request for erasure (one pending at a time: asking again returns it)."""
    pending = ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).first()
    return pending or ErasureRequest.objects.create(user=user)


def erasure_carry_out(*, request: ErasureRequest, actor: Any) -> ErasureRequest:
    """An administrator carries out a pending request through ``account_erase``; ``ActionRefused``
    while a ticket is open (the request stays pending)."""
    if request.status != ErasureStatus.PENDING or request.user is None:
        raise ActionRefused(_("Cette demande d'effacement a déjà été traitée."))
    check = account_erase(user=request.user, reason=_("Demande d'effacement n° %(pk)s") % {"pk": request.pk},
                          actor=actor)  # fmt: skip
    request.status = ErasureStatus.PARTIAL if check.held_tickets else ErasureStatus.DONE
    request.kept_references = [t.reference for t in check.held_tickets]
    if not check.held_tickets:
        request.user = None  # deleted (the row's column was emptied by the deletion)
    request.decided_at, request.decided_by = timezone.now(), actor
    request.save(update_fields=["status", "kept_references", "decided_at", "decided_by", "user"])
    return request


def erasure_refuse(*, request: ErasureRequest, actor: Any, text: str) -> ErasureRequest:
    """An administrator refuses a pending request; the reason is shown to the requester."""
    if request.status != ErasureStatus.PENDING:
        raise ActionRefused(_("Cette demande d'effacement a déjà été traitée."))
    if not (text or "").strip():
        raise ActionRefused(_("Le motif du refus est obligatoire."))
    request.status, request.refusal_reason = ErasureStatus.REFUSED, text.strip()
    request.decided_at, request.decided_by = timezone.now(), actor
    request.save(update_fields=["status", "refusal_reason", "decided_at", "decided_by"])
    return request
