"""Project-wide Celery tasks."""

import logging
from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from helpdesk.mail import deliver_outbound_email
from helpdesk.mail import sweep_outbox as sweep

logger = logging.getLogger(__name__)


@shared_task
def ping() -> str:
    """Answer ``pong``: lets tests and operators prove a worker consumes the queue."""
    return "pong"


@shared_task
def heartbeat() -> str:
    now = timezone.now().isoformat()
    logger.info("heartbeat %s", now)
    return now


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_email(outbound_id: int) -> str | None:
    """Send one outbox row, queued on commit by ``helpdesk.mail.queue_email``.

    Safe to run twice or concurrently with the sweeper: the row is claimed
    first. A failure is recorded on the row and retried by ``sweep_outbox``.
    """
    outcome = deliver_outbound_email(outbound_id=outbound_id)
    return str(outcome) if outcome else None


@shared_task(acks_late=True, ignore_result=True)
def send_outbound_emails(outbound_ids: list[int]) -> int:
    """Send several outbox rows (one transaction's mails, queued together on
    commit); each is claimed and recorded as by ``send_outbound_email``.
    Returns how many this worker handled (the others: claimed elsewhere)."""
    return sum(deliver_outbound_email(outbound_id=outbound_id) is not None for outbound_id in outbound_ids)


@shared_task(ignore_result=False)
def sweep_outbox() -> dict[str, int]:
    """Send due pending rows (retries, and rows that could not be queued)."""
    return asdict(sweep())


@shared_task(ignore_result=True)
def send_outbox_summary() -> int:
    """Tell the administrators about failed, retrying and stuck mail (daily)."""
    from helpdesk.mail.summary import send_outbox_summary as send

    return send()
