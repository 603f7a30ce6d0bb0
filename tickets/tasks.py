"""Celery tasks of the tickets app: thin, they call a domain function."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from tickets import retention, sweeps, uploads
from tickets.notifications import digest


@shared_task
def purge_stale_pending_uploads() -> int:
    """Delete files kept for a preview that was never submitted."""
    return uploads.purge_pending_uploads()


@shared_task
def purge_orphan_files() -> int:
    """Delete stored files that no row refers to (past a grace period)."""
    return len(uploads.purge_orphan_files().removed)


@shared_task(ignore_result=False)
def send_due_reminders() -> dict[str, int]:
    """Remind requesters whose ARS/AVS reminder date has come."""
    return asdict(sweeps.send_due_reminders())


@shared_task(ignore_result=False)
def expire_due_tickets() -> dict[str, int]:
    """Close automatically the ARS (→ ABN) and AVS (→ TER) tickets whose delay has run out."""
    return asdict(sweeps.expire_due_tickets())


@shared_task(ignore_result=False)
def send_queue_digests() -> int:
    """Send the agents who chose it the daily digest of new tickets in their queue."""
    return digest.send_queue_digests()


@shared_task(ignore_result=False)
def anonymise_due_tickets() -> int:
    """Anonymise the closed tickets past their branch's retention period."""
    return retention.anonymise_due_tickets()
