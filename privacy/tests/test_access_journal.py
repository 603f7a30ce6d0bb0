"""The audit trail is complete (searches, exports, from where) and readable by administrators and the DPO."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from privacy.models import AccessKind, AccessRecord
from privacy.tests.conftest import pdf

pytestmark = pytest.mark.django_db


def rows() -> list[tuple]:
    return [(r.user.email, r.ticket.reference, r.kind, r.ip, r.detail) for r in AccessRecord.objects.order_by("pk")]


def test_page_and_attachment_accesses_say_from_where(client_for, agent, requester, file_ticket):
    ticket = file_ticket(requester, files=[pdf()])
    client = client_for(agent)
    client.get(reverse("agent:ticket", args=[ticket.reference]), REMOTE_ADDR="192.0.2.7")
    attachment = ticket.attachments.get()
    response = client.get(
        reverse("tickets:attachment", args=[ticket.reference, attachment.pk]), REMOTE_ADDR="192.0.2.8"
    )
    b"".join(response.streaming_content)
    assert rows() == [
        ("agent@example.org", ticket.reference, AccessKind.PAGE, "192.0.2.7", ""),
        ("agent@example.org", ticket.reference, AccessKind.ATTACHMENT, "192.0.2.8", ""),
    ]


def test_search_results_are_recorded_per_ticket_shown(client_for, agent, requester, file_ticket):
    found = [file_ticket(requester, title=f"Imprimante en panne {i}") for i in range(2)]
    file_ticket(requester, title="Autre chose")
    response = client_for(agent).get(reverse("agent:search"), {"q": "imprimante"})
    assert response.status_code == 200
    assert sorted(rows()) == sorted(
        ("agent@example.org", t.reference, AccessKind.SEARCH, "127.0.0.1", "imprimante") for t in found
    )


def test_search_with_no_result_records_nothing(client_for, agent, requester, file_ticket):
    file_ticket(requester, title="Imprimante")
    client_for(agent).get(reverse("agent:search"), {"q": "introuvable"})
    assert rows() == []


def test_ticket_list_export_is_recorded_per_exported_ticket(client_for, admin, requester, file_ticket):
    tickets = [file_ticket(requester, title=f"Demande {i}") for i in range(3)]
    today = timezone.localdate()
    period = {"start": (today - timedelta(days=3)).isoformat(), "end": today.isoformat()}
    response = client_for(admin).get(reverse("stats:export", args=["tickets", "csv"]), period)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert sorted(rows()) == sorted(
        ("admin@example.org", t.reference, AccessKind.EXPORT, "127.0.0.1", "tickets.csv") for t in tickets
    )


def test_indicator_exports_hold_no_personal_data_and_are_not_recorded(client_for, admin, requester, file_ticket):
    file_ticket(requester)
    today = timezone.localdate()
    period = {"start": (today - timedelta(days=3)).isoformat(), "end": today.isoformat()}
    response = client_for(admin).get(reverse("stats:export", args=["volumes", "csv"]), period)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    assert rows() == []


def dpo_group() -> Group:
    """The group migration 0005 creates (made again here: a transactional test's flush empties it)."""
    from django.contrib.auth.models import Permission

    migration = importlib.import_module("privacy.migrations.0005_access_record_ip_detail")
    group, _ = Group.objects.get_or_create(name="DPO")
    permissions = Permission.objects.filter(content_type__app_label="privacy", codename__in=migration.DPO_PERMISSIONS)
    group.permissions.add(*permissions)
    assert permissions.count() == 3
    return group


@pytest.fixture
def dpo(db):
    from conftest import make_user

    user = make_user("dpo@example.org", first_name="Dominique", last_name="Dpo")
    user.groups.add(dpo_group())
    return user


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("dpo", 200), ("agent", 403), ("requester", 403)])
def test_journal_is_for_administrators_and_the_dpo(request, client_for, who, status):
    assert client_for(request.getfixturevalue(who)).get(reverse("privacy:access_journal")).status_code == status


def test_journal_filters_by_person_ticket_kind_and_date(
    client_for, dpo, agent, manager, requester, file_ticket, django_assert_max_num_queries
):
    one, two = file_ticket(requester, title="Un"), file_ticket(requester, title="Deux")
    client_for(agent).get(reverse("agent:ticket", args=[one.reference]))
    client_for(manager).get(reverse("agent:ticket", args=[two.reference]))
    AccessRecord.objects.create(
        user=agent, ticket=two, kind=AccessKind.EXPORT, created=timezone.now() - timedelta(days=40)
    )
    client = client_for(dpo)
    url = reverse("privacy:access_journal")

    def shown(**params) -> list[tuple]:
        page = client.get(url, params).context["page"]
        return [(r.user.email, r.ticket.reference, r.kind) for r in page.object_list]

    assert shown(person="agent@") == [
        ("agent@example.org", one.reference, "page"),
        ("agent@example.org", two.reference, "export"),
    ]
    assert shown(reference=two.reference, kind="page") == [("manager@example.org", two.reference, "page")]
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert len(shown(since=since)) == 2
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert shown(until=until) == [("agent@example.org", two.reference, "export")]
    for _ in range(60):
        AccessRecord.objects.create(user=agent, ticket=one, kind=AccessKind.PAGE)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200


def test_journal_rows_cannot_be_changed(agent, requester, file_ticket):
    record = AccessRecord.objects.create(user=agent, ticket=file_ticket(requester), kind=AccessKind.PAGE)
    record.kind = AccessKind.EXPORT
    with pytest.raises(ValueError, match="append-only"):
        record.save()
