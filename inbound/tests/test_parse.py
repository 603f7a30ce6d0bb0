"""Crafted messages for the parser: encodings, HTML, attachments, broken MIME."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from inbound.filenames import safe_filename
from inbound.parse import parse_message

from .conftest import build_mail


def test_parse_message_simple_fields():
    raw = build_mail(
        headers={
            "Cc": "Dominique <DOMINIQUE@Example.ORG>, autre@example.org",
            "In-Reply-To": "<n42.abc@guichet.example.org>",
            "References": "<n41.abc@guichet.example.org> <n42.abc@guichet.example.org>",
            "Delivered-To": "Assistance@Univ.Example.org",
        }
    )

    parsed = parse_message(raw)

    assert parsed.message_id == "<m1@etu.example.org>"
    assert parsed.in_reply_to == "<n42.abc@guichet.example.org>"
    assert parsed.references == ["<n41.abc@guichet.example.org>", "<n42.abc@guichet.example.org>"]
    assert parsed.subject == "Impossible de me connecter à l'ENT"
    assert (parsed.from_name, parsed.from_address) == ("Camille Martin", "camille.martin@etu.example.org")
    assert parsed.to == ["assistance@univ.example.org"]
    assert parsed.cc == ["dominique@example.org", "autre@example.org"]
    assert parsed.delivered_to == ["assistance@univ.example.org"]
    assert parsed.date.isoformat() == "2025-03-03T10:00:00+01:00"
    assert parsed.text == "Bonjour,\nje n'arrive plus à me connecter.\nCamille"
    assert parsed.problems == []


def test_parse_message_rfc2047_subject_and_sender_name():
    raw = (
        b"From: =?iso-8859-1?q?Andr=E9?= =?utf-8?b?IETDqXNpcsOp?= <andre@example.org>\r\n"
        b"To: a@example.org\r\n"
        b"Subject: =?UTF-8?B?UHJvYmzDqG1lIGQnYWNjw6hz?= =?UTF-8?Q?_=C3=A0_l'ENT?=\r\n"
        b"Message-ID: <x@example.org>\r\n\r\nbody\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.subject == "Problème d'accès à l'ENT"
    assert parsed.from_name == "André Désiré"


def test_parse_message_unknown_and_broken_charsets_never_raise():
    raw = (
        b"From: x@example.org\r\nSubject: =?NONE?B?w6l0w6k=?= et =?x-bogus?Q?caf=E9?=\r\n"
        b'Content-Type: text/plain; charset="x-does-not-exist"\r\n\r\ncaf\xe9 cr\xe8me\r\n'
    )
    parsed = parse_message(raw)
    assert parsed.subject == "été et café"
    assert parsed.text == "café crème"
    assert "unknown charset 'x-does-not-exist'" in parsed.problems


def test_parse_message_latin1_mislabelled_utf8_body():
    raw = b"From: x@example.org\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\n\xc3\xa9t\xc3\xa9\r\n"
    assert parse_message(raw).text == "été"


def test_parse_message_raw_utf8_headers():
    raw = "From: Jérôme <jerome@example.org>\r\nSubject: Réinscription\r\n\r\nok\r\n".encode()
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.subject) == ("Jérôme", "Réinscription")


def test_parse_message_rfc2231_filename():
    raw = (
        b"From: x@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nVoir PJ\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment;\r\n filename*0*=utf-8''relev%C3%A9%20de%20;\r\n filename*1*=notes.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n"
    )
    parsed = parse_message(raw)
    assert [(a.filename, a.content_type, a.payload) for a in parsed.attachments] == [
        ("relevé de notes.pdf", "application/pdf", b"%PDF-1.4\n")
    ]
    assert parsed.text == "Voir PJ"


def test_parse_message_prefers_plain_text_alternative_and_sanitises_html():
    message = EmailMessage()
    message["From"] = "x@example.org"
    message.set_content("Le texte brut")
    message.add_alternative('<p onclick="steal()">Le <b>HTML</b><script>alert(1)</script></p>', subtype="html")
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Le texte brut"
    assert parsed.html == "<p>Le <b>HTML</b></p>\n"


def test_parse_message_html_only_with_script_is_sanitised_and_converted():
    html = (
        "<html><head><style>p{color:red}</style><script>document.cookie</script></head>"
        '<body onload="evil()"><p style="x">Bonjour,</p><p>Mon <a href="javascript:alert(1)">lien</a> et '
        '<a href="https://ent.example.org/aide">l\'aide</a>.</p><img src="x" onerror="evil()">'
        "<iframe src='https://evil.example'></iframe><ul><li>un</li><li>deux</li></ul></body></html>"
    )
    message = EmailMessage()
    message["From"] = "x@example.org"
    message.set_content(html, subtype="html")

    parsed = parse_message(message.as_bytes())

    for forbidden in ("<script", "<style", "onload", "onerror", "onclick", "javascript:", "<iframe", "style="):
        assert forbidden not in parsed.html
    assert '<a href="https://ent.example.org/aide" rel="noopener noreferrer nofollow">' in parsed.html
    assert parsed.text == ("Bonjour,\n\nMon lien et l'aide <https://ent.example.org/aide>.\n\n- un\n- deux")
    assert "document.cookie" not in parsed.text


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("a\x00b.pdf", "ab.pdf"),
        ("rapport\r\nX-Injected: oui.pdf", "rapportX-Injected_ oui.pdf"),
        ("C:\\Users\\eve/../text/html.pdf", "html.pdf"),
        ("facture\u202efdp.exe", "facturefdp.exe"),
        (".htaccess", "htaccess"),
        ("..", "piece-jointe-1.pdf"),
        ("", "piece-jointe-1.pdf"),
        ('a<b>:"|?*.pdf', "a_b______.pdf"),
    ],
)
def test_safe_filename_removes_paths_and_control_characters(declared, expected):
    assert safe_filename(declared, content_type="application/pdf") == expected


def test_safe_filename_limits_length_and_keeps_extension():
    name = safe_filename("é" * 300 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= 150


def test_parse_message_malicious_attachment_names():
    long_name = "x" * 1000 + ".pdf"
    raw = (
        b"From: x@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\npieces jointes\r\n"
        b'--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="../../etc/passwd"'
        b"\r\n\r\nroot:x:0:0\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''a%00b.pdf"
        b"\r\n\r\n%PDF\r\n"
        b"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="
        + long_name.encode()
        + b"\r\n\r\n%PDF\r\n"
        b"--b\r\nContent-Type: text/plain\r\n"
        b'Content-Disposition: attachment; filename="=?utf-8?q?ligne=0Asuivante.txt?="'
        b"\r\n\r\nx\r\n--b--\r\n"
    )
    parsed = parse_message(raw)
    names = [a.filename for a in parsed.attachments]
    assert names[:2] == ["passwd", "ab.pdf"]
    assert names[2].endswith(".pdf") and len(names[2].encode()) <= 150
    assert names[3] == "ligne suivante.txt"
    assert parsed.attachments[0].declared_filename == "../../etc/passwd"


def test_parse_message_inline_image_with_content_id():
    message = EmailMessage()
    message["From"] = "x@example.org"
    message.set_content("texte")
    message.add_alternative('<p>Capture : <img src="cid:capture1"></p>', subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG\r\n", maintype="image", subtype="png", cid="<capture1>")
    parsed = parse_message(message.as_bytes())
    assert [(a.content_type, a.is_inline, a.content_id) for a in parsed.attachments] == [
        ("image/png", True, "capture1")
    ]
    assert 'src="cid:capture1"' in parsed.html


def test_parse_message_forwarded_message_is_kept_as_eml_attachment():
    inner = build_mail(subject="Message d'origine")
    raw = (
        b"From: x@example.org\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n"
        b"Content-Type: text/plain\r\n\r\nVoir ci-joint\r\n--z\r\nContent-Type: message/rfc822\r\n\r\n"
        + inner
        + b"\r\n--z--\r\n"
    )
    parsed = parse_message(raw)
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("Message d'origine.eml", "message/rfc822")]
    assert parse_message(parsed.attachments[0].payload).subject == "Message d'origine"


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b'Content-Type: multipart/mixed; boundary=""\r\n\r\n--\r\n',
        b"Content-Type: multipart/mixed\r\n\r\nno boundary at all",
        b"Content-Type: text/plain; charset=base64\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64",
        b"Subject: =?utf-8?B?####?=\r\nFrom: <>\r\nDate: yesterday\r\n\r\nx",
        b"From: a@b\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n"
        + b"--a\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n" * 200,
    ],
)
def test_parse_message_malformed_input_records_problems_never_raises(raw):
    parsed = parse_message(raw)
    assert bool(parsed.text.strip() or parsed.attachments or parsed.problems) is True


def test_parse_message_missing_message_id_has_content_hash_dedup_key():
    first = parse_message(build_mail(message_id=None))
    again = parse_message(b"Received: from relay.example.org\r\n" + build_mail(message_id=None))
    other = parse_message(build_mail(message_id=None, body="autre chose"))
    assert "no Message-ID" in first.problems
    assert first.dedup_key == again.dedup_key == f"sha256:{first.content_hash}"
    assert other.dedup_key != first.dedup_key


def test_parse_message_null_return_path():
    assert parse_message(b"Return-Path: <>\r\nFrom: a@example.org\r\n\r\nx").return_path == ""
    assert parse_message(b"Return-Path: <B@Example.org>\r\n\r\nx").return_path == "b@example.org"
    assert parse_message(b"From: a@example.org\r\n\r\nx").return_path is None
