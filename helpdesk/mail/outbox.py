"""Sending the outbox: claim a row, send it over SMTP, record the outcome.

A row is *claimed* before it is sent: one conditional UPDATE moves it from
PENDING to SENDING, and only the process whose UPDATE changed the row sends
it. Two workers, two sweepers or a sweeper and the on-commit task can race
for the same row; exactly one of them sends. On PostgreSQL the sweeper first
locks a batch with ``SELECT … FOR UPDATE SKIP LOCKED`` so that concurrent
sweepers take different rows instead of contending for the same ones.

The one window left is a worker that dies (or loses the database for longer
than the retried status update) after the SMTP server accepted a message and
before the row is marked SENT: the row is then "stuck" in SENDING and is
sent again after GUICHET_OUTBOX_STUCK_AFTER_SECONDS (short, because a
sender refreshes ``claimed_at`` as it goes). The resent copy carries the
row's own Message-ID, the same as the first, so mail clients and our own
inbound deduplication show and file it once. That duplicate is the price of
never losing a mail.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from helpdesk.mail.delivery import Delivery, Refusals, RelayProblem, deliver
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


def _update_claimed(row: OutboundEmail, **fields) -> int:
    """Record an outcome on a row this process claimed.

    Retried for a few seconds when the database went away: after the relay
    said "250", losing this update means sending the mail again later."""
    for attempt in range(settings.GUICHET_OUTBOX_RECORD_RETRIES + 1):
        try:
            return OutboundEmail.objects.filter(pk=row.pk, status=OutboundStatus.SENDING).update(**fields)
        except (OperationalError, InterfaceError):
            if attempt == settings.GUICHET_OUTBOX_RECORD_RETRIES:
                raise
            logger.warning("outbox: row %s outcome not recorded yet (database unavailable), retrying", row.pk)
            connection.close()
            time.sleep(min(2**attempt * 0.5, 5))
    return 0


def _record_failure(row: OutboundEmail, exc: Exception) -> OutboundStatus:
    """An attempt that reached nobody: retry (relay problem, 4xx, unknown error) or give up."""
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, RelayProblem):
        # Never the mail's fault: retried with back-off without limit.
        status, next_attempt = OutboundStatus.PENDING, now + retry_delay(row.attempts)
        log = logger.error if exc.is_refusal else logger.warning
        log("outbox: relay problem for row %s (attempt %s): %s; next at %s", row.pk, row.attempts, error, next_attempt)
    elif row.attempts >= settings.GUICHET_OUTBOX_MAX_ATTEMPTS:
        status, next_attempt = OutboundStatus.FAILED, row.next_attempt_at
        logger.error("outbox: row %s failed for good after %s attempt(s): %s", row.pk, row.attempts, error)
    else:
        status, next_attempt = OutboundStatus.PENDING, now + retry_delay(row.attempts)
        logger.warning("outbox: row %s attempt %s failed (%s), next at %s", row.pk, row.attempts, error, next_attempt)
    _update_claimed(row, status=status, next_attempt_at=next_attempt, last_error=error, claimed_at=None)
    return status


def _describe(refusals: Refusals) -> str:
    return "; ".join(f"{address} ({code} {text})" for address, (code, text) in sorted(refusals.items()))


def _mark_bouncing(row: OutboundEmail, refusals: Refusals) -> None:
    """A 5xx at RCPT: later mails skip the address until an administrator clears it
    (the suppression list is kept by ``GUICHET_OUTBOX_MARK_BOUNCING``: helpdesk imports no app)."""
    import_string(settings.GUICHET_OUTBOX_MARK_BOUNCING)(refusals, message_id=row.message_id)
    logger.warning("outbox: row %s refused for good by the relay for %s", row.pk, _describe(refusals))


def _retry_for(row: OutboundEmail, refusals: Refusals) -> None:
    """A 4xx at RCPT after others accepted the mail: a new row for those addresses only."""
    from helpdesk.mail.message_id import make_message_id

    OutboundEmail.objects.create(
        to=sorted(refusals), cc=[], reply_to=row.reply_to, from_email=row.from_email, subject=row.subject,
        body_text=row.body_text, body_html=row.body_html, headers=row.headers,
        message_id=make_message_id(ticket_reference=row.ticket_reference), ticket_reference=row.ticket_reference,
        related=row.related, kind=row.kind, language=row.language, attempts=1,
        next_attempt_at=timezone.now() + retry_delay(1), last_error="temporarily refused: " + _describe(refusals),
    )  # fmt: skip


def _record_delivery(row: OutboundEmail, delivery: Delivery) -> OutboundStatus:
    if delivery.permanent:
        _mark_bouncing(row, delivery.permanent)
    if not delivery.accepted:
        if delivery.temporary:  # the bouncing ones are skipped at the next attempt
            return _record_failure(row, RecipientsRefused(delivery))
        error = "refused for good: " + _describe(delivery.permanent)
        logger.error("outbox: row %s failed, every recipient refused: %s", row.pk, error)
        _update_claimed(row, status=OutboundStatus.FAILED, last_error=error[:2000], claimed_at=None)
        return OutboundStatus.FAILED
    if delivery.temporary:
        _retry_for(row, delivery.temporary)
    notes = []
    if delivery.permanent:
        notes.append("refused for good: " + _describe(delivery.permanent))
    if delivery.temporary:
        notes.append("retried apart: " + _describe(delivery.temporary))
    _update_claimed(
        row, status=OutboundStatus.SENT, sent_at=timezone.now(), last_error="; ".join(notes)[:2000], claimed_at=None
    )
    return OutboundStatus.SENT


class RecipientsRefused(Exception):
    """Every recipient refused at RCPT, some only for now."""

    def __init__(self, delivery: Delivery) -> None:
        super().__init__(_describe({**delivery.permanent, **delivery.temporary}))


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
    with the reason, not sent. Refusals are read per recipient and per stage
    (``helpdesk.mail.delivery``).
    """
    skipped = _drop_bouncing(row)
    if skipped and not row.to:
        error = "bouncing address(es), not sent: " + ", ".join(skipped)
        logger.warning("outbox: row %s %s", row.pk, error)
        _update_claimed(row, status=OutboundStatus.FAILED, last_error=error, claimed_at=None)
        return OutboundStatus.FAILED
    try:
        delivery = deliver(build_message(row, smtp_connection=smtp_connection))
    except Exception as exc:  # every failure is recorded on the row
        if smtp_connection is not None:
            smtp_connection.close()  # a half-failed SMTP session is not reused
        return _record_failure(row, exc)
    return _record_delivery(row, delivery)


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
    seconds (so that one run ends before beat starts the next).

    The rows of a batch still waiting get a heartbeat (``claimed_at`` moved
    to now) every ``GUICHET_OUTBOX_HEARTBEAT_SECONDS`` and the row about to
    be sent gets one too, so that a long batch is never taken for abandoned
    and the stuck-row recovery can be short."""
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
            last_beat = time.monotonic()
            for index, row in enumerate(rows):
                if time.monotonic() >= deadline:
                    _release([r.pk for r in rows[index:]])
                    break
                beat_all = time.monotonic() - last_beat >= settings.GUICHET_OUTBOX_HEARTBEAT_SECONDS
                _heartbeat([r.pk for r in rows[index:]] if beat_all else [row.pk])
                last_beat = time.monotonic() if beat_all else last_beat
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


def _heartbeat(ids: list[int]) -> None:
    """Claimed rows still in this process's hands: not abandoned."""
    OutboundEmail.objects.filter(pk__in=ids, status=OutboundStatus.SENDING).update(claimed_at=timezone.now())


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


def outbox_problem_counts() -> dict[str, int]:
    """Failed, retrying and stuck mail (see ``OutboundEmailQuerySet.problem_counts``)."""
    return OutboundEmail.objects.problem_counts(
        now=timezone.now(), stuck_after=settings.GUICHET_OUTBOX_STUCK_AFTER_SECONDS
    )
