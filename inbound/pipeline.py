"""Inbound email: ``ingest(raw, *, source)`` files or continues tickets.

The callback every way in calls (contract in ``handler.py``). In order:

1. Over ``GUICHET_INBOUND_MAX_BYTES``: quarantined unparsed.
2. Deduplication by Message-ID (content hash when there is none): a
   message already recorded does nothing. (Checked before classification:
   the outcome is the same and a second delivery costs one query.)
3. Our own mail, auto-replies and bounces are recorded and never answered;
   a bounce of our own mail marks the address as bouncing (``bounces.py``).
   Mail *from* one of our addresses (``DEFAULT_FROM_EMAIL``, ``SERVER_EMAIL``,
   a service's inbound address) is ours too, whatever its headers.
4. The sender: a known user by address, or a new email-only account.
5. Threading (``threading.py``): signed In-Reply-To/References, then the
   subject tag, only for a sender who may act on that ticket. ARS → the
   requester's answer (→ ECT); other open states → added information;
   closed → a follow-up request. Otherwise a new ticket in the category of
   the address (``routing.py``), linked to a ticket it referred to.
   Changing an open ticket's state needs an authenticated sender
   (``authentication.py``): an unauthenticated mail is added as information
   flagged "sender not verified", changes nothing else, and the ticket's
   requester is told at the address we know (never the mail's From).
6. Anything that cannot be processed — refused sender, flood, no
   category, a refusal of the workflow, an unexpected error — is
   quarantined with its raw source and the reason. Only an outage (the
   database, or Redis) raises (``TemporaryFailure``): the source keeps the
   message and offers it again later.

Every message taken leaves exactly one ``InboundMessage`` row.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.cache import REDIS_UNAVAILABLE
from helpdesk.rows import insert_one
from inbound.models import InboundMessage, InboundOutcome, Quarantine, QuarantineReason, QuarantineStatus
from tickets import permissions as perms
from tickets import workflow as wf
from tickets.attachments import attachment_usage
from tickets.exceptions import ActionRefused
from tickets.models import Channel, Ticket
from tickets.notifications.compose import read_in_run, read_once_per_run
from tickets.notifications.rules import notify_unverified_mail
from tickets.status import OPEN_STATES, TicketStatus

from .authentication import sender_verdict
from .bounces import record_bounce
from .classify import Classification, MailKind, classify
from .content import build_content, nul_free, refused_note
from .handler import IngestResult, Outcome, TemporaryFailure
from .parse import ParsedMessage, parse_message
from .routing import is_one_of_our_addresses, recipients, route, sender_user
from .threading import Thread, find_thread

logger = logging.getLogger(__name__)

KEY_MAX = 255


class Quarantined(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def dedup_key(parsed: ParsedMessage) -> str:
    key = parsed.dedup_key
    if len(key) > KEY_MAX:  # absurdly long Message-IDs still deduplicate, by their hash
        key = "sha256-id:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key


def ingest(raw: bytes, *, source: str) -> IngestResult:
    """File, continue, ignore or quarantine one message (see the module docstring)."""
    try:
        return _ingest(raw, source=source)
    except (OperationalError, InterfaceError) as exc:
        raise TemporaryFailure(f"database unavailable: {exc}") from exc
    except REDIS_UNAVAILABLE as exc:
        # Not the message's fault: it is offered again (MTA retry, IMAP and
        # Maildir leave it unprocessed) and files itself once Redis is back.
        raise TemporaryFailure(f"Redis unavailable: {exc}") from exc


def _ingest(raw: bytes, *, source: str) -> IngestResult:
    if len(raw) > settings.GUICHET_INBOUND_MAX_BYTES:
        key = "sha256-raw:" + hashlib.sha256(raw).hexdigest()
        if InboundMessage.objects.filter(dedup_key=key).exists():
            return IngestResult(outcome=Outcome.DUPLICATE, source=source, dedup_key=key)
        inbound = InboundMessage(dedup_key=key, source=source[:200])
        inbound.store_raw(raw)
        detail = f"message of {len(raw)} bytes is over the {settings.GUICHET_INBOUND_MAX_BYTES}-byte limit"
        return _quarantine(inbound, QuarantineReason.TOO_LARGE, detail)
    parsed = parse_message(raw)
    inbound = _new_row(parsed, raw, source)
    seen, recent_filings = _seen_and_recent_filings(inbound.dedup_key, parsed.from_address)
    if seen:
        return IngestResult(outcome=Outcome.DUPLICATE, source=source, dedup_key=inbound.dedup_key, parsed=parsed)
    classification = classify(parsed)
    if classification.kind == MailKind.NORMAL and is_one_of_our_addresses(parsed.from_address):
        classification = Classification(
            kind=MailKind.OWN, reasons=(f"sent from our own address {parsed.from_address}",)
        )
    inbound.kind = classification.kind
    if classification.kind != MailKind.NORMAL:
        try:
            with transaction.atomic():
                detail = "; ".join(classification.reasons)
                if classification.kind == MailKind.BOUNCE:
                    detail = f"{detail} — {record_bounce(classification)}"
                inbound.outcome, inbound.reason = InboundOutcome.IGNORED, detail
                insert_one(inbound)  # as inbound.save() (a new row), the statement written once
        except IntegrityError:
            return _duplicate_or_raise(inbound, parsed)
        return _result(inbound, Outcome.IGNORED, parsed)
    return process(inbound, parsed, enforce_rate_limit=True, sender_checked=True, recent_filings=recent_filings)


def _new_row(parsed: ParsedMessage, raw: bytes, source: str) -> InboundMessage:
    inbound = InboundMessage(
        dedup_key=nul_free(dedup_key(parsed)),
        message_id=nul_free(parsed.message_id or "")[:998],
        source=nul_free(source)[:200],
        from_address=nul_free(parsed.from_address)[:254],
        recipients=[nul_free(a) for a in recipients(parsed)],
        subject=nul_free(parsed.subject)[:998],
        problems=[nul_free(p) for p in parsed.problems[:50]],
        full_text=nul_free(parsed.text),
    )
    inbound.store_raw(raw)
    return inbound


def process(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    *,
    enforce_rate_limit: bool,
    sender_checked: bool = False,
    recent_filings: int | None = None,
) -> IngestResult:
    """File or continue a ticket from a person's message; quarantine it when that fails.

    ``inbound`` is a new row, or an existing one when an administrator
    re-processes a quarantined message (then the flood limit is not applied).
    ``sender_checked``: the caller already made sure the sender is not one of
    our own addresses (``ingest`` does, to classify the message).
    ``recent_filings``: the sender's recent filings, when the caller read them already.
    """
    is_new = inbound.pk is None
    try:
        with transaction.atomic():
            outcome = _file(
                inbound,
                parsed,
                enforce_rate_limit=enforce_rate_limit,
                sender_checked=sender_checked,
                recent_filings=recent_filings,
            )
            if is_new:
                insert_one(inbound)  # as inbound.save(), the statement written once (issue 22)
            else:
                inbound.save()
    except Quarantined as exc:
        _reset(inbound, is_new)
        return _quarantine(inbound, exc.reason, exc.detail, parsed)
    except ActionRefused as exc:
        _reset(inbound, is_new)
        return _quarantine(inbound, QuarantineReason.REFUSED, str(exc), parsed)
    except IntegrityError:
        _reset(inbound, is_new)
        if InboundMessage.objects.filter(dedup_key=inbound.dedup_key).exists() and is_new:
            return IngestResult(outcome=Outcome.DUPLICATE, source=inbound.source, dedup_key=inbound.dedup_key)
        logger.exception("inbound %s: integrity error", inbound.source)
        return _quarantine(inbound, QuarantineReason.ERROR, "integrity error while filing", parsed)
    except (OperationalError, InterfaceError, *REDIS_UNAVAILABLE):
        raise  # an outage, not a bad message: TemporaryFailure (see ``ingest``)
    except Exception as exc:  # one bad message never stops the batch: it waits in quarantine
        logger.exception("inbound %s: message %s could not be processed", inbound.source, inbound.dedup_key)
        _reset(inbound, is_new)
        return _quarantine(inbound, QuarantineReason.ERROR, f"{type(exc).__name__}: {exc}", parsed)
    return _result(inbound, outcome, parsed)


def _reset(inbound: InboundMessage, is_new: bool) -> None:
    """After a rollback: a new row was not saved; an existing one is reloaded."""
    if is_new:
        inbound.pk = None
        inbound._state.adding = True
        inbound.sender = inbound.ticket = inbound.ticket_message = inbound.related_ticket = None
    else:
        inbound.refresh_from_db()


def _file(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    *,
    enforce_rate_limit: bool,
    sender_checked: bool,
    recent_filings: int | None,
) -> Outcome:
    address = parsed.from_address
    if not address:
        reason = QuarantineReason.UNREADABLE if "empty message" in parsed.problems else QuarantineReason.REFUSED_SENDER
        raise Quarantined(reason, "no sender address")
    if not sender_checked and is_one_of_our_addresses(address):
        raise Quarantined(QuarantineReason.REFUSED_SENDER, f"{address} is one of our own addresses (mail loop)")
    user, _created = sender_user(address, name=parsed.from_name)
    if not user.is_active:
        raise Quarantined(QuarantineReason.REFUSED_SENDER, f"the account of {address} is disabled")
    inbound.sender = user
    thread = find_thread(parsed, user)
    with _no_nested_savepoints():
        return _through_the_doors(inbound, parsed, thread, user, enforce_rate_limit, recent_filings)


@contextmanager
def _no_nested_savepoints() -> Iterator[None]:
    """Inside the message's transaction (``process``), the workflow's doors open no savepoint of
    their own: a failure anywhere in them abandons the whole message, which ``process`` rolls back
    and quarantines in a transaction of its own — a savepoint would keep nothing, and each costs
    two round trips, two or three per message (issue 22). (Only the sender's account, created
    before, keeps its savepoint: a concurrent delivery creating the same account is recovered from.)

    Django asks ``features.uses_savepoints`` before each savepoint: this connection's answer is
    "no" for the duration, and an atomic block nested here marks the transaction for rollback on
    an error instead of rolling back to its savepoint. (SQLite's backend does not ask: there the
    savepoints stay.)"""
    features = connection.features
    if not connection.in_atomic_block or "uses_savepoints" in vars(features):
        yield
        return
    features.uses_savepoints = False
    try:
        yield
    finally:
        del features.uses_savepoints  # the class's value again


def _through_the_doors(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    thread: Thread,
    user: Any,
    enforce_rate_limit: bool,
    recent_filings: int | None,
) -> Outcome:
    address = parsed.from_address
    ticket = thread.ticket
    if ticket is not None and ticket.status in OPEN_STATES:
        return _continue(inbound, parsed, ticket, user, via=thread.via)
    if enforce_rate_limit:
        _check_rate_limit(address, recent_filings)
    is_reply = bool(ticket or thread.related or parsed.in_reply_to or parsed.references)
    content = build_content(parsed, is_reply=is_reply)
    if ticket is not None and perms.is_requester_side(ticket, user):
        new = wf.ticket_file_follow_up(
            ticket=ticket, actor=user, title=content.title, description=content.text, files=content.files,
            channel=Channel.EMAIL,
        )  # fmt: skip
        outcome, inbound.related_ticket = Outcome.FOLLOW_UP, ticket
    else:
        related = thread.related or ticket  # a closed ticket watched by the sender, or a foreign one
        category = route(parsed)
        if category is None:
            raise Quarantined(
                QuarantineReason.NO_CATEGORY,
                f"no category for {', '.join(inbound.recipients) or 'these recipients'} "
                "and no GUICHET_INBOUND_DEFAULT_CATEGORY",
            )
        new = wf.ticket_file(
            requester=user, category=category, title=content.title, description=content.text,
            files=content.files, channel=Channel.EMAIL,
        )  # fmt: skip
        outcome = Outcome.FILED
        if related is not None:
            inbound.related_ticket = related
            wf.ticket_add_system_note(
                ticket=new,
                text=
                _("Ce courriel faisait référence à la demande %(reference)s, sur laquelle son expéditeur ne peut pas "
                  "intervenir : une nouvelle demande a été créée.") % {"reference": related.display_reference},
                internal=True,
            )  # fmt: skip
    if content.refused:
        wf.ticket_add_system_note(ticket=new, text=refused_note(content.refused))
    counted = read_in_run(("filed_by", address))
    if counted is not None:  # (should this filing roll back after all, it still counts: the safe side)
        counted[0] += 1
    inbound.ticket = new
    inbound.outcome = InboundOutcome.FOLLOW_UP if outcome == Outcome.FOLLOW_UP else InboundOutcome.FILED
    return outcome


def _continue(inbound: InboundMessage, parsed: ParsedMessage, ticket: Ticket, user: Any, *, via: str) -> Outcome:
    # The ticket's files count against the limits only when the message brings some (most do not).
    content = build_content(parsed, is_reply=True, **(attachment_usage(ticket) if parsed.attachments else {}))
    verdict = sender_verdict(parsed, via=via)
    if not verdict.authenticated:
        event = wf.ticket_add_information(
            ticket=ticket, actor=user, text=content.text, files=content.files, sender_verified=False
        )
        inbound.reason = f"sender not authenticated ({verdict.how}): added as unverified information"
        notify_unverified_mail(ticket)
    elif ticket.status == TicketStatus.ARS and perms.is_requester_side(ticket, user):
        event = wf.ticket_answer(ticket=ticket, actor=user, text=content.text, files=content.files)
    else:
        event = wf.ticket_add_information(ticket=ticket, actor=user, text=content.text, files=content.files)
    if verdict.authenticated:
        inbound.reason = f"sender authenticated by {verdict.how}"
    if content.refused:
        wf.ticket_add_system_note(ticket=ticket, text=refused_note(content.refused))
    inbound.ticket, inbound.ticket_message = ticket, event.message
    inbound.outcome = InboundOutcome.CONTINUED
    return Outcome.CONTINUED


def _filed_recently(address: str) -> list[int]:
    since = timezone.now() - timedelta(seconds=settings.GUICHET_INBOUND_RATE_LIMIT_WINDOW)
    filed = InboundMessage.objects.filter(
        from_address=address,
        outcome__in=[InboundOutcome.FILED, InboundOutcome.FOLLOW_UP],
        received_at__gte=since,
    )
    return [filed.count()]


# Every message asks first; written out rather than through the ORM, whose compiling of the
# statement cost more than the database's answer (issue 22). Each count reads its own index.
_SEEN = "SELECT (SELECT count(*) FROM {table} WHERE dedup_key = %s)"
_RECENT = ", (SELECT count(*) FROM {table} WHERE from_address = %s AND outcome IN (%s, %s) AND received_at >= %s)"


def _seen_and_recent_filings(key: str, address: str) -> tuple[bool, int | None]:
    """Whether ``key`` was recorded before, and — in the same query, when the run has not
    counted them yet — how many tickets ``address`` filed by mail lately (the flood guard's
    count, read here to spare a round trip to the first message of each sender)."""
    sql, params = _SEEN, [key]
    count_recent = bool(address) and read_in_run(("filed_by", address)) is None
    if count_recent:
        since = timezone.now() - timedelta(seconds=settings.GUICHET_INBOUND_RATE_LIMIT_WINDOW)
        sql += _RECENT
        params += [address, InboundOutcome.FILED.value, InboundOutcome.FOLLOW_UP.value]
        params.append(connection.ops.adapt_datetimefield_value(since))
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(InboundMessage._meta.db_table)), params)
        row = cursor.fetchone()
    return row[0] > 0, (row[1] if count_recent else None)


def _check_rate_limit(address: str, recent_filings: int | None = None) -> None:
    limit = settings.GUICHET_INBOUND_RATE_LIMIT_COUNT

    # Within a run (a flood comes in one poll): counted once per sender, then ``_file``
    # adds each ticket the run files for them.
    def count() -> list[int]:
        return _filed_recently(address) if recent_filings is None else [recent_filings]

    recent = read_once_per_run(("filed_by", address), count)[0]
    if recent >= limit:
        raise Quarantined(
            QuarantineReason.RATE_LIMITED,
            f"{address} filed {recent} tickets by email in the last "
            f"{settings.GUICHET_INBOUND_RATE_LIMIT_WINDOW} s (limit {limit})",
        )


def _quarantine(inbound: InboundMessage, reason: str, detail: str, parsed: ParsedMessage | None = None) -> IngestResult:
    is_new = inbound.pk is None
    with transaction.atomic():
        inbound.outcome, inbound.reason = InboundOutcome.QUARANTINED, detail
        try:
            with transaction.atomic():
                if is_new:
                    insert_one(inbound)
                else:
                    inbound.save()
        except IntegrityError:
            return _duplicate_or_raise(inbound, parsed)
        except DataError:
            # Last resort: a value the database refuses; keep the raw source and the reason.
            logger.exception("inbound %s: recording without the decoded fields", inbound.source)
            inbound.subject = inbound.full_text = ""
            inbound.problems, inbound.recipients = ["decoded fields not storable"], []
            inbound.save()
        if is_new:  # a new row has no quarantine entry yet
            insert_one(Quarantine(inbound=inbound, reason=reason, detail=detail, status=QuarantineStatus.PENDING))
        else:
            Quarantine.objects.update_or_create(
                inbound=inbound,
                defaults={"reason": reason, "detail": detail, "status": QuarantineStatus.PENDING},
            )
    logger.warning("inbound %s: quarantined (%s): %s", inbound.source, reason, detail)
    return _result(inbound, Outcome.QUARANTINED, parsed, reason=f"{reason}: {detail}")


def _duplicate_or_raise(inbound: InboundMessage, parsed: ParsedMessage | None) -> IngestResult:
    """A concurrent delivery of the same message recorded it first."""
    if not InboundMessage.objects.filter(dedup_key=inbound.dedup_key).exists():
        raise TemporaryFailure(f"could not record {inbound.dedup_key}")
    return IngestResult(outcome=Outcome.DUPLICATE, source=inbound.source, dedup_key=inbound.dedup_key, parsed=parsed)


def _result(inbound: InboundMessage, outcome: Outcome, parsed: ParsedMessage | None, reason: str = "") -> IngestResult:
    return IngestResult(
        outcome=outcome,
        source=inbound.source,
        dedup_key=inbound.dedup_key,
        reason=reason or inbound.reason,
        parsed=parsed,
        ticket_reference=inbound.ticket.reference if inbound.ticket_id else None,
        inbound_id=inbound.pk,
    )


# --- Administrators' actions on the quarantine ------------------------------------


def reprocess(quarantine: Quarantine, *, actor: Any) -> IngestResult:
    """Try a quarantined message again (without the size and flood limits: an
    administrator decided). Still failing, it stays in quarantine with the new reason."""
    inbound = quarantine.inbound
    parsed = parse_message(inbound.raw)
    inbound.full_text = nul_free(parsed.text)
    result = process(inbound, parsed, enforce_rate_limit=False)
    if result.outcome != Outcome.QUARANTINED:
        Quarantine.objects.filter(pk=quarantine.pk).update(
            status=QuarantineStatus.REPROCESSED, handled_at=timezone.now(), handled_by=actor
        )
    return result


def discard(quarantine: Quarantine, *, actor: Any) -> None:
    """Keep the record, file nothing."""
    with transaction.atomic():
        Quarantine.objects.filter(pk=quarantine.pk).update(
            status=QuarantineStatus.DISCARDED, handled_at=timezone.now(), handled_by=actor
        )
        InboundMessage.objects.filter(pk=quarantine.inbound_id).update(outcome=InboundOutcome.DISCARDED)
