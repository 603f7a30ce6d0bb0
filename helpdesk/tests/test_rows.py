"""``fetch_one`` reads what the ORM reads; ``insert_one`` writes what ``save()`` writes."""

from __future__ import annotations

import pytest
from django.db.models.functions import Lower
from django.db.models.signals import post_save, pre_save

from accounts.models import User
from helpdesk.rows import fetch_one, insert_one
from inbound.models import InboundMessage
from tickets import workflow as wf
from tickets.models import Ticket, TicketEvent


@pytest.fixture
def ticket(requester, category) -> Ticket:
    return wf.ticket_file(requester=requester, category=category, title="Imprimante", description="En panne")


def _fields(instance) -> dict:
    return {k: v for k, v in instance.__dict__.items() if not k.startswith("_")}


def test_fetch_one_reads_a_user_as_the_orm_does(requester):
    found = fetch_one(User, "lower(t.email) = %s", ["requester@example.org"])
    expected = User.objects.alias(email_lower=Lower("email")).filter(email_lower="requester@example.org").first()
    assert (found, _fields(found), found._state.adding, found._state.db) == (
        expected,
        _fields(expected),
        False,
        "default",
    )


def test_fetch_one_reads_a_ticket_with_its_category_as_select_related(ticket):
    found = fetch_one(Ticket, "t.reference = %s", [ticket.reference], related=("category",))
    expected = Ticket.objects.select_related("category").get(reference=ticket.reference)
    assert _fields(found) == _fields(expected)
    assert _fields(found._state.fields_cache["category"]) == _fields(expected.category)


def test_fetch_one_finds_nothing(db):
    assert fetch_one(Ticket, "t.reference = %s", [987654], related=("category",)) is None


def test_insert_one_stores_what_save_stores(ticket, requester):
    saved = TicketEvent(ticket=ticket, actor=requester, action="file", to_status="NEW", changes={"a": [1, "é"]})
    saved.save()
    inserted = TicketEvent(ticket=ticket, actor=requester, action="file", to_status="NEW", changes={"a": [1, "é"]})
    insert_one(inserted)
    assert inserted.pk is not None and inserted._state.adding is False
    stored = TicketEvent.objects.values().get(pk=inserted.pk)
    expected = TicketEvent.objects.values().get(pk=saved.pk)
    for row in (stored, expected):
        row.pop("id"), row.pop("created")
    assert stored == expected


def test_insert_one_stores_an_inbound_row_with_its_raw_bytes(db):
    row = InboundMessage(dedup_key="<k@x>", from_address="a@example.org", recipients=["b@example.org"])
    row.store_raw(b"Subject: x\r\n\r\nbody\xe9")
    insert_one(row)
    assert InboundMessage.objects.get(pk=row.pk).raw == b"Subject: x\r\n\r\nbody\xe9"


def test_insert_one_saves_the_orm_way_when_someone_listens(ticket, requester):
    heard = []

    def listener(sender, instance, created, **kwargs):
        heard.append((instance.pk, created))

    post_save.connect(listener, sender=TicketEvent)
    try:
        event = TicketEvent(ticket=ticket, actor=requester, action="file", to_status="NEW")
        insert_one(event)
    finally:
        post_save.disconnect(listener, sender=TicketEvent)
    assert heard == [(event.pk, True)]


def test_rows_written_by_insert_one_have_no_save_receivers(db):
    """The inbound pipeline writes these rows through ``insert_one`` (and the email-only account with
    its address in one statement): a receiver added one day would be honoured by ``insert_one``
    (it falls back to ``save()``), not by that statement — this test says so first."""
    from allauth.account.models import EmailAddress

    from helpdesk.models import OutboundEmail
    from tickets.models import Attachment, Message

    models = [User, EmailAddress, Ticket, TicketEvent, Message, Attachment, InboundMessage, OutboundEmail]
    listened = [m.__name__ for m in models if pre_save.has_listeners(m) or post_save.has_listeners(m)]
    assert listened == []


def test_insert_few_stores_what_bulk_create_stores(db):
    from helpdesk.models import OutboundEmail
    from helpdesk.rows import insert_few

    def mails(prefix: str) -> list[OutboundEmail]:
        return [
            OutboundEmail(
                to=[f"{prefix}{i}@example.org"], subject=f"Sujet « {i} »", body_text="a\nb", headers={"X-A": str(i)},
                message_id=f"<{prefix}{i}@x>", ticket_reference=i or None, kind="queue_new", language="fr",
            )
            for i in range(3)
        ]  # fmt: skip

    created = OutboundEmail.objects.bulk_create(mails("b"))
    inserted = insert_few(mails("i"))
    assert [m._state.adding for m in inserted] == [False, False, False]

    def stored(rows):
        found = {r["id"]: r for r in OutboundEmail.objects.filter(pk__in=[m.pk for m in rows]).values()}
        return [
            {k: v for k, v in found[m.pk].items() if k not in {"id", "created_at", "next_attempt_at"}}
            | {"to": None, "message_id": None}
            for m in rows
        ]

    assert stored(inserted) == stored(created)
    assert [OutboundEmail.objects.get(pk=m.pk).to for m in inserted] == [
        ["i0@example.org"],
        ["i1@example.org"],
        ["i2@example.org"],
    ]
