"""The three ways mail comes in, all handing raw bytes to one callback.

- ``ingest_stream``: one message on standard input (an MTA pipe such as
  Postfix's ``pipe`` transport), used by ``manage.py ingest_email``;
- ``import_maildir``: every message of a Maildir, used by
  ``manage.py import_maildir``;
- ``poll_mailbox``: an IMAP mailbox, used by the Celery task.

The callback contract is in ``handler.py``: returning means the message is
taken care of (the source marks it processed); raising means it is not (the
source leaves it to be offered again). One failing message never stops the
others.
"""

from __future__ import annotations

import logging
import mailbox
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.module_loading import import_string
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.mailbox import BaseMailBox

from .routing import ingest_run

logger = logging.getLogger(__name__)

IngestCallback = Callable[..., object]  # ingest(raw: bytes, *, source: str) -> result

# sysexits.h: the MTA keeps the message and retries later.
EX_OK = 0
EX_TEMPFAIL = 75

PROCESSED_KEYWORD = "$GuichetProcessed"  # IMAP keyword set on every message taken
MAILDIR_PROCESSED_FOLDER = "processed"


def get_ingest_callback() -> IngestCallback:
    """The callback named by ``settings.GUICHET_INBOUND_HANDLER``."""
    return import_string(settings.GUICHET_INBOUND_HANDLER)


@dataclass
class BatchReport:
    """What one run of a source did."""

    source: str
    processed: int = 0
    results: list[object] = field(default_factory=list, repr=False)
    failures: list[str] = field(default_factory=list)  # "<message key>: <error>"


# --- Standard input (MTA pipe) ------------------------------------------------


def ingest_stream(stream: BinaryIO, *, ingest: IngestCallback | None = None, source: str = "stdin") -> int:
    """Read one message from ``stream`` and ingest it; return an exit status.

    0 when the message was taken — even refused or quarantined mail, which
    the MTA must not bounce back to a possibly forged sender; 75
    (EX_TEMPFAIL) when it was not, so that the MTA keeps it and retries.
    """
    ingest = ingest or get_ingest_callback()
    try:
        raw = stream.read()
    except OSError:
        logger.exception("inbound %s: could not read the message", source)
        return EX_TEMPFAIL
    try:
        result = ingest(raw, source=source)
    except Exception:
        logger.exception("inbound %s: message of %d bytes not taken, the MTA will retry", source, len(raw))
        return EX_TEMPFAIL
    logger.info("inbound %s: %r", source, result)
    return EX_OK


# --- Maildir ------------------------------------------------------------------


def import_maildir(
    path: str | os.PathLike[str],
    *,
    ingest: IngestCallback | None = None,
    processed_folder: str = MAILDIR_PROCESSED_FOLDER,
) -> BatchReport:
    """Ingest every message in ``path``'s ``new/`` and ``cur/``.

    Each message taken is moved (an atomic rename) into the Maildir++
    subfolder ``.<processed_folder>/cur`` with the Seen flag, so a second run
    never sees it again; a message the callback raised for stays in place.
    """
    ingest = ingest or get_ingest_callback()
    box = mailbox.Maildir(path, factory=None, create=False)
    if processed_folder not in box.list_folders():
        box.add_folder(processed_folder)
    # Maildir++ layout: the subfolder "x" of a Maildir is its directory ".x".
    processed_root = Path(path) / f".{processed_folder}"
    report = BatchReport(source=f"maildir:{path}")
    with ingest_run():  # addresses and catalogue read once per run
        for key in sorted(box.iterkeys()):
            try:
                raw = box.get_bytes(key)
            except (KeyError, FileNotFoundError):
                continue  # taken by a concurrent run
            except Exception as exc:
                report.failures.append(f"{key}: {type(exc).__name__}: {exc}")
                continue
            try:
                result = ingest(raw, source=report.source)
            except Exception as exc:
                logger.exception("inbound %s: message %s not taken", report.source, key)
                report.failures.append(f"{key}: {type(exc).__name__}: {exc}")
                continue
            try:
                _move_to_processed(box, Path(path), key, processed_root)
            except Exception as exc:
                # Taken but still in place: the next run offers it again, and the
                # handler's deduplication recognises it.
                logger.exception("inbound %s: message %s taken but not moved", report.source, key)
                report.failures.append(f"{key}: taken, not moved: {exc}")
            report.processed += 1
            report.results.append(result)
    return report


