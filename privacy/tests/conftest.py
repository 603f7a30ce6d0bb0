"""Factories for the privacy tests: tickets are filed through the workflow."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import workflow as wf
from tickets.attachments import check_upload
from tickets.models import Ticket

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "releve.pdf"):
    return check_upload(SimpleUploadedFile(name, PDF, content_type="application/pdf"))


@pytest.fixture
def file_ticket(category):
    """``file_ticket(requester, title=…, files=[…])``: a NEW ticket filed through the workflow."""

    def make(requester, *, title: str = "Messagerie inaccessible", in_category=None, **extra) -> Ticket:
        return wf.ticket_file(
            requester=requester,
            category=in_category or category,
            title=title,
            description="Depuis ce matin, erreur 500.",
            **extra,
        )

    return make
