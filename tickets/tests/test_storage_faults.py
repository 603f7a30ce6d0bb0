"""A write that fails half-way leaves no file; the nightly purge removes files nothing refers to."""

from __future__ import annotations

import errno
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tickets import workflow as wf
from tickets.attachments import CheckedFile
from tickets.models import Attachment, Ticket
from tickets.status import TicketStatus
from tickets.storage import save_whole
from tickets.uploads import purge_orphan_files

from .conftest import PDF, checked


class DiskFullAfterFirstChunk(SimpleUploadedFile):
    """The file system fills up after the first 64 kB were written (a full disk cannot be made here)."""

    def chunks(self, chunk_size=None):
        yield b"%PDF-1.4\n" + b"x" * 65536
        raise OSError(errno.ENOSPC, "No space left on device")


def stored_files() -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_failed_attachment_write_leaves_no_partial_file_and_files_nothing(requester, category):
    good = checked("rapport.pdf", PDF)
    failing = CheckedFile(
        file=DiskFullAfterFirstChunk("gros.pdf", PDF),
        original_name="gros.pdf",
        content_type="application/pdf",
        size=70000,
    )
    with pytest.raises(OSError, match="No space left"):
        wf.ticket_file(
            requester=requester, category=category, title="Écran noir", description="…", files=[good, failing]
        )
    assert (Ticket.objects.count(), Attachment.objects.count()) == (0, 0)
    assert stored_files() == []  # neither the half-written file nor the first, whole one


@pytest.mark.django_db
def test_later_uploads_work_after_a_failed_write(make_ticket):
    with pytest.raises(OSError):
        save_whole("attachments/2026/11/partial", DiskFullAfterFirstChunk("x.pdf", PDF))
    ticket = make_ticket(TicketStatus.NEW, files=[checked("a.pdf", PDF)])
    assert stored_files() == [ticket.attachments.get().file.name]


def age(name: str, hours: float) -> None:
    moment = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(default_storage.path(name), (moment, moment))


@pytest.mark.django_db
def test_purge_removes_an_unreferenced_file_past_the_grace_period_only(make_ticket, settings):
    settings.GUICHET_ORPHAN_FILE_GRACE_HOURS = 6
    ticket = make_ticket(TicketStatus.NEW, files=[checked("a.pdf", PDF)])
    kept = ticket.attachments.get().file.name
    orphan = default_storage.save("attachments/2026/10/orphan", ContentFile(b"left by a crash"))
    in_flight = default_storage.save("pending/2026/11/in-flight", ContentFile(b"row not committed yet"))
    for name in (kept, orphan):
        age(name, 7)
    age(in_flight, 1)
    report = purge_orphan_files()
    assert (report.scanned, report.removed) == (3, [orphan])
    assert stored_files() == sorted([kept, in_flight])