def _move_to_processed(box: mailbox.Maildir, root: Path, key: str, processed_root: Path) -> None:
    """Rename the file (atomic, same filesystem) into the processed folder's
    ``cur/`` with the Seen flag; the file name is ``<key>[:2,<flags>]``."""
    message = box.get_message(key)
    info = message.get_info()
    source = root / message.get_subdir() / (key + (box.colon + info if info else ""))
    flags = "".join(sorted(set(message.get_flags()) | {"S"}))
    os.replace(source, processed_root / "cur" / f"{key}{box.colon}2,{flags}")


# --- IMAP ---------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxConfig:
    """One polled mailbox, from ``settings.GUICHET_IMAP_MAILBOXES``."""

    name: str
    host: str
    user: str
    password: str = field(repr=False)
    port: int | None = None
    security: str = "ssl"  # "ssl" (implicit TLS, port 993), "starttls" or "none" (tests, local relays)
    folder: str = "INBOX"
    processed_folder: str = "Guichet-traites"  # "" to leave messages in place, flagged
    timeout: float = 30.0
    poll_every: int = 60  # seconds between two polls (its beat entry, helpdesk/schedule.py)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> MailboxConfig:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown IMAP mailbox settings: {', '.join(sorted(unknown))}")
        config = cls(**data)  # type: ignore[arg-type]
        if config.security not in {"ssl", "starttls", "none"}:
            raise ValueError(f"IMAP security must be ssl, starttls or none, not {config.security!r}")
        return config

    def connect(self) -> BaseMailBox:
        if self.security == "ssl":
            box: BaseMailBox = MailBox(
                self.host, self.port or 993, timeout=self.timeout, ssl_context=ssl.create_default_context()
            )
        elif self.security == "starttls":
            box = MailBoxStartTls(
                self.host, self.port or 143, timeout=self.timeout, ssl_context=ssl.create_default_context()
            )
        else:
            box = MailBoxUnencrypted(self.host, self.port or 143, timeout=self.timeout)
        try:
            return box.login(self.user, self.password, initial_folder=self.folder)
        except BaseException:
            box.client.shutdown()  # a refused login must not leak the connection
            raise


def configured_mailboxes() -> list[MailboxConfig]:
    return [MailboxConfig.from_dict(dict(item)) for item in settings.GUICHET_IMAP_MAILBOXES]


def _fetch_raw(box: BaseMailBox, uid: str) -> bytes:
    """The message's exact bytes; BODY.PEEK leaves the \\Seen flag alone."""
    status, data = box.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        raise RuntimeError(f"FETCH {uid} answered {status}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise RuntimeError(f"FETCH {uid} returned no message")


def poll_mailbox(config: MailboxConfig, *, ingest: IngestCallback | None = None) -> BatchReport:
    """Ingest every message of the mailbox not yet taken.

    "Not yet taken" is "without our ``$GuichetProcessed`` keyword", not
    "unseen": an agent who opens the shared mailbox in a mail client must not
    hide a message from Guichet. Each message taken is flagged at once
    (\\Seen and the keyword); at the end, taken messages are moved to
    ``processed_folder`` when one is configured.
    """
    ingest = ingest or get_ingest_callback()
    report = BatchReport(source=f"imap:{config.name}")
    with config.connect() as box:
        if config.processed_folder and not box.folder.exists(config.processed_folder):
            box.folder.create(config.processed_folder)
        taken: list[str] = []
        with ingest_run():  # addresses and catalogue read once per run
            for uid in box.uids(AND(no_keyword=PROCESSED_KEYWORD)):
                try:
                    raw = _fetch_raw(box, uid)
                    result = ingest(raw, source=report.source)
                except Exception as exc:
                    logger.exception("inbound %s: message UID %s not taken", report.source, uid)
                    report.failures.append(f"{uid}: {type(exc).__name__}: {exc}")
                    continue
                report.processed += 1
                report.results.append(result)
                taken.append(uid)
                try:
                    box.flag(uid, ("\\Seen", PROCESSED_KEYWORD), True)
                except Exception as exc:
                    logger.exception("inbound %s: message UID %s taken but not flagged", report.source, uid)
                    report.failures.append(f"{uid}: taken, not flagged: {exc}")
        if taken and config.processed_folder:
            try:
                box.move(taken, config.processed_folder)
            except Exception as exc:
                # Flagged already: they will not be taken twice.
                logger.exception("inbound %s: taken messages not moved", report.source)
                report.failures.append(f"move to {config.processed_folder}: {exc}")
    return report
