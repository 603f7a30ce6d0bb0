"""Factories for tickets: a ticket is always filed and moved through the workflow."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import ProviderOrganisation, User
from catalogue.models import Category, Lifecycle
from conftest import make_user
from tickets import workflow as wf
from tickets.attachments import check_upload
from tickets.models import Ticket
from tickets.status import Etat, TicketStatus

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
    to_adv = [take, lambda t: wf.ticket_await_development(ticket=t, actor=agent)]
    to_dev = [*to_adv, lambda t: wf.ticket_start_development(ticket=t, actor=agent)]
    to_pec = [*to_dev, lambda t: wf.ticket_take_into_account(ticket=t, actor=agent)]
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
        # The agency's lifecycle (``agency_lifecycle`` fixture).
        TicketStatus.DEV: to_dev,
        TicketStatus.PEC: to_pec,
        TicketStatus.CTR: [*to_pec, lambda t: wf.ticket_start_acceptance(ticket=t, actor=agent)],
        TicketStatus.TND: [*to_pec, lambda t: wf.ticket_await_documentation(ticket=t, actor=agent)],
        TicketStatus.REM: [take, lambda t: wf.ticket_await_replacement(ticket=t, actor=agent)],
        TicketStatus.EXC: [*to_adv, lambda t: wf.ticket_exclude(ticket=t, actor=agent, text="Hors périmètre.")],
    }


@pytest.fixture
def agency_lifecycle(category) -> Category:
    """``category``'s branch uses the agency's full lifecycle (seed 002)."""
    Category.objects.filter(pk=category.parent_id).update(lifecycle=Lifecycle.AGENCY)
    category._lifecycle_in_force = Lifecycle.AGENCY
    return category


@pytest.fixture
def provider_org(db) -> ProviderOrganisation:
    return ProviderOrganisation.objects.create(name="Prestataire Logiciels SA")


@pytest.fixture
def provider_member(provider_org) -> User:
    user = make_user("consultant@prestataire.example", first_name="Paul", last_name="Presta")
    provider_org.members.add(user)
    return user


@pytest.fixture
def other_provider_member(db) -> User:
    org = ProviderOrganisation.objects.create(name="Autre Prestataire")
    user = make_user("autre@prestataire.example", first_name="Ines", last_name="Ailleurs")
    org.members.add(user)
    return user


def bring_to_etat(ticket: Ticket, etat: str, *, agent, provider_member=None) -> Ticket:
    """From ECT/INT, DEV/INI or CTR/EC to ``etat``, through the doors."""
    if etat in (Etat.EXT, Etat.AVA):
        org = provider_member.provider_organisations.get()
        wf.ticket_hand_to_provider(ticket=ticket, actor=agent, provider=org, text="Merci de regarder.")
        if etat == Etat.AVA:
            wf.ticket_provider_answer(ticket=ticket, actor=provider_member, text="Appliquez le correctif 2.1.")
    elif etat != ticket.etat:
        wf.ticket_change_etat(ticket=ticket, actor=agent, etat=etat)
    ticket.refresh_from_db()
    assert ticket.etat == etat
    return ticket


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
