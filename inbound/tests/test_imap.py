"""IMAP polling against a real Dovecot started by the tests (see dovecot.py)."""

from __future__ import annotations

import dataclasses

import pytest
from imap_tools import AND
from imap_tools.errors import MailboxLoginError

from inbound.handler import IngestResult, Outcome, TemporaryFailure, handle_message
from inbound.sources import PROCESSED_KEYWORD, poll_mailbox
from inbound.tasks import poll_mailboxes

from .conftest import build_mail
from .dovecot import free_port


class Recorder:
    """Ingestion callback: remembers the raw messages, refuses subjects with PANNE."""

    def __init__(self) -> None:
        self.raws: list[bytes] = []

    def __call__(self, raw: bytes, *, source: str) -> IngestResult:
        result = handle_message(raw, source=source)
        if "PANNE" in result.parsed.subject:
            raise TemporaryFailure("database unreachable")
        self.raws.append(raw)
        return result


def deliver(config, messages: list[bytes], flags: tuple[str, ...] = ()) -> None:
    with config.connect() as box:
        for raw in messages:
            box.append(raw, "INBOX", flag_set=flags)


def subjects(config, folder: str) -> list[str]:
    with config.connect() as box:
        box.folder.set(folder)
        return sorted(m.subject for m in box.fetch(mark_seen=False))


def test_poll_mailbox_ingests_then_moves_and_never_reimports(imap_config):
    bounce = b"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org\r\nSubject: failure\r\n\r\nGone.\r\n"
    deliver(imap_config, [build_mail(subject="Accès ENT"), bounce, b"\x00 not a mail at all\r\n"])
    recorder = Recorder()

    first = poll_mailbox(imap_config, ingest=recorder)
    second = poll_mailbox(imap_config, ingest=recorder)

    assert (first.processed, first.failures, second.processed, second.failures) == (3, [], 0, [])
    assert [r.outcome for r in first.results] == [Outcome.ACCEPTED, Outcome.IGNORED, Outcome.REFUSED]
    # The exact bytes reach the callback (the server stores lines with CRLF).
    assert recorder.raws[0].replace(b"\r\n", b"\n") == build_mail(subject="Accès ENT").replace(b"\r\n", b"\n")
    assert subjects(imap_config, "INBOX") == []
    with imap_config.connect() as box:
        box.folder.set(imap_config.processed_folder)
        moved = list(box.fetch(mark_seen=False))
    assert len(moved) == 3
    assert all({"\\Seen", PROCESSED_KEYWORD} <= set(m.flags) for m in moved)


def test_poll_mailbox_without_processed_folder_only_flags(imap_config):
    config = dataclasses.replace(imap_config, processed_folder="")
    deliver(config, [build_mail(subject="un"), build_mail(subject="deux", message_id="<m2@example.org>")])

    first = poll_mailbox(config, ingest=Recorder())
    second = poll_mailbox(config, ingest=Recorder())

    assert (first.processed, second.processed) == (2, 0)
    with config.connect() as box:
        assert len(box.uids(AND(keyword=PROCESSED_KEYWORD))) == 2
        assert [f.name for f in box.folder.list()] == ["INBOX"]


def test_poll_mailbox_message_read_by_a_person_is_still_ingested(imap_config):
    deliver(imap_config, [build_mail(subject="déjà lu")], flags=("\\Seen",))
    assert poll_mailbox(imap_config, ingest=Recorder()).processed == 1


def test_poll_mailbox_one_failing_message_does_not_stop_the_batch(imap_config):
    deliver(
        imap_config,
        [
            build_mail(subject="un"),
            build_mail(subject="PANNE", message_id="<p@example.org>"),
            build_mail(subject="trois"),
        ],
    )

    report = poll_mailbox(imap_config, ingest=Recorder())

    assert (report.processed, len(report.failures)) == (2, 1)
    assert "database unreachable" in report.failures[0]
    assert subjects(imap_config, "INBOX") == ["PANNE"]
    with imap_config.connect() as box:
        assert box.uids(AND(keyword=PROCESSED_KEYWORD)) == []
        assert len(box.uids(AND(seen=False))) == 1  # not marked read: a person still sees it as new
    # Once the cause is gone, the next poll takes it.
    assert poll_mailbox(imap_config, ingest=handle_message).processed == 1


