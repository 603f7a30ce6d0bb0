"""Writing notifications into the outbox.

``queue_email`` renders the message in the recipient's language and saves it
as an ``OutboundEmail`` row in the caller's transaction: if the event rolls
back, so does its mail. After commit, a Celery task is published to send it
at once; if the broker cannot be reached the request carries on and the
every-minute sweeper sends the row instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from helpdesk.bulk import MIN_ROWS, bulk_insert
from helpdesk.mail.batch import render_many, render_one
from helpdesk.mail.message_id import make_message_id
from helpdesk.models import OutboundEmail
from helpdesk.rows import insert_few

logger = logging.getLogger(__name__)

AUTO_GENERATED = "auto-generated"
AUTO_REPLIED = "auto-replied"

# Rows sent by one task: enough to make a sweep's thousands of mails a few
# dozen messages, few enough that a worker's send of one chunk stays short.
PUBLISH_CHUNK = 50
# Broker URL → monotonic time until which publishing is not even tried.
_broker_down_until: dict[str, float] = {}
# Per thread: broker URL → open kombu connection.
_publishing = threading.local()


def email_language(language: str | None) -> str:
    """A language we have templates for: the recipient's if supported, else the site's."""
    supported = {code for code, _name in settings.LANGUAGES}
    code = (language or "").split("-")[0].lower()
    return code if code in supported else settings.LANGUAGE_CODE


def ticket_subject(reference: int, text: str) -> str:
    """The subject of every ticket mail: ``[Guichet #N] text`` (the tag threads replies)."""
    return f"[Guichet #{reference}] {text}"


def absolute_url(path: str) -> str:
    """A link for an email: the site's public address + ``path``."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def queue_email(
    *,
    to: str | Iterable[str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    language: str | None,
    kind: str,
    headers: Mapping[str, str] | None = None,
    reply_to: str | None = None,
    ticket_reference: int | None = None,
    cc: Iterable[str] = (),
    related: str = "",
    auto_submitted: str = AUTO_GENERATED,
    from_email: str | None = None,
) -> OutboundEmail:
    """Render ``template``.txt (and ``template``.html if it exists) in
    ``language`` and save the mail in the current transaction; it is sent
    after commit.

    ``subject`` may be a lazy translation: it is evaluated in the recipient's
    language. ``auto_submitted`` is ``auto-generated`` for notifications,
    ``auto-replied`` for answers to an incoming mail (RFC 3834).
    ``from_email`` replaces ``DEFAULT_FROM_EMAIL`` (a service's inbound address).
    """
    row, full_context = _unsaved_row(
        to=to, subject=subject, template=template, context=context, language=language, kind=kind,
        headers=headers, reply_to=reply_to, ticket_reference=ticket_reference, cc=cc, related=related,
        auto_submitted=auto_submitted, from_email=from_email,
    )  # fmt: skip
    with translation.override(row.language):
        row.body_text, row.body_html = render_one(template, full_context)
    row.save(force_insert=True)
    _publish_after_commit(row.pk)
    return row


def queue_emails(mails: Sequence[Mapping[str, Any]]) -> list[OutboundEmail]:
    """``queue_email`` for many mails (each a mapping of its keyword arguments),
    in one INSERT, each template rendered once per language and shape
    (``helpdesk.mail.batch``): the scheduler's sweeps write thousands."""
    prepared = [_unsaved_row(**mail) for mail in mails]
    groups: dict[tuple[str, str], list[int]] = {}
    for index, mail in enumerate(mails):
        groups.setdefault((mail["template"], prepared[index][0].language), []).append(index)
    for (template, language), indexes in groups.items():
        bodies = render_many(template, language, [prepared[i][1] for i in indexes])
        for index, (text, html) in zip(indexes, bodies, strict=True):
            prepared[index][0].body_text, prepared[index][0].body_html = text, html
    unsaved = [row for row, _context in prepared]
    # A filing's few mails (the acknowledgement, one per agent): one INSERT written once, not
    # bulk_create's statement built value by value (issue 22); a sweep's thousands: COPY.
    rows = insert_few(unsaved) if len(unsaved) < MIN_ROWS else bulk_insert(OutboundEmail, unsaved)
    for row in rows:
        _publish_after_commit(row.pk)
    return rows


def _unsaved_row(
    *,
    to: str | Iterable[str],
    subject: str,
    template: str,
    context: Mapping[str, Any],
    language: str | None,
    kind: str,
    headers: Mapping[str, str] | None = None,
    reply_to: str | None = None,
    ticket_reference: int | None = None,
    cc: Iterable[str] = (),
    related: str = "",
    auto_submitted: str = AUTO_GENERATED,
    from_email: str | None = None,
) -> tuple[OutboundEmail, dict[str, Any]]:
    """The row of one mail without its bodies, and the context to render them with."""
    if auto_submitted not in (AUTO_GENERATED, AUTO_REPLIED):
        raise ValueError(f"Auto-Submitted must be {AUTO_GENERATED} or {AUTO_REPLIED}, not {auto_submitted!r}")
    recipients = [to] if isinstance(to, str) else list(to)
    if not recipients:
        raise ValueError("An email needs at least one recipient.")
    language = email_language(language)
    message_id = make_message_id(ticket_reference=ticket_reference)
    with translation.override(language):
        subject_text = " ".join(str(subject).split())  # no header injection through newlines
    full_context = {
        "site_url": settings.SITE_URL,
        "subject": subject_text,
        "ticket_reference": ticket_reference,
        "language": language,
        **context,
    }
    all_headers = {
        "Auto-Submitted": auto_submitted,
        # Asks Exchange/Outlook not to answer with out-of-office replies.
        "X-Auto-Response-Suppress": "All",
        "X-Guichet-Instance": settings.GUICHET_INSTANCE_ID,
        "X-Guichet-Kind": kind,
        **({"X-Guichet-Ticket": str(ticket_reference)} if ticket_reference else {}),
        **(headers or {}),
    }
    row = OutboundEmail(
        to=recipients,
        cc=list(cc),
        reply_to=reply_to or "",
        from_email=" ".join((from_email or settings.DEFAULT_FROM_EMAIL).split()),  # no header injection
        subject=subject_text,
        headers=all_headers,
        message_id=message_id,
        ticket_reference=ticket_reference,
        related=related,
        kind=kind,
        language=language,
    )
    return row, full_context


class _PublishBatch:
    """The rows queued in one transaction, published together after its commit."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def flush(self) -> None:
        run = _publish_run.get()
        if run is None:
            publish_send_many(self.ids)
        else:
            run.add(self.ids)


class _PublishRun:
    """Rows committed by the successive transactions of a run (``publishing_in_chunks``)."""

    def __init__(self, max_delay: float) -> None:
        self.ids: list[int] = []
        self.max_delay = max_delay
        self.since = 0.0  # monotonic time of the oldest row waiting

    def add(self, ids: list[int]) -> None:
        if not self.ids:
            self.since = time.monotonic()
        self.ids.extend(ids)
        if len(self.ids) >= PUBLISH_CHUNK or time.monotonic() - self.since >= self.max_delay:
            self.publish()

    def publish(self) -> None:
        ids, self.ids = self.ids, []
        publish_send_many(ids)


_publish_run: ContextVar[_PublishRun | None] = ContextVar("outbox_publish_run", default=None)


@contextmanager
def publishing_in_chunks(*, max_delay: float = 1.0) -> Iterator[None]:
    """Within the block (a run of the inbound pipeline: many short transactions in a row), the
    rows each transaction commits are published together, by chunks of ``PUBLISH_CHUNK`` — at
    the latest on the first commit ``max_delay`` seconds after the oldest waiting row, and when
    the block ends: one broker message for dozens of mails instead of one per transaction (a
    publish costs more CPU than the mail's row, issue 22). Only committed rows are published,
    as without the block; the sweeper still sends whatever a lost publish leaves behind."""
    run = _PublishRun(max_delay)
    token = _publish_run.set(run)
    try:
        yield
    finally:
        _publish_run.reset(token)
        run.publish()


def _publish_after_commit(pk: int) -> None:
    """Queue the send of ``pk`` after commit, with the other rows of the same transaction.

    A filing writes a mail per agent of the service: one broker session for
    all of them instead of one each. A batch whose hook a rollback discarded
    is not reused (its rows are gone with it)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        publish_send_many([pk])
        return
    batch = getattr(conn, "_guichet_publish_batch", None)
    if batch is None or not any(hook[1] == batch.flush for hook in conn.run_on_commit):
        batch = conn._guichet_publish_batch = _PublishBatch()
        transaction.on_commit(batch.flush, robust=True)
    batch.ids.append(pk)


def publish_send(outbound_id: int) -> bool:
    """Queue the send task for one row (see ``publish_send_many``)."""
    return publish_send_many([outbound_id]) == 1


def _broker_connection(url: str, timeout: float):
    """This thread's open connection to ``url``, reused from request to request
    (a new connection also re-declares the queue: two round trips more)."""
    from helpdesk.celery import app

    connections = _publishing.__dict__.setdefault("connections", {})
    conn = connections.get(url)
    if conn is None:
        # A broker that accepts the connection and then never answers would
        # block a plain publish forever: bound every socket operation too.
        transport_options = {
            **app.conf.broker_transport_options,
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
        }
        conn = connections[url] = app.connection_for_write(
            url=url, connect_timeout=timeout, transport_options=transport_options
        )
    return conn


def _drop_broker_connection(url: str) -> None:
    conn = _publishing.__dict__.get("connections", {}).pop(url, None)
    if conn is not None:
        try:
            conn.release()
        except Exception:  # already broken: nothing more to free
            logger.debug("outbox: broker connection release failed", exc_info=True)


def publish_send_many(outbound_ids: list[int]) -> int:
    """Queue the send task for each row over one broker connection; return how
    many were queued. Never raises, never blocks for long.

    Reads the broker URL from settings at call time. On any broker error it
    logs and stops: the rows stay pending for the sweeper. After a failure,
    the same broker is not tried again for a short while so that an outage
    costs one connect timeout, not one per mail.
    """
    from helpdesk.tasks import send_outbound_email, send_outbound_emails

    if not outbound_ids:
        return 0
    url = settings.CELERY_BROKER_URL
    if _broker_down_until.get(url, 0.0) > time.monotonic():
        logger.info("outbox: broker recently unreachable, rows %s left to the sweeper", outbound_ids)
        return 0
    timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT
    queued = 0
    try:
        conn = _broker_connection(url, timeout)
        conn.ensure_connection(max_retries=0, timeout=timeout)
        # One message per chunk of rows (a filing's mails, a sweep's batch),
        # not one per row: publishing costs more than a row's INSERT.
        for start in range(0, len(outbound_ids), PUBLISH_CHUNK):
            chunk = outbound_ids[start : start + PUBLISH_CHUNK]
            if len(chunk) == 1:
                send_outbound_email.apply_async((chunk[0],), connection=conn, retry=False)
            else:
                send_outbound_emails.apply_async((chunk,), connection=conn, retry=False)
            queued += len(chunk)
    except Exception as exc:  # whatever the broker does, the request must go on
        _drop_broker_connection(url)
        _broker_down_until[url] = time.monotonic() + settings.GUICHET_OUTBOX_BROKER_BACKOFF_SECONDS
        logger.warning("outbox: could not queue rows %s (%s); the sweeper will send them", outbound_ids[queued:], exc)
        return queued
    _broker_down_until.pop(url, None)
    return queued
