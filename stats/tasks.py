"""Celery tasks of the statistics app: thin, they call a domain function."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from stats import facts


@shared_task
def flush_facts() -> int:
    """Recompute the facts and roll-ups of the tickets changed since the last flush."""
    return facts.refresh_dirty()


@shared_task
def refresh_facts() -> int:
    """Recompute the statistics facts that are missing or older than their ticket."""
    return facts.rebuild(stale_only=True)


@shared_task
def refresh_after_closure_change(start: str) -> int:
    """Recompute the facts of the tickets a closure period starting on ``start`` may change."""
    return facts.rebuild(closed_since=date.fromisoformat(start))
