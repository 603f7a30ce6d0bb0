"""Ingestion callbacks for the tests of the sources (named by dotted path in
``GUICHET_INBOUND_HANDLER`` when a source runs in a separate process)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from inbound.handler import IngestResult, TemporaryFailure, handle_message


def record_to_directory(raw: bytes, *, source: str) -> IngestResult:
    """Write each message to ``$GUICHET_TEST_INBOUND_DIR`` then handle it."""
    directory = Path(os.environ["GUICHET_TEST_INBOUND_DIR"])
    (directory / f"{uuid.uuid4().hex}.{source}.eml").write_bytes(raw)
    return handle_message(raw, source=source)


def database_down(raw: bytes, *, source: str) -> IngestResult:
    """Stands for the real handler when PostgreSQL is unreachable."""
    raise TemporaryFailure("database unreachable")