def test_poll_mailboxes_task_polls_every_configured_mailbox(imap_config, settings):
    deliver(imap_config, [build_mail()])
    settings.GUICHET_INBOUND_HANDLER = "inbound.handler.handle_message"
    settings.GUICHET_IMAP_MAILBOXES = [
        {"name": "injoignable", "host": "127.0.0.1", "port": free_port(), "user": "x", "password": "y",
         "security": "none", "timeout": 3},
        {"name": imap_config.name, "host": imap_config.host, "port": imap_config.port, "user": imap_config.user,
         "password": imap_config.password, "security": "none", "processed_folder": "Traites"},
    ]  # fmt: skip

    summary = poll_mailboxes()

    assert summary[imap_config.name] == {"processed": 1, "failures": []}
    assert summary["injoignable"]["processed"] == 0
    assert "ConnectionRefusedError" in summary["injoignable"]["failures"][0]
    assert poll_mailboxes(name=imap_config.name) == {imap_config.name: {"processed": 0, "failures": []}}


def test_poll_mailbox_wrong_password_raises(imap_config):
    with pytest.raises(MailboxLoginError, match="AUTHENTICATIONFAILED"):
        poll_mailbox(dataclasses.replace(imap_config, password="wrong"), ingest=Recorder())


# --- Phase 2: the real pipeline and the beat entries -------------------------------


def test_poll_mailbox_files_tickets_and_never_reimports(imap_config, inbound_address, requester, settings):
    from inbound.models import InboundMessage, Quarantine
    from tickets.models import Ticket

    settings.GUICHET_INBOUND_HANDLER = "inbound.pipeline.ingest"
    bounce = b"Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.org\r\nSubject: failure\r\n\r\nGone.\r\n"
    deliver(
        imap_config,
        [build_mail(sender=requester.email, subject="Accès ENT"), bounce, b"\x00 not a mail at all\r\n"],
    )

    first = poll_mailbox(imap_config)
    # A person puts a copy back in the inbox: recognised by its Message-ID.
    deliver(imap_config, [build_mail(sender=requester.email, subject="Accès ENT")])
    second = poll_mailbox(imap_config)
    third = poll_mailbox(imap_config)

    assert [r.outcome for r in first.results] == [Outcome.FILED, Outcome.IGNORED, Outcome.QUARANTINED]
    assert [r.outcome for r in second.results] == [Outcome.DUPLICATE]
    assert (third.processed, third.failures) == (0, [])
    assert list(Ticket.objects.values_list("title", "requester")) == [("Accès ENT", requester.pk)]
    assert (InboundMessage.objects.count(), Quarantine.objects.count()) == (3, 1)
    assert InboundMessage.objects.filter(source=f"imap:{imap_config.name}").count() == 3
    assert subjects(imap_config, "INBOX") == []
    assert len(subjects(imap_config, imap_config.processed_folder)) == 4


def test_beat_has_one_entry_per_configured_mailbox(settings):
    import importlib

    import helpdesk.schedule

    settings.GUICHET_IMAP_MAILBOXES = [
        {"name": "dsi", "host": "imap.example.org", "user": "dsi", "password": "x"},
        {"name": "scol", "host": "imap.example.org", "user": "scol", "password": "y", "poll_every": 300},
    ]
    try:
        schedule = importlib.reload(helpdesk.schedule).BEAT_SCHEDULE
    finally:
        settings.GUICHET_IMAP_MAILBOXES = []
        importlib.reload(helpdesk.schedule)

    entries = {k: v for k, v in schedule.items() if k.startswith("inbound-imap-")}
    assert sorted(entries) == ["inbound-imap-dsi", "inbound-imap-scol"]
    assert entries["inbound-imap-scol"]["task"] == "inbound.tasks.poll_mailboxes"
    assert entries["inbound-imap-scol"]["args"] == ("scol",)
    assert entries["inbound-imap-scol"]["schedule"].total_seconds() == 300
    assert entries["inbound-imap-dsi"]["schedule"].total_seconds() == 60
    assert "heartbeat" in schedule  # appended to, not replacing, the shared schedule
