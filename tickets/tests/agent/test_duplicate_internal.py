"""Internal stays internal when a duplicate is merged into its original (issue 14, medium 3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tickets import workflow as wf
from tickets.models import Attachment, MessageKind
from tickets.status import TicketStatus

from ..conftest import PDF, PNG, checked


def download_status(client, ticket, attachment) -> int:
    response = client.get(reverse("tickets:attachment", args=[ticket.reference, attachment.pk]))
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.django_db
def test_duplicate_keeps_internal_note_attachments_internal(make_ticket, agent, colleague, outsider, client_for):
    original = make_ticket(TicketStatus.ECT, title="Original", by=outsider)
    duplicate = make_ticket(TicketStatus.ECT, title="Doublon", files=[checked("capture.png", PNG)])
    wf.ticket_add_message(
        ticket=duplicate, actor=agent, kind="note", text="Journal du serveur.", files=[checked("logs.pdf", PDF)]
    )
    response = client_for(agent).post(
        reverse("agent:duplicate", args=[duplicate.reference]),
        {"original": original.reference, "version": duplicate.version},
    )
    assert response.status_code == 302
    copies = {a.original_name: a for a in Attachment.objects.filter(ticket=original)}
    assert sorted(copies) == ["capture.png", "logs.pdf"]
    assert copies["logs.pdf"].message.kind == MessageKind.INTERNAL_NOTE
    assert copies["capture.png"].message is None
    # The original's requester sees the public copy, not the internal one; its agents see both.
    statuses = {
        (who, name): download_status(client_for(user), original, copies[name])
        for who, user in (("requester", outsider), ("agent", agent))
        for name in copies
    }
    assert statuses == {
        ("requester", "capture.png"): 200,
        ("requester", "logs.pdf"): 404,
        ("agent", "capture.png"): 200,
        ("agent", "logs.pdf"): 200,
    }
    page = client_for(outsider).get(reverse("tickets:detail", args=[original.reference])).content.decode()
    assert ("capture.png" in page, "logs.pdf" in page) == (True, False)


@pytest.mark.django_db
def test_transfer_and_follow_up_keep_internal_attachments_internal(
    make_ticket, agent, other_agent, other_category, requester, client_for
):
    ticket = make_ticket(TicketStatus.ECT)
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="note", text="Logs.", files=[checked("logs.pdf", PDF)])
    internal = ticket.attachments.get()
    wf.ticket_transfer(ticket=ticket, actor=agent, category=other_category)
    ticket.refresh_from_db()
    assert download_status(client_for(requester), ticket, internal) == 404
    assert download_status(client_for(other_agent), ticket, internal) == 200
    wf.ticket_propose(ticket=ticket, actor=other_agent, text="Corrigé.")
    wf.ticket_approve(ticket=ticket, actor=requester)
    follow_up = wf.ticket_file_follow_up(ticket=ticket, actor=requester, title="Suite", description="Encore.")
    assert list(follow_up.attachments.all()) == []
