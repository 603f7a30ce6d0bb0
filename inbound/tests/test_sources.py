"""The MTA pipe command and the maildir import, run for real."""

from __future__ import annotations

import mailbox
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from inbound.handler import IngestResult, Outcome, TemporaryFailure, handle_message
from inbound.sources import EX_TEMPFAIL, import_maildir

from .conftest import build_mail


def run_ingest_email(raw: bytes, *, handler: str, record_dir=None) -> subprocess.CompletedProcess[bytes]:
    """``manage.py ingest_email`` as the MTA runs it: a process, the message on stdin."""
    env = {**os.environ, "GUICHET_TESTING": "1", "GUICHET_INBOUND_HANDLER": handler}
    if record_dir is not None:
        env["GUICHET_TEST_INBOUND_DIR"] = str(record_dir)
    return subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        input=raw,
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_ingest_email_command_hands_exact_bytes_to_the_handler(tmp_path):
    raw = build_mail() + b"8-bit \xe9 and CRLF\r\n"

    done = run_ingest_email(raw, handler="inbound.tests.handlers.record_to_directory", record_dir=tmp_path)

    assert done.returncode == 0, done.stderr.decode()
    assert [p.read_bytes() for p in tmp_path.glob("*.stdin.eml")] == [raw]


def test_ingest_email_command_exits_zero_for_refused_mail():
    # Garbage and bounces are taken (quarantined or ignored): the MTA must not bounce them.
    done = run_ingest_email(b"\x00\x01 not a mail", handler="inbound.handler.handle_message")
    assert done.returncode == 0, done.stderr.decode()


def test_ingest_email_command_exits_tempfail_when_not_taken():
    done = run_ingest_email(build_mail(), handler="inbound.tests.handlers.database_down")
    assert done.returncode == EX_TEMPFAIL
    assert b"database unreachable" in done.stderr + done.stdout


def test_ingest_email_command_reads_a_file(tmp_path, settings, monkeypatch):
    settings.GUICHET_INBOUND_HANDLER = "inbound.tests.handlers.record_to_directory"
    monkeypatch.setenv("GUICHET_TEST_INBOUND_DIR", str(tmp_path))
    message = tmp_path / "in.eml"
    message.write_bytes(build_mail())

    call_command("ingest_email", "--file", str(message), "--source", "reprocess")

    assert [p.read_bytes() for p in tmp_path.glob("*.reprocess.eml")] == [build_mail()]


class Recorder:
    """An ingestion callback that remembers what it was given, then handles it
    (or refuses messages whose subject says so, as a broken database would)."""

    def __init__(self) -> None:
        self.subjects: list[str] = []

    def __call__(self, raw: bytes, *, source: str) -> IngestResult:
        result = handle_message(raw, source=source)
        if "PANNE" in result.parsed.subject:
            raise TemporaryFailure("database unreachable")
        self.subjects.append(result.parsed.subject)
        return result


def make_maildir(path, subjects: list[str]) -> mailbox.Maildir:
    box = mailbox.Maildir(path, create=True)
    for index, subject in enumerate(subjects):
        key = box.add(build_mail(subject=subject, message_id=f"<m{index}@example.org>"))
        if index == 1:  # one already read by a person: in cur/ with the Seen flag
            message = box.get_message(key)
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
    return box


def test_import_maildir_moves_taken_messages_and_never_reimports(tmp_path):
    box = make_maildir(tmp_path / "Maildir", ["un", "deux", "trois"])
    recorder = Recorder()

    first = import_maildir(tmp_path / "Maildir", ingest=recorder)
    second = import_maildir(tmp_path / "Maildir", ingest=recorder)

    assert (first.processed, first.failures, second.processed) == (3, [], 0)
    assert sorted(recorder.subjects) == ["deux", "trois", "un"]
    assert len(box) == 0
    processed = box.get_folder("processed")
    assert sorted(m["Subject"] for m in processed) == ["deux", "trois", "un"]
    assert {m.get_subdir() for m in processed} == {"cur"}
    assert all("S" in m.get_flags() for m in processed)
    assert [o.outcome for o in first.results] == [Outcome.ACCEPTED] * 3


def test_import_maildir_one_failing_message_does_not_stop_the_batch(tmp_path):
    box = make_maildir(tmp_path / "Maildir", ["un", "PANNE", "trois"])
    recorder = Recorder()

    report = import_maildir(tmp_path / "Maildir", ingest=recorder)

    assert (report.processed, len(report.failures)) == (2, 1)
    assert "database unreachable" in report.failures[0]
    assert [m["Subject"] for m in box] == ["PANNE"]  # left in place, offered again next time


def test_import_maildir_command(tmp_path, settings, capsys):
    settings.GUICHET_INBOUND_HANDLER = "inbound.handler.handle_message"
    make_maildir(tmp_path / "Maildir", ["un", "deux"])

    call_command("import_maildir", str(tmp_path / "Maildir"))

    assert "2 message(s) taken" in capsys.readouterr().out
    assert len(mailbox.Maildir(tmp_path / "Maildir" / ".processed", create=False)) == 2


def test_import_maildir_command_missing_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_maildir", str(tmp_path / "nothing"))
