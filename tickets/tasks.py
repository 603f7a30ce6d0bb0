"""Celery tasks of the tickets app: thin, they call a domain function."""

from __future__ import annotations

from celery import shared_task

from tickets.uploads import purge_pending_uploads


@shared_task
def purge_stale_pending_uploads() -> int:
    """Delete files kept for a preview that was never submitted."""
    return purge_pending_uploads()
