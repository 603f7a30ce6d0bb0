"""Attachment checks by content, limits, storage and the download response."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse

from tickets import workflow as wf
from tickets.attachments import check_upload, detect_type, display_name, download_name
from tickets.status import TicketStatus

from .conftest import EXE, HTML, PDF, PNG, SVG, checked, ooxml, upload


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("rapport.pdf", PDF, "application/pdf"),
        ("capture.png", PNG, "image/png"),
        ("note.docx", ooxml("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", ooxml("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("journal.txt", "Erreur à 10 h : accès refusé\n".encode(), "text/plain"),
        ("export.csv", "nom;prénom\nMartin;Éloïse\n".encode("cp1252"), "text/csv"),
    ],
)
def test_accepted_types_detected_from_content(name, content, expected):
    assert check_upload(upload(name, content)).content_type == expected


def zip_of(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_opendocument_accepted_with_its_mimetype_entry():
    assert check_upload(upload("a.odt", odf("application/vnd.oasis.opendocument.text"))).content_type == (
        "application/vnd.oasis.opendocument.text"
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("facture.pdf", EXE),  # an .exe renamed .pdf
        ("page.html", HTML),
        ("page.txt", HTML),  # HTML whatever its name
        ("logo.svg", SVG),
        ("logo.png", SVG),
        ("archive.pdf", zip_of({"readme.txt": "bonjour"})),
        ("faux.docx", zip_of({"[Content_Types].xml": "<Types/>", "word/evil.html": "<html/>"})),
        ("binaire.txt", b"\x00\x01\x02\x03" * 100),
    ],
)
def test_disguised_or_dangerous_files_refused(name, content):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, content))
    assert "n'est pas accepté" in exc.value.messages[0]


def test_docx_with_macros_refused():
    buffer = io.BytesIO(ooxml("word"))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\x00macro")
    assert detect_type(upload("m.docx", buffer.getvalue()), "m.docx") is None


def test_oversized_file_refused(settings):
    settings.GUICHET_ATTACHMENT_MAX_SIZE = 1024
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("gros.pdf", PDF + b"0" * 2000))
    assert "trop volumineux" in exc.value.messages[0]


def test_display_name_strips_paths_and_controls():
    assert display_name("..\\..\\windows/system32/\x00evil\u202e.pdf") == "evil.pdf"
    assert display_name("") == "fichier"


def test_download_name_gets_the_real_extension():
    assert download_name("photo.html", "image/png") == "photo.html.png"
    assert download_name("photo.JPG", "image/jpeg") == "photo.JPG"


@pytest.mark.django_db
def test_count_limit_per_ticket(settings, make_ticket, requester):
    settings.GUICHET_ATTACHMENT_MAX_COUNT = 2
    ticket = make_ticket(TicketStatus.NEW, files=[checked("a.pdf", PDF)])
    with pytest.raises(wf.ActionRefused) as exc:
        wf.ticket_add_information(
            ticket=ticket, actor=requester, text="Deux de plus", files=[checked("b.pdf", PDF), checked("c.pdf", PDF)]
        )
    assert "au plus 2" in exc.value.message
    assert ticket.attachments.count() == 1


@pytest.mark.django_db
def test_total_limit_per_ticket(settings, make_ticket, requester):
    settings.GUICHET_ATTACHMENT_MAX_TOTAL = len(PDF) * 2 - 1
    ticket = make_ticket(TicketStatus.NEW, files=[checked("a.pdf", PDF)])
    with pytest.raises(wf.ActionRefused):
        wf.ticket_add_information(ticket=ticket, actor=requester, text="Encore", files=[checked("b.pdf", PDF)])


@pytest.mark.django_db
def test_stored_under_random_name_and_downloaded_safely(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.NEW, files=[checked("compte rendu été.pdf", PDF)])
    attachment = ticket.attachments.get()
    assert "compte" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")
    assert default_storage.exists(attachment.file.name)
    response = client_for(requester).get(reverse("tickets:attachment", args=[ticket.reference, attachment.pk]))
    body = b"".join(response.streaming_content)
    assert body == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == ("attachment; filename*=utf-8''compte%20rendu%20%C3%A9t%C3%A9.pdf")


@pytest.mark.django_db
def test_download_is_get_only(make_ticket, requester, client_for):
    ticket = make_ticket(TicketStatus.NEW, files=[checked("a.pdf", PDF)])
    url = reverse("tickets:attachment", args=[ticket.reference, ticket.attachments.get().pk])
    assert client_for(requester).post(url).status_code == 405


@pytest.mark.django_db
def test_attachment_files_are_private_on_disk(make_ticket, settings):
    """Issue 14: files 0600 in 0700 directories (not 0644 in 0755), whatever the umask."""
    ticket = make_ticket(files=[checked("capture.png", PNG)])
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    name = Path(ticket.attachments.get().file.name)  # attachments/YYYY/MM/<random>
    directories = {str(d): stat.S_IMODE((root / d).stat().st_mode) for d in name.parents if str(d) != "."}
    assert (stat.S_IMODE((root / name).stat().st_mode), set(directories.values())) == (0o600, {0o700})
