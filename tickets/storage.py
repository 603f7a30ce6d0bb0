"""Writing a file to the storage whole, or not at all.

``FileSystemStorage`` (and an S3 multipart upload cut short) can leave the
beginning of a file behind when a write fails half-way — a full disk, a
dropped connection — and nothing refers to it. ``save_whole`` removes what
was written before re-raising; the nightly ``purge_orphan_files``
(``tickets.uploads``) sweeps what a crash could still leave.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


def save_whole(name: str, content: Any) -> str:
    """``default_storage.save`` that leaves no partial file when it fails; return the stored name."""
    name = default_storage.get_available_name(name)
    try:
        return default_storage.save(name, content)
    except BaseException:
        try:
            default_storage.delete(name)
        except Exception:  # the original error is the one to report
            logger.exception("storage: could not remove the partial file %s", name)
        raise
