"""Sending the outbox: claim a row, send it over SMTP, record the outcome.

A row is *claimed* before it is sent: one conditional UPDATE moves it from
PENDING to SENDING, and only the process whose UPDATE changed the row sends
it. Two workers, two sweepers or a sweeper and the on-commit task can race
for the same row; exactly one of them sends. On PostgreSQL the sweeper first
locks a batch with ``SELECT … FOR UPDATE SKIP LOCKED`` so that concurrent
sweepers take different rows instead of contending for the same ones.

The one window left is a worker that dies after the SMTP server accepted a
message and before the row is marked SENT: the row is then "stuck" in
SENDING and is sent again after GUICHET_OUTBOX_STUCK_AFTER_SECONDS. That
duplicate is the price of never losing a mail.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from helpdesk.models import OutboundEmail, OutboundStatus

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the ``attempts``-th failure: base × 2^(attempts-1), capped."""
    seconds = settings.GUICHET_OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.GUICHET_OUTBOX_RETRY_MAX_SECONDS))


def claim_outbound_email(*, outbound_id: int, now: datetime | None = None) -> bool:
    """Move one due row from PENDING to SENDING; True if this caller won it."""
    now = now or timezone.now()
    return bool(
        OutboundEmail.objects.filter(pk=outbound_id, status=OutboundStatus.PENDING, next_attempt_at__lte=now).update(
            status=OutboundStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def claim_due_batch(*, now: datetime | None = None, limit: int, skip_locked: bool | None = None) -> list[int]:
    """Claim up to ``limit`` due rows and return their ids.

    ``skip_locked`` (default: when the database supports it) locks the batch
    first so that concurrent sweepers split the work; the conditional UPDATE
    is what makes a double claim impossible either way.
    """
    now = now or timezone.now()
    if skip_locked is None:
        skip_locked = connection.features.has_select_for_update_skip_locked
    if skip_locked:
        with transaction.atomic():
            ids = list(
                OutboundEmail.objects.due(now=now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:limit]
            )
            OutboundEmail.objects.filter(pk__in=ids, status=OutboundStatus.PENDING).update(
                status=OutboundStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
        return ids
    candidates = list(OutboundEmail.objects.due(now=now).values_list("pk", flat=True)[:limit])
    return [pk for pk in candidates if claim_outbound_email(outbound_id=pk, now=now)]


def build_message(row: OutboundEmail, *, smtp_connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        reply_to=[row.reply_to] if row.reply_to else None,
        headers={**row.headers, "Message-ID": row.message_id},
        connection=smtp_connection,
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer will not change by retrying; 4xx and network errors may."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _record_failure(row: OutboundEmail, exc: Exception) -> OutboundStatus:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if _is_permanent(exc) or row.attempts >= settings.GUICHET_OUTBOX_MAX_ATTEMPTS:
        status, next_attempt = OutboundStatus.FAILED, row.next_attempt_at
        logger.error("outbox: row %s failed for good after %s attempt(s): %s", row.pk, row.attempts, error)
    else:
        status, next_attempt = OutboundStatus.PENDING, now + retry_delay(row.attempts)
        logger.warning("outbox: row %s attempt %s failed (%s), next at %s", row.pk, row.attempts, error, next_attempt)
    OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(
        status=status, next_attempt_at=next_attempt, last_error=error, claimed_at=None
    )
    return status


def _drop_bouncing(row: OutboundEmail) -> list[str]:
    """Remove from ``row`` the recipients known to bounce; return them.

    Sending again to an address that failed for good only earns more
    bounces and hurts the reputation of our mail server. The row keeps the
    mail (nothing is lost): once an administrator fixes the address and
    deletes its "Adresses en échec" entry, later mails go out again.
    """
    bouncing = import_string(settings.GUICHET_OUTBOX_SUPPRESSION_LIST)([*row.to, *row.cc])
    if bouncing:
        row.to = [a for a in row.to if a.strip().lower() not in bouncing]
        row.cc = [a for a in row.cc if a.strip().lower() not in bouncing]
    return sorted(bouncing)


def send_claimed(row: OutboundEmail, *, smtp_connection=None) -> OutboundStatus:
    """Send a row this process has claimed and record SENT, PENDING (retry) or FAILED.

    Recipients marked as bouncing are skipped; a mail left with none is FAILED
    with the reason, not sent.
    """
    skipped = _drop_bouncing(row)
    if skipped and not row.to:
        error = "bouncing address(es), not sent: " + ", ".join(skipped)
        logger.warning("outbox: row %s %s", row.pk, error)
        OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(
            status=OutboundStatus.FAILED, last_error=error, claimed_at=None
        )
        return OutboundStatus.FAILED
    try:
        if smtp_connection is not None:
            smtp_connection.open()  # no-op when already open: one SMTP session per sweep
        build_message(row, smtp_connection=smtp_connection).send(fail_silently=False)
    except Exception as exc:  # every failure is recorded on the row
        if smtp_connection is not None:
            smtp_connection.close()  # a half-failed SMTP session is not reused
        return _record_failure(row, exc)
    OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None
    )
    return OutboundStatus.SENT


def deliver_outbound_email(*, outbound_id: int) -> OutboundStatus | None:
    """Claim and send one row; None if another process has it or it is not due."""
    if not claim_outbound_email(outbound_id=outbound_id):
        return None
    return send_claimed(OutboundEmail.objects.get(pk=outbound_id))


def recover_stuck(*, now: datetime | None = None) -> int:
    """Put rows abandoned in SENDING back to PENDING (see the module docstring)."""
    now = now or timezone.now()
    claimed_before = now - timedelta(seconds=settings.GUICHET_OUTBOX_STUCK_AFTER_SECONDS)
    return OutboundEmail.objects.stuck(claimed_before=claimed_before).update(
        status=OutboundStatus.PENDING, next_attempt_at=now, claimed_at=None, last_error="abandoned while sending"
    )


def sweep_outbox(
    *, batch_size: int | None = None, time_budget: float = 50.0, skip_locked: bool | None = None
) -> SweepReport:
    """Send every due pending row, batch after batch, within ``time_budget``
    seconds (so that one run ends before beat starts the next)."""
    report = SweepReport(recovered=recover_stuck())
    batch_size = batch_size or settings.GUICHET_OUTBOX_BATCH_SIZE
    deadline = time.monotonic() + time_budget
    smtp_connection = get_connection()
    try:
        while time.monotonic() < deadline:
            ids = claim_due_batch(limit=batch_size, skip_locked=skip_locked)
            if not ids:
                break
            rows = list(OutboundEmail.objects.filter(pk__in=ids).order_by("pk"))
            for index, row in enumerate(rows):
                if time.monotonic() >= deadline:
                    _release([r.pk for r in rows[index:]])
                    break
                outcome = send_claimed(row, smtp_connection=smtp_connection)
                if outcome == OutboundStatus.SENT:
                    report.sent += 1
                elif outcome == OutboundStatus.PENDING:
                    report.retried += 1
                else:
                    report.failed += 1
    finally:
        smtp_connection.close()
    return report


def _release(ids: list[int]) -> None:
    """Give back claimed rows this sweep will not send (out of time)."""
    OutboundEmail.objects.filter(pk__in=ids, status=OutboundStatus.SENDING).update(
        status=OutboundStatus.PENDING, attempts=F("attempts") - 1, claimed_at=None
    )


def retry_outbound_emails(*, ids: list[int]) -> int:
    """Give failed (or pending) rows a fresh set of attempts, due now, and queue them."""
    from helpdesk.mail.compose import publish_send

    with transaction.atomic():
        retried = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=ids, status__in=[OutboundStatus.FAILED, OutboundStatus.PENDING])
            .values_list("pk", flat=True)
        )
        OutboundEmail.objects.filter(pk__in=retried).update(
            status=OutboundStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
        )
        for pk in retried:
            transaction.on_commit(lambda pk=pk: publish_send(pk), robust=True)
    return len(retried)
