"""Outgoing mail: the notification outbox.

- ``queue_email`` (compose): render and save a mail in the current transaction;
  it is sent after commit.
- ``deliver_outbound_email`` / ``sweep_outbox`` (outbox): claim and send rows.
- ``make_message_id`` / ``is_our_message_id`` (message_id): signed Message-IDs.
"""

from helpdesk.mail.compose import (
    AUTO_GENERATED,
    AUTO_REPLIED,
    absolute_url,
    email_language,
    publish_send,
    queue_email,
    queue_emails,
    ticket_subject,
)
from helpdesk.mail.message_id import is_our_message_id, make_message_id, ticket_reference_from_message_id
from helpdesk.mail.outbox import (
    SweepReport,
    claim_due_batch,
    claim_outbound_email,
    deliver_outbound_email,
    outbox_problem_counts,
    recover_stuck,
    retry_delay,
    retry_outbound_emails,
    sweep_outbox,
)

__all__ = [
    "AUTO_GENERATED",
    "AUTO_REPLIED",
    "SweepReport",
    "absolute_url",
    "claim_due_batch",
    "claim_outbound_email",
    "deliver_outbound_email",
    "email_language",
    "is_our_message_id",
    "make_message_id",
    "outbox_problem_counts",
    "publish_send",
    "queue_email",
    "queue_emails",
    "recover_stuck",
    "retry_delay",
    "retry_outbound_emails",
    "sweep_outbox",
    "ticket_reference_from_message_id",
    "ticket_subject",
]
