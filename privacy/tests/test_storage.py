"""Attachments on the file system and on S3 (a real S3-compatible server process, moto in server
mode, through django-storages with the production settings): upload, permission-checked download,
deletion by the anonymisation."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from helpdesk.env import s3_storage
from helpdesk.testing.s3 import MotoS3Server
from privacy.tests.conftest import PDF, pdf
from tickets.models import Attachment
from tickets.retention import anonymise_due_tickets, months_before

from .test_anonymise import close


@pytest.fixture(scope="session")
def s3_server():
    server = MotoS3Server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, settings):
    """``stored()`` lists the object names of the storage in use, read from the storage itself."""
    if request.param == "filesystem":
        root = settings.STORAGES["default"]["OPTIONS"]["location"]
        assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")

        def stored() -> list[str]:
            from pathlib import Path

            return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file())

        return stored
    server = request.getfixturevalue("s3_server")
    bucket = f"guichet-{uuid.uuid4().hex[:12]}"
    server.create_bucket(bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket=bucket, endpoint_url=server.endpoint_url, region_name=server.region,
            access_key=server.access_key, secret_key=server.secret_key,
        ),
    }  # fmt: skip
    assert type(default_storage._setup() or default_storage._wrapped).__name__ == "S3Storage"
    return lambda: server.keys(bucket)


def test_upload_lands_in_the_storage(storage, requester, file_ticket):
    ticket = file_ticket(requester, files=[pdf()])
    attachment = ticket.attachments.get()
    assert storage() == [attachment.file.name]
    with default_storage.open(attachment.file.name, "rb") as stream:
        assert stream.read() == PDF


def test_upload_through_the_web_form(storage, requester, client_for, category):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("releve.pdf", PDF, content_type="application/pdf")
    data = {"title": "Relevé", "description": "Ci-joint.", "step": "submit", "attachments": upload}
    response = client_for(requester).post(reverse("tickets:file", args=[category.slug]), data)
    assert response.status_code == 302
    names = list(Attachment.objects.values_list("file", flat=True))
    assert len(names) == 1
    assert storage() == names


def test_download_is_permission_checked(storage, requester, agent, other_agent, client_for, file_ticket):
    ticket = file_ticket(requester, files=[pdf()])
    attachment = ticket.attachments.get()
    url = reverse("tickets:attachment", args=[ticket.reference, attachment.pk])
    for user in (requester, agent):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
    assert client_for(other_agent).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_anonymisation_deletes_the_files(storage, requester, agent, file_ticket, django_capture_on_commit_callbacks):
    ticket = close(file_ticket(requester, files=[pdf(), pdf("autre.pdf")]), agent, requester)
    kept = file_ticket(requester, files=[pdf("ouverte.pdf")])
    assert len(storage()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert anonymise_due_tickets(now=months_before(ticket.closed_at, -25)) == 1
    assert storage() == [kept.attachments.get().file.name]
