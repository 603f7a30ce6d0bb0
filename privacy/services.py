"""Writes of the privacy app that queue background work."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from privacy.models import DataExport, DataExportStatus
from privacy.tasks import build_data_export


def data_export_request(*, user: Any) -> DataExport:
    """Record a requester's export request and queue its preparation once the row is committed.

    One export in preparation at a time: asking again returns it (each build reads every file)."""
    pending = DataExport.objects.filter(user=user, status=DataExportStatus.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user)
    transaction.on_commit(lambda: build_data_export.delay(export_id=export.pk), robust=True)
    return export
