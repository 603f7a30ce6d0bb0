"""Celery tasks of inbound email (one beat entry per mailbox, see ``helpdesk.schedule``)."""

from __future__ import annotations

import logging

from celery import shared_task

from .sources import MailboxConfig, configured_mailboxes, poll_mailbox

logger = logging.getLogger(__name__)


@shared_task(name="inbound.tasks.poll_mailboxes")
def poll_mailboxes(name: str | None = None) -> dict[str, dict[str, object]]:
    """Poll every configured IMAP mailbox (or only the one called ``name``).

    One unreachable mailbox does not stop the others; the summary is the
    task's result: ``{name: {"processed": n, "failures": [...]}}``.
    """
    summary: dict[str, dict[str, object]] = {}
    configs: list[MailboxConfig] = [c for c in configured_mailboxes() if name is None or c.name == name]
    for config in configs:
        try:
            report = poll_mailbox(config)
        except Exception as exc:
            logger.exception("inbound imap:%s: polling failed", config.name)
            summary[config.name] = {"processed": 0, "failures": [f"{type(exc).__name__}: {exc}"]}
            continue
        summary[config.name] = {"processed": report.processed, "failures": report.failures}
    return summary
