"""Files kept between a new ticket's preview and its submission, and files nothing refers to."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from tickets import attachments as att
from tickets.hooks import hooks
from tickets.models import Attachment, PendingUpload

logger = logging.getLogger(__name__)

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


# The folders this app writes files to (``attachment_path`` prefixes) and the health
# check's probe; apps above add theirs through ``tickets.hooks.register_stored_files``.
STORED_PREFIXES = ("attachments", "pending", "healthz")


@dataclass
class OrphanReport:
    scanned: int = 0
    removed: list[str] = field(default_factory=list)


def _walk(directory: str) -> Iterator[str]:
    """Every file name under ``directory`` in the storage (file system and S3 alike)."""
    try:
        subdirectories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in subdirectories:
        yield from _walk(f"{directory}/{sub}")


def _referenced(names: list[str]) -> set[str]:
    return (
        set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
        | set(PendingUpload.objects.filter(file__in=names).values_list("file", flat=True))
        | set().union(*(referenced(names) for referenced in hooks.file_references.values()))
    )


def purge_orphan_files(*, grace: timedelta | None = None) -> OrphanReport:
    """Delete stored files that no row refers to and that are older than ``grace``.

    Such files come from a write that failed half-way before ``save_whole``
    existed, or a process killed between writing a file and committing its
    row. The grace period (``GUICHET_ORPHAN_FILE_GRACE_HOURS``) keeps files
    whose row is still being written. One query per 500 files listed.
    """
    limit = timezone.now() - (grace if grace is not None else timedelta(hours=settings.GUICHET_ORPHAN_FILE_GRACE_HOURS))
    report = OrphanReport()
    for prefix in (*STORED_PREFIXES, *hooks.file_references):
        names = _walk(prefix)
        while batch := list(itertools.islice(names, BATCH)):
            report.scanned += len(batch)
            referenced = _referenced(batch)
            for name in batch:
                if name in referenced or default_storage.get_modified_time(name) >= limit:
                    continue
                default_storage.delete(name)
                report.removed.append(name)
    if report.removed:
        logger.warning("storage: removed %d unreferenced file(s): %s", len(report.removed), report.removed[:20])
    return report
