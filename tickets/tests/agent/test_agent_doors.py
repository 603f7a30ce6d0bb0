"""The agent doors of tickets.workflow: merge a duplicate, transfer, add a watcher."""

from __future__ import annotations

import pytest

from tickets import workflow as wf
from tickets.exceptions import ActionForbidden, ActionRefused, StaleTicket
from tickets.models import Watcher
from tickets.status import TicketStatus

from ..conftest import PNG, checked


@pytest.mark.django_db
@pytest.mark.parametrize("status", [TicketStatus.NEW, TicketStatus.ECT, TicketStatus.ARS, TicketStatus.ATD])
def test_mark_duplicate_carries_watchers_and_attachments(status, make_ticket, agent, colleague, outsider, requester):
    original = make_ticket(TicketStatus.ECT, title="Original", by=colleague)
    duplicate = make_ticket(status, title="Doublon", files=[checked("capture.png", PNG)])
    Watcher.objects.create(ticket=duplicate, user=outsider)
    Watcher.objects.create(ticket=original, user=outsider)  # already follows: not twice
    version = original.version
    event = wf.ticket_mark_duplicate(
        ticket=duplicate, actor=agent, original=original, expected_version=duplicate.version
    )
    duplicate.refresh_from_db()
    original.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of, event.action) == (TicketStatus.REJ, original, "duplicate")
    assert event.reason == f"Doublon de la demande #{original.reference}."
    assert set(original.watchers.values_list("user", flat=True)) == {outsider.pk, requester.pk}
    assert [a.original_name for a in original.attachments.all()] == ["capture.png"]
    assert [a.original_name for a in duplicate.attachments.all()] == ["capture.png"]
    merge = original.events.last()
    assert (merge.action, merge.changes["duplicates"], original.version) == (
        "merge",
        [None, duplicate.reference],
        version + 1,
    )
    assert original.status == TicketStatus.ECT


@pytest.mark.django_db
def test_mark_duplicate_refusals(make_ticket, agent, other_agent, other_category, outsider):
    original = make_ticket(TicketStatus.ECT)
    duplicate = make_ticket()
    with pytest.raises(ActionRefused, match="elle-même"):
        wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=duplicate)
    closed = make_ticket(TicketStatus.TER)
    with pytest.raises(ActionRefused, match="close"):
        wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=closed)
    with pytest.raises(ActionRefused, match="« Terminée »"):
        wf.ticket_mark_duplicate(ticket=closed, actor=agent, original=original)
    foreign = wf.ticket_file(requester=outsider, category=other_category, title="Ailleurs", description="x")
    with pytest.raises(ActionForbidden):
        wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=foreign)
    with pytest.raises(ActionForbidden):
        wf.ticket_mark_duplicate(ticket=duplicate, actor=other_agent, original=original)
    with pytest.raises(StaleTicket):
        wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=original, expected_version=99)
    duplicate.refresh_from_db()
    assert duplicate.status == TicketStatus.NEW
    assert not original.watchers.exists()


@pytest.mark.django_db
def test_transfer_to_another_service(make_ticket, agent, other_category, category):
    ticket = make_ticket(TicketStatus.ECT)
    event = wf.ticket_transfer(ticket=ticket, actor=agent, category=other_category, text="Relève de la scolarité.")
    ticket.refresh_from_db()
    assert (ticket.service_id, ticket.assignee, event.reason) == (
        other_category.service_id,
        None,
        "Relève de la scolarité.",
    )
    assert event.changes["service"] == ["Assistance informatique", "Scolarité"]
    with pytest.raises(ActionForbidden):  # no longer ours
        wf.ticket_transfer(ticket=ticket, actor=agent, category=category)


@pytest.mark.django_db
def test_transfer_within_the_same_service_is_refused(make_ticket, agent, category):
    ticket = make_ticket()
    with pytest.raises(ActionRefused, match="même service"):
        wf.ticket_transfer(ticket=ticket, actor=agent, category=category)


@pytest.mark.django_db
def test_add_watcher(make_ticket, agent, colleague, requester, outsider):
    ticket = make_ticket()
    event = wf.ticket_add_watcher(ticket=ticket, actor=agent, user=colleague)
    assert (event.action, event.changes) == ("add_watcher", {"watchers": [None, "Dominique Bernard"]})
    with pytest.raises(ActionRefused, match="suit déjà"):
        wf.ticket_add_watcher(ticket=ticket, actor=agent, user=colleague)
    with pytest.raises(ActionRefused, match="suit déjà"):
        wf.ticket_add_watcher(ticket=ticket, actor=agent, user=requester)
    with pytest.raises(ActionForbidden):
        wf.ticket_add_watcher(ticket=ticket, actor=requester, user=outsider)
    with pytest.raises(StaleTicket):
        wf.ticket_add_watcher(ticket=ticket, actor=agent, user=outsider, expected_version=1)
    assert list(ticket.watchers.values_list("user", flat=True)) == [colleague.pk]


@pytest.mark.django_db
def test_history_labels_for_new_changes(make_ticket, agent, colleague, requester, client_for):
    original = make_ticket(TicketStatus.ECT)
    duplicate = make_ticket()
    wf.ticket_add_watcher(ticket=original, actor=agent, user=colleague)
    wf.ticket_mark_duplicate(ticket=duplicate, actor=agent, original=original)
    from django.urls import reverse

    page = client_for(requester).get(reverse("tickets:detail", args=[original.reference])).content.decode()
    assert "a rattaché un doublon" in page and "a ajouté un observateur" in page
    page = client_for(requester).get(reverse("tickets:detail", args=[duplicate.reference])).content.decode()
    assert "a marqué la demande comme doublon" in page


@pytest.mark.django_db
def test_seed_demo_gives_saved_responses_once_for_every_service_idempotently():
    import io

    from django.core.management import call_command

    from tickets.demo import SAVED_RESPONSES
    from tickets.models import SavedResponse

    call_command("seed_demo", stdout=io.StringIO())
    assert SavedResponse.objects.filter(service=None, owner=None).count() == len(SAVED_RESPONSES)
    count = SavedResponse.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert SavedResponse.objects.count() == count
    assert "{prenom_demandeur}" in SavedResponse.objects.first().body
