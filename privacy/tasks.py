"""Celery tasks of the privacy app: thin, they take ids and call a service."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from privacy import inactive
from privacy.audit import purge_old_access_records
from privacy.export import data_export_build, purge_expired_exports
from privacy.models import DataExport


@shared_task
def build_data_export(*, export_id: int) -> str:
    """Prepare a requester's data export (ZIP); a no-op once it is ready."""
    export = DataExport.objects.filter(pk=export_id).select_related("user").first()
    if export is None:
        return "gone"
    return data_export_build(export=export).status


@shared_task
def purge_data_exports() -> int:
    """Delete the exports whose download link has expired."""
    return purge_expired_exports()


@shared_task
def purge_access_records() -> int:
    """Delete the audit trail rows past their own retention period."""
    return purge_old_access_records()


@shared_task
def handle_inactive_accounts() -> dict[str, int]:
    """Warn the newly inactive requester accounts, erase those warned in vain."""
    return asdict(inactive.handle_inactive_accounts())
