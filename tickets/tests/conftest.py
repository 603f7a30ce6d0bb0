"""Factories for tickets: a ticket is always filed and moved through the workflow."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tickets import workflow as wf
from tickets.attachments import check_upload
from tickets.models import Ticket
from tickets.status import TicketStatus

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The first bytes of a Windows executable (DOS header "MZ" and PE signature).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00PE\x00\x00" * 8
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def ooxml(kind: str = "word") -> bytes:
    """A minimal zip-based office document (docx when kind is "word")."""
    parts = {"word": "word/document.xml", "xl": "xl/workbook.xml", "ppt": "ppt/presentation.xml"}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(parts[kind], "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def checked(name: str, content: bytes):
    return check_upload(upload(name, content))


# How to bring a new ticket to each status, through the workflow only.
def _steps(agent, requester) -> dict[str, list[Callable[[Ticket], Any]]]:
    take = lambda t: wf.ticket_take(ticket=t, actor=agent)  # noqa: E731
    return {
        TicketStatus.NEW: [],
        TicketStatus.ECT: [take],
        TicketStatus.ARS: [take, lambda t: wf.ticket_ask(ticket=t, actor=agent, text="Quelle version ?")],
        TicketStatus.AVS: [take, lambda t: wf.ticket_propose(ticket=t, actor=agent, text="Redémarrez.")],
        TicketStatus.ATD: [take, lambda t: wf.ticket_await_decision(ticket=t, actor=agent)],
        TicketStatus.ADV: [take, lambda t: wf.ticket_await_development(ticket=t, actor=agent)],
        TicketStatus.TER: [
            take,
            lambda t: wf.ticket_propose(ticket=t, actor=agent, text="Redémarrez."),
            lambda t: wf.ticket_approve(ticket=t, actor=requester),
        ],
        TicketStatus.REJ: [lambda t: wf.ticket_reject(ticket=t, actor=agent, text="Hors périmètre.")],
        TicketStatus.ABN: [lambda t: wf.ticket_withdraw(ticket=t, actor=requester, text="Résolu seul.")],
    }


@pytest.fixture
def make_ticket(requester, agent, category):
    """``make_ticket(status=…, title=…)``: a ticket of ``requester`` in ``category`` brought to ``status``."""

    def make(status: str = TicketStatus.NEW, *, title: str = "Messagerie inaccessible", by=None, **extra) -> Ticket:
        owner = by or requester
        ticket = wf.ticket_file(
            requester=owner, category=category, title=title, description="Depuis ce matin, erreur 500.", **extra
        )
        for step in _steps(agent, owner)[status]:
            step(ticket)
        ticket.refresh_from_db()
        assert ticket.status == status
        return ticket

    return make
