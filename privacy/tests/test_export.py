"""Right of access and portability: the ZIP holds every item of the requester and nothing of anybody else."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.audit import record_access
from privacy.export import data_export_build, export_token, purge_expired_exports
from privacy.models import AccessKind, DataExport, DataExportStatus
from privacy.tasks import build_data_export
from privacy.tests.conftest import PDF, pdf
from tickets import workflow as wf
from tickets.models import MessageKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(requester, outsider, agent, file_ticket):
    """The requester's two tickets with a reply, an answer, an internal note and attachments; and another's."""
    first = file_ticket(requester, title="Accès ENT", files=[pdf("certificat.pdf")], form_values={"ine": "12345X"})
    wf.ticket_take(ticket=first, actor=agent)
    wf.ticket_add_message(ticket=first, actor=agent, kind=MessageKind.PUBLIC_REPLY, text="Réponse publique ZX1")
    wf.ticket_add_message(
        ticket=first, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Note interne SECRET9",
        files=[pdf("note-interne.pdf")],
    )  # fmt: skip
    wf.ticket_ask(ticket=first, actor=agent, text="Quel navigateur ?")
    wf.ticket_answer(ticket=first, actor=requester, text="Firefox QW2", files=[pdf("capture.pdf")])
    second = file_ticket(requester, title="Messagerie pleine")
    record_access(user=agent, ticket=first, kind=AccessKind.PAGE)
    other = file_ticket(outsider, title="Demande de quelqu'un d'autre", files=[pdf("autrui.pdf")])
    record_access(user=agent, ticket=other, kind=AccessKind.PAGE)
    return {"first": first, "second": second, "other": other}


def archive_of(user) -> zipfile.ZipFile:
    export = DataExport.objects.create(user=user)
    data_export_build(export=export)
    with export.file.open("rb") as stored:
        return zipfile.ZipFile(io.BytesIO(stored.read()))


def test_zip_holds_every_item_of_the_requester_and_nothing_else(requester, held):
    archive = archive_of(requester)
    first, second = held["first"].reference, held["second"].reference
    assert sorted(archive.namelist()) == sorted(
        [
            "account.json",
            "accesses.json",
            f"tickets/{first}/ticket.json",
            f"tickets/{second}/ticket.json",
            *[a["archive_path"] for a in json.loads(archive.read(f"tickets/{first}/ticket.json"))["attachments"]],
        ]
    )
    account = json.loads(archive.read("account.json"))
    assert (account["email"], account["last_name"], account["institutions"]) == (
        "requester@example.org",
        "Martin",
        ["Université de Test"],
    )
    ticket = json.loads(archive.read(f"tickets/{first}/ticket.json"))
    assert ticket["form_values"] == {"ine": "12345X"}
    assert [m["body"] for m in ticket["messages"]] == ["Réponse publique ZX1", "Quel navigateur ?", "Firefox QW2"]
    assert [a["name"] for a in ticket["attachments"]] == ["certificat.pdf", "capture.pdf"]
    assert all(archive.read(a["archive_path"]) == PDF for a in ticket["attachments"])
    assert [e["action"] for e in ticket["events"]] == ["file", "take", "reply", "ask", "answer"]
    assert json.loads(archive.read("accesses.json"))[0]["ticket"] == first
    assert len(json.loads(archive.read("accesses.json"))) == 1
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for foreign in ["SECRET9", "note-interne", "autrui", "quelqu'un d'autre", "outsider@", "Petit", "agent@"]:
        assert foreign.encode() not in everything, foreign


def test_agent_exporting_their_own_data_gets_no_colleague_notes(agent, file_ticket, requester, held):
    own = file_ticket(agent, title="Ma propre demande")
    wf.ticket_add_message(ticket=own, actor=agent, kind=MessageKind.INTERNAL_NOTE, text="Note sur soi NOTE7")
    archive = archive_of(agent)
    assert sorted(n for n in archive.namelist() if n.startswith("tickets/")) == [f"tickets/{own.reference}/ticket.json"]
    assert b"NOTE7" not in archive.read(f"tickets/{own.reference}/ticket.json")


def test_request_from_the_profile_queues_the_task_and_offers_a_link(
    client_for, requester, held, django_capture_on_commit_callbacks
):
    client = client_for(requester)
    assert reverse("privacy:my_data") in client.get(reverse("accounts:profile")).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("privacy:my_data"))
    assert response.status_code == 302
    assert len(callbacks) == 1
    export = DataExport.objects.get(user=requester)
    assert export.status == DataExportStatus.PENDING
    assert build_data_export(export_id=export.pk) == DataExportStatus.READY  # what the worker runs

    page = client.get(reverse("privacy:my_data"))
    link = reverse("privacy:my_data_download", args=[page.context["exports"][0][1]])
    assert link in page.content.decode()
    download = client.get(link)
    assert download["Content-Type"] == "application/zip"
    assert "account.json" in zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()


def test_link_is_refused_to_another_user_and_after_expiry(client_for, requester, outsider, held, settings):
    export = DataExport.objects.create(user=requester)
    data_export_build(export=export)
    link = reverse("privacy:my_data_download", args=[export_token(export)])
    assert client_for(outsider).get(link).status_code == 404
    assert client_for(requester).get(link.replace("/mes-donnees/", "/mes-donnees/x")).status_code == 404
    DataExport.objects.filter(pk=export.pk).update(ready_at=timezone.now() - timedelta(hours=73))
    assert client_for(requester).get(link).status_code == 404


def test_request_is_post_only(client_for, requester):
    response = client_for(requester).put(reverse("privacy:my_data"))
    assert response.status_code == 405


def test_expired_exports_are_purged_with_their_files(requester, held):
    from django.core.files.storage import default_storage

    export = DataExport.objects.create(user=requester)
    data_export_build(export=export)
    name = export.file.name
    assert purge_expired_exports() == 0
    DataExport.objects.filter(pk=export.pk).update(
        created=timezone.now() - timedelta(days=4), ready_at=timezone.now() - timedelta(days=4)
    )
    assert purge_expired_exports() == 1
    assert (DataExport.objects.count(), default_storage.exists(name)) == (0, False)


def test_asking_again_while_in_preparation_queues_nothing_more(requester, django_capture_on_commit_callbacks):
    from privacy.services import data_export_request

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = data_export_request(user=requester)
        again = data_export_request(user=requester)
    assert (again, len(callbacks), DataExport.objects.count()) == (first, 1, 1)


def test_failed_build_is_shown_failed_and_may_be_asked_again(requester, held):
    from privacy.services import data_export_request

    export = DataExport.objects.create(user=requester)
    held["first"].attachments.first().file.delete(save=False)  # a file gone missing from the storage
    with pytest.raises(FileNotFoundError):
        data_export_build(export=export)
    export.refresh_from_db()
    assert export.status == DataExportStatus.FAILED
    assert data_export_request(user=requester) != export
