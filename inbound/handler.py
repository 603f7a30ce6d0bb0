"""The ingestion callback every way in calls: ``ingest(raw, *, source)``.

Contract (kept by ``inbound.pipeline.ingest``, the handler that files tickets):

- It receives the raw bytes of exactly one message and a short ``source``
  label (``"stdin"``, ``"maildir:<path>"``, ``"imap:<mailbox name>"``).
- Returning normally means the message is **taken care of**: filed,
  threaded, ignored on purpose, or quarantined with a reason. The source
  then marks it processed and never offers it again.
- Raising means it was **not** taken: the source leaves it where it is to be
  offered again later (``TemporaryFailure`` for expected cases such as the
  database being unreachable; any other exception is treated the same and
  logged). It must therefore never raise for a bad message — a message that
  cannot be processed is quarantined, not raised.
- It must be idempotent for a message delivered twice (Message-ID, or
  content hash when there is none): a crash between ingestion and marking
  the message processed makes the source offer it again.

``handle_message`` here parses and classifies only and stores nothing (the
first step, also used on its own by tests and tools); the ingestion function
that files tickets is ``inbound.pipeline.ingest``, the default
``GUICHET_INBOUND_HANDLER``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings

from .classify import Classification, MailKind, classify
from .parse import ParsedMessage, parse_message


class TemporaryFailure(Exception):
    """The message could not be taken now; offer it again later."""


class Outcome(StrEnum):
    # handle_message (examination only)
    ACCEPTED = "accepted"  # a message from a person, ready to be filed
    IGNORED = "ignored"  # ours, an auto-reply or a bounce: recorded, never answered
    REFUSED = "refused"  # too large or unusable: the pipeline quarantines it with the reason
    # pipeline.ingest
    FILED = "filed"  # a new ticket
    CONTINUED = "continued"  # an answer or added information on an open ticket
    FOLLOW_UP = "follow_up"  # a reply to a closed ticket: a new, linked ticket
    DUPLICATE = "duplicate"  # delivered before: nothing done
    QUARANTINED = "quarantined"  # kept with the reason for an administrator


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    source: str
    dedup_key: str | None = None
    classification: Classification | None = None
    reason: str = ""
    parsed: ParsedMessage | None = field(default=None, repr=False, compare=False)
    ticket_reference: int | None = None  # the ticket filed or continued
    inbound_id: int | None = None  # the InboundMessage row


def handle_message(raw: bytes, *, source: str) -> IngestResult:
    """Parse and classify one message, storing nothing (an examining handler for the sources' tests)."""
    if len(raw) > settings.GUICHET_INBOUND_MAX_BYTES:
        return IngestResult(
            outcome=Outcome.REFUSED,
            source=source,
            reason=f"message of {len(raw)} bytes is over the {settings.GUICHET_INBOUND_MAX_BYTES}-byte limit",
        )
    parsed = parse_message(raw)
    classification = classify(parsed)
    if classification.kind != MailKind.NORMAL:
        outcome, reason = Outcome.IGNORED, "; ".join(classification.reasons)
    elif not parsed.from_address:
        outcome, reason = Outcome.REFUSED, "no sender address"
    else:
        outcome, reason = Outcome.ACCEPTED, ""
    return IngestResult(
        outcome=outcome,
        source=source,
        dedup_key=parsed.dedup_key,
        classification=classification,
        reason=reason,
        parsed=parsed,
    )
