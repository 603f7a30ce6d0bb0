"""Content (HTML, attachments) and the quarantine with its admin actions."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import User
from inbound.handler import Outcome
from inbound.models import InboundMessage, InboundOutcome, Quarantine, QuarantineReason, QuarantineStatus
from inbound.pipeline import ingest
from tickets.models import MessageKind, Ticket
from tickets.status import TicketStatus
from tickets.tests.conftest import EXE, PDF, PNG

from .conftest import SERVICE_ADDRESS, build_mail

pytestmark = pytest.mark.usefixtures("inbound_address")


def html_only(body: str, sender: str = "requester@example.org") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, SERVICE_ADDRESS, "Page blanche"
    message["Message-ID"] = "<html-only@example.org>"
    message.set_content(body, subtype="html")
    return message.as_bytes()


def with_attachments(parts: list[tuple[str, bytes, str]], sender: str = "requester@example.org") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, SERVICE_ADDRESS, "Facture illisible"
    message["Message-ID"] = "<attachments@example.org>"
    message.set_content("Voir les pièces jointes.")
    for name, payload, ctype in parts:
        maintype, subtype = ctype.split("/")
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def test_html_only_mail_with_script_is_sanitised(requester):
    body = (
        "<html><head><script>alert('cookie')</script></head><body><p>Bonjour,</p>"
        '<p onclick="alert(1)">La page d\'inscription reste <b>blanche</b>.</p>'
        "<img src=x onerror=alert(2)></body></html>"
    )

    ingest(html_only(body), source="test")

    description = Ticket.objects.get().description
    assert "La page d'inscription reste blanche." in description
    assert "alert" not in description and "<" not in description


def test_attachment_with_malicious_name_is_renamed_and_bad_content_listed(requester):
    raw = with_attachments(
        [
            ("../../../etc/cron.d/facture.pdf", PDF, "application/pdf"),
            ("..\\..\\Windows\\capture\u202egnp.exe.png", PNG, "image/png"),  # backslashes, RTL override
            ("facture.pdf.exe", EXE, "application/octet-stream"),
            ("photo.pdf", EXE, "application/pdf"),  # lies about its type
        ]
    )

    result = ingest(raw, source="test")

    ticket = Ticket.objects.get()
    names = sorted(ticket.attachments.values_list("original_name", flat=True))
    assert result.outcome == Outcome.FILED
    assert len(names) == 2
    assert all("/" not in n and "\\" not in n and "\u202e" not in n and not n.startswith(".") for n in names)
    assert names[1].endswith("facture.pdf")
    for attachment in ticket.attachments.all():
        assert default_storage.exists(attachment.file.name)
        assert attachment.original_name not in attachment.file.name  # stored under a random name
    note = ticket.messages.get(kind=MessageKind.SYSTEM)
    assert "facture.pdf.exe" in note.body and "photo.pdf" in note.body


def test_attachments_over_the_count_limit_are_listed_not_dropped(settings, requester):
    settings.GUICHET_ATTACHMENT_MAX_COUNT = 1
    ingest(with_attachments([("a.png", PNG, "image/png"), ("b.pdf", PDF, "application/pdf")]), source="t")

    ticket = Ticket.objects.get()
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["a.png"]
    assert "b.pdf" in ticket.messages.get(kind=MessageKind.SYSTEM).body


def test_large_raw_message_is_kept_in_storage(settings, requester):
    settings.GUICHET_INBOUND_RAW_INLINE_MAX = 100
    raw = build_mail(sender=requester.email)

    ingest(raw, source="test")

    inbound = InboundMessage.objects.get()
    assert (inbound.raw_inline, inbound.raw_file.name.startswith("inbound/")) == (None, True)
    assert inbound.raw == raw


def test_too_large_is_quarantined_then_reprocessed_by_admin(settings, requester, admin, client_for):
    settings.GUICHET_INBOUND_MAX_BYTES = 100
    raw = build_mail(sender=requester.email)

    result = ingest(raw, source="test")

    quarantine = Quarantine.objects.get()
    assert (result.outcome, quarantine.reason) == (Outcome.QUARANTINED, QuarantineReason.TOO_LARGE)
    assert quarantine.inbound.raw == raw
    response = client_for(admin).post(
        "/admin/inbound/quarantine/", {"action": "reprocess_selected", "_selected_action": [quarantine.pk]}
    )
    assert response.status_code == 302
    quarantine.refresh_from_db()
    assert (quarantine.status, quarantine.handled_by) == (QuarantineStatus.REPROCESSED, admin)
    assert quarantine.inbound.outcome == InboundOutcome.FILED
    assert Ticket.objects.get().requester == requester


def test_no_category_is_quarantined_and_default_category_files(settings, requester, other_category):
    result = ingest(build_mail(sender=requester.email, to="inconnu@univ.example.org"), source="t")
    assert Quarantine.objects.get().reason == QuarantineReason.NO_CATEGORY
    assert result.outcome == Outcome.QUARANTINED

    settings.GUICHET_INBOUND_DEFAULT_CATEGORY = other_category.slug
    ingest(build_mail(sender=requester.email, to="autre@univ.example.org", message_id="<m2@x>"), source="t")
    assert Ticket.objects.get().category == other_category


def test_routing_by_address_picks_the_category(requester, category, other_category):
    from catalogue.models import InboundAddress

    InboundAddress.objects.create(category=other_category, email="scolarite@univ.example.org")
    ingest(build_mail(sender=requester.email, to="Scolarité <Scolarite@univ.example.org>"), source="t")
    assert Ticket.objects.get().category == other_category


def test_disabled_sender_is_quarantined_and_admin_can_discard(requester, admin, client_for):
    User.objects.filter(pk=requester.pk).update(is_active=False)

    ingest(build_mail(sender=requester.email), source="test")

    quarantine = Quarantine.objects.get()
    assert quarantine.reason == QuarantineReason.REFUSED_SENDER
    client = client_for(admin)
    assert client.get("/admin/inbound/quarantine/").status_code == 200
    assert client.get(f"/admin/inbound/quarantine/{quarantine.pk}/change/").status_code == 200
    client.post("/admin/inbound/quarantine/", {"action": "discard_selected", "_selected_action": [quarantine.pk]})
    quarantine.refresh_from_db()
    assert quarantine.status == QuarantineStatus.DISCARDED
    assert quarantine.inbound.outcome == InboundOutcome.DISCARDED
    assert Ticket.objects.count() == 0


def test_quarantine_admin_is_for_administrators_only(agent, client_for):
    assert client_for(agent).get("/admin/inbound/quarantine/").status_code == 302


def test_garbage_is_quarantined_with_raw_source(db):
    raw = b"\x00\x01 not a mail"
    result = ingest(raw, source="test")
    assert result.outcome == Outcome.QUARANTINED
    assert Quarantine.objects.get().inbound.raw == raw


def test_unexpected_failure_quarantines_and_the_batch_goes_on(requester, monkeypatch, tmp_path):
    import mailbox

    from django.core.files.storage import FileSystemStorage

    from inbound.pipeline import reprocess
    from inbound.sources import import_maildir

    box = mailbox.Maildir(tmp_path / "Maildir", create=True)
    box.add(build_mail(sender=requester.email, subject="un", message_id="<un@x>"))
    box.add(with_attachments([("panne.png", PNG, "image/png")]))
    box.add(build_mail(sender=requester.email, subject="trois", message_id="<trois@x>"))
    original_save = FileSystemStorage.save

    def failing_save(self, name, content, *args, **kwargs):
        if getattr(content, "name", "") == "panne.png":
            raise OSError("disk full")
        return original_save(self, name, content, *args, **kwargs)

    monkeypatch.setattr(FileSystemStorage, "save", failing_save)
    report = import_maildir(tmp_path / "Maildir", ingest=ingest)

    assert (report.processed, report.failures) == (3, [])
    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["trois", "un"]
    quarantine = Quarantine.objects.get()
    assert (quarantine.reason, quarantine.detail) == (QuarantineReason.ERROR, "OSError: disk full")
    assert len(box) == 0  # all three taken: nothing is offered again, nothing is lost

    monkeypatch.setattr(FileSystemStorage, "save", original_save)
    assert reprocess(quarantine, actor=None).outcome == Outcome.FILED
    assert Ticket.objects.get(title="Facture illisible").attachments.count() == 1


def test_email_only_account_is_claimed_by_password_reset(client, db):
    ingest(build_mail(sender="lea@perso.example.net"), source="test")
    user = User.objects.get(email="lea@perso.example.net")
    assert user.is_email_only

    client.post("/accounts/password/reset/", {"email": "LEA@perso.example.net"})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide"}
    )

    user.refresh_from_db()
    assert (user.is_email_only, user.has_usable_password()) == (False, True)
    assert user.emailaddress_set.get().verified is True
    assert client.login(email="lea@perso.example.net", password="un-mot-de-passe-solide")
    assert Ticket.objects.visible_to(user).count() == 1


def test_note_about_refused_attachments_shows_on_both_ticket_pages(requester, agent, client_for):
    ingest(with_attachments([("virus.exe", EXE, "application/octet-stream")]), source="test")
    ticket = Ticket.objects.get()

    requester_page = client_for(requester).get(reverse("tickets:detail", args=[ticket.reference]))
    agent_page = client_for(agent).get(reverse("agent:ticket", args=[ticket.reference]))

    assert "virus.exe" in requester_page.content.decode()
    assert "virus.exe" in agent_page.content.decode()
    assert list(ticket.events.values_list("action", flat=True)) == ["file", "system_note"]


def test_note_about_a_foreign_ticket_is_internal(requester, outsider, agent, client_for, make_ticket):
    foreign = make_ticket(TicketStatus.ECT, by=outsider)
    raw = build_mail(sender=requester.email, subject=f"Re: [Guichet #{foreign.reference}] Votre demande")
    ingest(raw, source="test")
    new = Ticket.objects.exclude(pk=foreign.pk).get()

    requester_page = client_for(requester).get(reverse("tickets:detail", args=[new.reference])).content.decode()
    agent_page = client_for(agent).get(reverse("agent:ticket", args=[new.reference])).content.decode()

    assert "une nouvelle demande a été créée" not in requester_page
    assert "une nouvelle demande a été créée" in agent_page
