"""The audit trail of staff access: one row per access kind, and the requester's view of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.audit import purge_old_access_records, record_access
from privacy.models import AccessKind, AccessRecord
from privacy.tests.conftest import PDF, pdf

pytestmark = pytest.mark.django_db


def rows() -> list[tuple[str, int, str]]:
    return [(r.user.email, r.ticket.reference, r.kind) for r in AccessRecord.objects.order_by("pk")]


def test_staff_ticket_page_is_recorded(client_for, agent, requester, file_ticket):
    ticket = file_ticket(requester)
    assert client_for(agent).get(reverse("agent:ticket", args=[ticket.reference])).status_code == 200
    assert rows() == [("agent@example.org", ticket.reference, AccessKind.PAGE)]


def test_staff_attachment_download_is_recorded(client_for, agent, requester, file_ticket):
    ticket = file_ticket(requester, files=[pdf()])
    attachment = ticket.attachments.get()
    url = reverse("tickets:attachment", args=[ticket.reference, attachment.pk])
    response = client_for(agent).get(url)
    assert b"".join(response.streaming_content) == PDF
    assert rows() == [("agent@example.org", ticket.reference, AccessKind.ATTACHMENT)]


def test_staff_search_opening_a_ticket_is_recorded(client_for, agent, requester, file_ticket):
    ticket = file_ticket(requester)
    response = client_for(agent).get(reverse("agent:search"), {"q": f"#{ticket.reference}"})
    assert response.status_code == 302
    assert rows() == [("agent@example.org", ticket.reference, AccessKind.SEARCH)]


def test_export_is_recorded_with_one_insert(django_assert_num_queries, admin, requester, file_ticket):
    ticket = file_ticket(requester)
    admin.service_ids  # noqa: B018 - loaded by the visibility rule before any view records
    with django_assert_num_queries(1):
        record_access(user=admin, ticket=ticket.pk, kind=AccessKind.EXPORT)
    assert rows() == [("admin@example.org", ticket.reference, AccessKind.EXPORT)]


def test_requester_reads_are_not_recorded(client_for, requester, file_ticket):
    ticket = file_ticket(requester, files=[pdf()])
    client = client_for(requester)
    assert client.get(reverse("tickets:detail", args=[ticket.reference])).status_code == 200
    attachment = ticket.attachments.get()
    response = client.get(reverse("tickets:attachment", args=[ticket.reference, attachment.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert rows() == []


def test_refused_access_is_not_recorded(client_for, other_agent, requester, file_ticket):
    ticket = file_ticket(requester)
    assert client_for(other_agent).get(reverse("agent:ticket", args=[ticket.reference])).status_code == 404
    assert rows() == []


def test_access_records_are_append_only(agent, requester, file_ticket):
    record = record_access(user=agent, ticket=file_ticket(requester), kind=AccessKind.PAGE)
    record.kind = AccessKind.EXPORT
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_requester_sees_only_accesses_to_their_own_requests(
    client_for, agent, requester, outsider, file_ticket, other_agent
):
    mine = file_ticket(requester, title="La mienne")
    theirs = file_ticket(outsider, title="La sienne")
    record_access(user=agent, ticket=mine, kind=AccessKind.PAGE)
    record_access(user=agent, ticket=theirs, kind=AccessKind.ATTACHMENT)

    response = client_for(requester).get(reverse("privacy:my_accesses"))

    assert response.status_code == 200
    assert [(r.ticket.reference, r.kind) for r in response.context["page"].object_list] == [
        (mine.reference, AccessKind.PAGE)
    ]
    body = response.content.decode()
    assert "Assistance informatique" in body  # the service is named
    assert "Petit" not in body  # the agent is not
    assert f"#{theirs.reference}" not in body


def test_requester_does_not_see_their_own_reads_as_staff(agent, file_ticket):
    own = file_ticket(agent)
    record_access(user=agent, ticket=own, kind=AccessKind.PAGE)
    assert list(AccessRecord.objects.about_requester(agent)) == []


def test_accesses_page_is_linked_from_the_profile(client_for, requester):
    body = client_for(requester).get(reverse("accounts:profile")).content.decode()
    assert reverse("privacy:my_accesses") in body


def test_accesses_page_needs_login(client):
    response = client.get(reverse("privacy:my_accesses"))
    assert response.status_code == 302


def test_trail_is_kept_for_its_own_period(agent, requester, file_ticket, settings):
    settings.GUICHET_ACCESS_LOG_MONTHS = 12
    ticket = file_ticket(requester)
    old = record_access(user=agent, ticket=ticket, kind=AccessKind.PAGE)
    recent = record_access(user=agent, ticket=ticket, kind=AccessKind.ATTACHMENT)
    AccessRecord.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=361))
    AccessRecord.objects.filter(pk=recent.pk).update(created=timezone.now() - timedelta(days=359))
    assert purge_old_access_records(batch=1) == 1
    assert list(AccessRecord.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_reload_is_the_same_access(client_for, agent, manager, requester, file_ticket, settings):
    ticket = file_ticket(requester)
    path = reverse("agent:ticket", args=[ticket.reference])
    agent_client = client_for(agent)
    for _ in range(3):
        assert agent_client.get(path).status_code == 200
    client_for(manager).get(path)  # another person: recorded
    assert rows() == [
        ("agent@example.org", ticket.reference, AccessKind.PAGE),
        ("manager@example.org", ticket.reference, AccessKind.PAGE),
    ]
    settings.GUICHET_ACCESS_LOG_SAME_ACCESS_SECONDS = 0  # every access recorded
    agent_client.get(path)
    assert len(rows()) == 3
