"""Files kept between a new ticket's preview and its submission."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from tickets.models import PendingUpload

BATCH = 500


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
