"""Celery tasks of the tickets app: thin, they call a domain function."""

from __future__ import annotations

from celery import shared_task

from tickets.uploads import purge_pending_uploads


@shared_task
def purge_stale_pending_uploads() -> int:
    """Delete files kept for a preview that was never submitted."""
    return purge_pending_uploads()


@shared_task
def purge_orphan_files() -> int:
    """Delete stored files that no row refers to (past a grace period)."""
    from tickets.uploads import purge_orphan_files as purge

    return len(purge().removed)


@shared_task(ignore_result=False)
def send_due_reminders() -> dict[str, int]:
    """Remind requesters whose ARS/AVS reminder date has come."""
    from dataclasses import asdict

    from tickets.sweeps import send_due_reminders as sweep

    return asdict(sweep())


@shared_task(ignore_result=False)
def expire_due_tickets() -> dict[str, int]:
    """Close automatically the ARS (→ ABN) and AVS (→ TER) tickets whose delay has run out."""
    from dataclasses import asdict

    from tickets.sweeps import expire_due_tickets as sweep

    return asdict(sweep())


@shared_task(ignore_result=False)
def send_queue_digests() -> int:
    """Send the agents who chose it the daily digest of new tickets in their queue."""
    from tickets.notifications.digest import send_queue_digests as send

    return send()
