"""Files kept between a new ticket's preview and its submission."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from tickets import attachments as att
from tickets.models import PendingUpload

BATCH = 500


def pending_uploads_create(*, user: Any, files: Sequence[att.CheckedFile]) -> list[PendingUpload]:
    """Keep checked files as ``user``'s pending uploads until the ticket is submitted."""
    kept = []
    for checked in files:
        name = att.store(checked, prefix="pending")
        kept.append(
            PendingUpload.objects.create(
                user=user,
                file=name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
            )
        )
    return kept


def purge_pending_uploads(*, older_than: timedelta | None = None) -> int:
    """Delete stale pending uploads and their stored files; return how many.

    Selects through the index on ``created``, in batches, so the cost follows
    the number of stale rows.
    """
    limit = timezone.now() - (older_than or timedelta(hours=settings.GUICHET_PENDING_UPLOAD_HOURS))
    purged = 0
    while True:
        batch = list(PendingUpload.objects.filter(created__lt=limit).order_by("created")[:BATCH])
        if not batch:
            return purged
        for upload in batch:
            default_storage.delete(upload.file.name)
        PendingUpload.objects.filter(pk__in=[u.pk for u in batch]).delete()
        purged += len(batch)
