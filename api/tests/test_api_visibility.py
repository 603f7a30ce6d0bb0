"""One visibility rule through the API: a token never sees more than its user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import workflow as wf
from tickets.attachments import check_upload
from tickets.models import Attachment
from tickets.status import TicketStatus
from tickets.tests.conftest import PNG, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_ticket(make_ticket, agent, requester):
    """A ticket with a public reply and an internal note, each with a file, and a file at filing."""
    ticket = make_ticket(TicketStatus.ECT, files=[check_upload(upload("capture.png", PNG))])
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="reply", text="Réponse publique",
                          files=[check_upload(upload("public.png", PNG))])  # fmt: skip
    ticket.refresh_from_db()
    wf.ticket_add_message(ticket=ticket, actor=agent, kind="note", text="Note interne secrète",
                          files=[check_upload(upload("secret.png", PNG))])  # fmt: skip
    ticket.refresh_from_db()
    return ticket


def paths(ticket) -> list[str]:
    base = f"/api/v1/tickets/{ticket.reference}/"
    return [base, base + "messages/", base + "events/", base + "attachments/"]


@pytest.mark.parametrize("role", ["outsider", "other_agent"])
def test_strangers_get_404_for_ticket_messages_events_attachments(request, api_for, busy_ticket, role):
    client = api_for(request.getfixturevalue(role))
    files = Attachment.objects.filter(ticket=busy_ticket)
    codes = {client.get(path).status_code for path in paths(busy_ticket)}
    codes |= {
        client.get(f"/api/v1/tickets/{busy_ticket.reference}/attachments/{f.pk}/download/").status_code for f in files
    }
    assert codes == {404}
    assert client.get("/api/v1/tickets/").json()["results"] == []


def test_requester_token_never_reads_internal_notes(api_for, busy_ticket, requester):
    client = api_for(requester)
    messages = client.get(f"/api/v1/tickets/{busy_ticket.reference}/messages/").json()
    events = client.get(f"/api/v1/tickets/{busy_ticket.reference}/events/").json()
    files = client.get(f"/api/v1/tickets/{busy_ticket.reference}/attachments/").json()
    assert [m["body"] for m in messages] == ["Réponse publique"]
    assert "internal_note" not in [e["action"] for e in events]
    assert sorted(f["name"] for f in files) == ["capture.png", "public.png"]
    secret = Attachment.objects.get(original_name="secret.png")
    assert client.get(f"/api/v1/tickets/{busy_ticket.reference}/attachments/{secret.pk}/download/").status_code == 404
    public = Attachment.objects.get(original_name="public.png")
    download = client.get(f"/api/v1/tickets/{busy_ticket.reference}/attachments/{public.pk}/download/")
    assert (download.status_code, b"".join(download.streaming_content)) == (200, PNG)


def test_agent_of_the_service_reads_internal_notes(api_for, busy_ticket, agent):
    messages = api_for(agent).get(f"/api/v1/tickets/{busy_ticket.reference}/messages/").json()
    assert [(m["body"], m["internal"]) for m in messages] == [
        ("Réponse publique", False),
        ("Note interne secrète", True),
    ]


def test_agent_lists_their_service_only(api_for, make_ticket, other_category, outsider, agent, other_agent):
    mine = make_ticket()
    theirs = wf.ticket_file(requester=outsider, category=other_category, title="Inscription", description="Bloquée")
    assert [t["reference"] for t in api_for(agent).get("/api/v1/tickets/").json()["results"]] == [mine.reference]
    assert [t["reference"] for t in api_for(other_agent).get("/api/v1/tickets/").json()["results"]] == [
        theirs.reference
    ]


def test_requester_files_a_ticket_with_an_upload_and_adds_a_message(api_for, category, requester, agent):
    client = api_for(requester)
    token = client.post("/api/v1/uploads/", {"file": upload("capture.png", PNG)}, format="multipart").json()["token"]
    filing = {"category": category.slug, "title": "Imprimante", "description": "Bloquée", "uploads": [token]}
    created = client.post("/api/v1/tickets/", filing, format="json")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    assert [f["name"] for f in client.get(f"/api/v1/tickets/{reference}/attachments/").json()] == ["capture.png"]
    added = client.post(f"/api/v1/tickets/{reference}/messages/", {"text": "Précision"}, format="json")
    assert (added.status_code, added.json()["kind"]) == (201, "info")
    stranger_upload = api_for(agent).post("/api/v1/uploads/", {"file": upload("b.png", PNG)}, format="multipart")
    stolen = {"text": "Vol", "uploads": [stranger_upload.json()["token"]]}
    reuse = client.post(f"/api/v1/tickets/{reference}/messages/", stolen, format="json")
    assert reuse.status_code == 400


def test_refused_upload_is_a_problem(api_for, requester):
    response = api_for(requester).post("/api/v1/uploads/", {"file": upload("page.html", b"<html><script>x</script>")},
                                       format="multipart")  # fmt: skip
    assert (response.status_code, response["Content-Type"], list(response.json()["errors"])) == (
        400,
        "application/problem+json",
        ["file"],
    )


def test_filters_and_cursor_walk_every_ticket_once(api_for, make_ticket, agent):
    made = {make_ticket(title=f"Demande {n}").reference for n in range(55)}
    client = api_for(agent)
    seen, url = [], "/api/v1/tickets/?status=NEW"
    while url:
        page = client.get(url).json()
        seen += [t["reference"] for t in page["results"]]
        url = page["next"]
    assert (len(seen), set(seen)) == (55, made)
    assert client.get("/api/v1/tickets/?status=ECT").json()["results"] == []
    assert client.get("/api/v1/tickets/?status=XXX").status_code == 400
    assert client.get("/api/v1/tickets/?updated_since=2999-01-01T00:00:00Z").json()["results"] == []
    assert client.get("/api/v1/tickets/?cursor=%%%").status_code in (200, 400)


def test_ticket_list_query_count_is_constant(api_for, make_ticket, agent, django_assert_num_queries):
    """10 tickets, then 500: the same number of queries (one page read, no query per ticket)."""
    client = api_for(agent)
    for n in range(10):
        make_ticket(title=f"Demande {n}")
    client.get("/api/v1/tickets/")  # the token's first use records it (one UPDATE): not part of the count
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get("/api/v1/tickets/").json()["results"]) == 10
    for n in range(490):
        make_ticket(title=f"Encore {n}")
    with django_assert_num_queries(len(ten.captured_queries)):
        page = client.get("/api/v1/tickets/").json()
    assert (len(page["results"]), page["next"] is not None) == (50, True)
