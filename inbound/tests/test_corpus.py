"""Golden tests over every message of the shared real-world mail corpus."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

from inbound.classify import MailKind, classify
from inbound.handler import IngestResult, Outcome, handle_message
from inbound.parse import parse_message

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "mail-corpus"
NOT_MAIL = {"LICENSE", "README", "README.md", "NOTICE"}


def corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return ["<corpus directory missing>"]  # the test below then fails, it does not skip
    return sorted(
        str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*") if path.is_file() and path.name not in NOT_MAIL
    )


def test_corpus_directory_is_present():
    assert CORPUS.is_dir(), f"the mail corpus is missing at {CORPUS}"
    assert len(corpus_files()) >= 150


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_message_parses_and_classifies(name):
    assert CORPUS.is_dir(), f"the mail corpus is missing at {CORPUS}"
    raw = (CORPUS / name).read_bytes()

    parsed = parse_message(raw)
    classification = classify(parsed)
    result = handle_message(raw, source="corpus")

    assert parsed.raw == raw
    assert bool(parsed.text.strip() or parsed.attachments or parsed.problems) is True
    assert len(parsed.content_hash) == 64
    assert parsed.dedup_key != ""
    assert classification.kind in set(MailKind)
    assert isinstance(result, IngestResult)
    assert result.outcome in set(Outcome)
    for attachment in parsed.attachments:
        assert "/" not in attachment.filename and "\\" not in attachment.filename
        assert not any(unicodedata.category(ch) == "Cc" for ch in attachment.filename)
        assert not attachment.filename.startswith(".")
        assert 0 < len(attachment.filename.encode()) <= 150
    for value in (parsed.subject, parsed.from_name):
        assert "\n" not in value and "\r" not in value


BOUNCES = [
    "flanker/bounce__broken-mime.eml",
    "flanker/bounce__delayed-broken.eml",
    "flanker/bounce__delayed.eml",
    "flanker/bounce__gmail-invalid-address.eml",
    "flanker/bounce__gmail-no-dns.eml",
    "flanker/bounce__mailbox-full.eml",
    "flanker/bounce__no-mx.eml",
    "flanker/bounce__office365.eml",
    "flanker/bounce__zed.eml",
    "mail-parser/mail_malformed_2",
    "mikel-mail/mime_emails__raw_email_with_mimepart_without_content_type.eml",
    "mikel-mail/multipart_report_emails__multi_address_bounce1.eml",
    "mikel-mail/multipart_report_emails__multi_address_bounce2.eml",
    "mikel-mail/multipart_report_emails__multipart_report_multiple_status.eml",
    "mikel-mail/multipart_report_emails__report_422.eml",
    "mikel-mail/multipart_report_emails__report_530.eml",
]
AUTO_REPLIES = [
    "flanker/complaints__aol.eml",  # ARF feedback report
    "flanker/complaints__yahoo.eml",  # ARF without report-type parameter
    "flanker/disposition-notification.eml",  # read receipt
    "mail-parser/mail_test_16",  # Precedence: junk
    "mail-parser/mail_test_5",  # Precedence: bulk newsletter
]
NORMAL = [
    "talon/standard_replies__gmail.eml",
    "talon/standard_replies__outlook.eml",
    "talon/standard_replies__thunderbird.eml",
    "mikel-mail/plain_emails__basic_email.eml",
    "mikel-mail/rfc2822__example01.eml",
    "mail-parser/mail_test_1",
    "flanker/iphone.eml",
]


@pytest.mark.parametrize(
    ("name", "kind"),
    [(n, MailKind.BOUNCE) for n in BOUNCES]
    + [(n, MailKind.AUTO_REPLY) for n in AUTO_REPLIES]
    + [(n, MailKind.NORMAL) for n in NORMAL],
)
def test_corpus_message_classification_is_expected(name, kind):
    assert classify(parse_message((CORPUS / name).read_bytes())).kind == kind


def test_corpus_every_file_named_bounce_is_a_bounce():
    names = [n for n in corpus_files() if Path(n).name.startswith("bounce__")]
    assert len(names) == 9
    kinds = {n: classify(parse_message((CORPUS / n).read_bytes())).kind for n in names}
    assert kinds == dict.fromkeys(names, MailKind.BOUNCE)


def _classify(name: str):
    return classify(parse_message((CORPUS / name).read_bytes()))


def test_corpus_dsn_gives_failed_recipient_and_original_message_id():
    result = _classify("flanker/bounce__mailbox-full.eml")
    assert result.failed_recipients == ("user@aol.com",)
    assert result.original_message_id == "<4E326A95.3010907@example.com>"


def test_corpus_dsn_with_several_recipients_lists_them_all():
    result = _classify("mikel-mail/multipart_report_emails__multi_address_bounce1.eml")
    assert len(result.failed_recipients) == 5
    assert result.original_message_id == "<118707422.15521266992174819.JavaMail.root@lvmail01>"


def test_corpus_delayed_dsn_is_not_a_hard_bounce():
    result = _classify("mikel-mail/multipart_report_emails__report_422.eml")
    assert [(r.recipient, r.action, r.status) for r in result.recipients] == [
        ("fraser@oooooooo.com.au", "delayed", "4.2.2")
    ]
    assert result.failed_recipients == ()


def test_corpus_bounce_without_dsn_uses_x_failed_recipients():
    result = _classify("flanker/bounce__gmail-invalid-address.eml")
    assert result.failed_recipients == ("awfawfawfawfawfaw@someserverhere.com",)


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("mail-parser/mail_test_1", "ФНС_РФ558.zip"),  # raw UTF-8 in the header
        ("mikel-mail/attachment_emails__attachment_with_base64_encoded_name.eml", "This is a test.pdf"),
        ("mikel-mail/multi_charset__japanese_attachment.eml", "てすと.txt"),
        ("mikel-mail/attachment_emails__attachment_nonascii_filename.eml", "ciële.txt"),
        ("flanker/attached-pdf.eml", "test.pdf"),
    ],
)
def test_corpus_attachment_names_are_decoded(name, filename):
    parsed = parse_message((CORPUS / name).read_bytes())
    assert filename in [a.filename for a in parsed.attachments]


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("mail-parser/mail_test_5", "Je prépare mon été zéro complexe !"),
        ("mikel-mail/multi_charset__japanese_iso_2022.eml", "まみむめも"),
        ("mikel-mail/rfc6532__utf8_headers.eml", "Säying Hello"),
        ("mail-parser/mail_test_1", "письмо уведом-е"),
    ],
)
def test_corpus_subjects_are_decoded(name, subject):
    assert parse_message((CORPUS / name).read_bytes()).subject == subject


# --- Phase 2: every corpus message through the real pipeline ----------------------


@pytest.fixture
def default_category(settings, category):
    # Corpus mail is addressed to strangers' addresses: it lands in the default category.
    settings.GUICHET_INBOUND_DEFAULT_CATEGORY = category.slug
    return category


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_message_files_or_is_recorded_nothing_vanishes(name, default_category):
    from inbound.models import InboundMessage, InboundOutcome, Quarantine
    from inbound.pipeline import ingest
    from tickets.models import Ticket

    raw = (CORPUS / name).read_bytes()

    result = ingest(raw, source=f"corpus:{name}")
    again = ingest(raw, source=f"corpus:{name}")

    inbound = InboundMessage.objects.get()
    assert inbound.raw == raw
    assert again.outcome == Outcome.DUPLICATE
    assert result.outcome in {Outcome.FILED, Outcome.IGNORED, Outcome.QUARANTINED}
    if result.outcome == Outcome.FILED:
        ticket = Ticket.objects.get()
        assert (inbound.outcome, inbound.ticket) == (InboundOutcome.FILED, ticket)
        assert ticket.title.strip() and ticket.description.strip()
    elif result.outcome == Outcome.QUARANTINED:
        quarantine = Quarantine.objects.get()
        assert quarantine.reason and quarantine.detail
        assert Ticket.objects.count() == 0
    else:
        assert (inbound.outcome, inbound.reason != "") == (InboundOutcome.IGNORED, True)
        assert Ticket.objects.count() == 0


def test_corpus_outcomes_overall(default_category):
    """The whole corpus in one batch: how many file, are ignored or quarantined."""
    from collections import Counter

    from inbound.models import InboundMessage, Quarantine
    from inbound.pipeline import ingest

    names = corpus_files()
    outcomes = Counter(ingest((CORPUS / n).read_bytes(), source="corpus").outcome for n in names)

    assert sum(outcomes.values()) == len(names)
    assert outcomes[Outcome.FILED] >= 100
    assert outcomes[Outcome.IGNORED] >= len(BOUNCES) + len(AUTO_REPLIES)
    # Every message is recorded once (the corpus has a few copies of the same mail).
    assert InboundMessage.objects.count() == len(names) - outcomes[Outcome.DUPLICATE]
    assert Quarantine.objects.count() == outcomes[Outcome.QUARANTINED]
