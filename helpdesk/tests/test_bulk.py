"""``bulk_insert`` writes what ``bulk_create`` writes (through COPY on PostgreSQL)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy as lazy_text  # a lazy string, not one to translate

from helpdesk.bulk import MIN_ROWS, bulk_insert
from helpdesk.mail import AUTO_REPLIED, queue_emails
from helpdesk.models import OutboundEmail
from tickets import workflow as wf
from tickets.models import EventAction, TicketEvent


def _stored(model, objs) -> list[dict]:
    fields = [f.attname for f in model._meta.concrete_fields]
    rows = {row["id"]: row for row in model.objects.filter(pk__in=[o.pk for o in objs]).values(*fields)}
    return [rows[o.pk] for o in objs]


def _as_built(model, objs) -> list[dict]:
    fields = [f.attname for f in model._meta.concrete_fields]
    return [{name: getattr(o, name) for name in fields} for o in objs]


def test_outbox_rows_of_a_sweep_are_stored_as_built(db):
    count = MIN_ROWS + 10
    mails = [
        {
            "to": [f"personne{i}@example.org", "copie@example.org"][: 1 + i % 2],
            "subject": f"Rappel « n° {i} » \\ \t tab",
            "template": "email/tickets/notification",
            "context": {"paragraphs": [f"Ligne {i}\nsuite\\N"], "recipient_name": "Zoé", "action_url": ""},
            "language": ["fr", "en"][i % 2],
            "kind": "reminder",
            "ticket_reference": i + 1 if i % 3 else None,
            "headers": {"X-Test": f"é{i}", "Liste": "a,b"},
            "auto_submitted": AUTO_REPLIED if i % 4 == 0 else "auto-generated",
            "reply_to": "" if i % 2 else "assistance@example.org",
        }
        for i in range(count)
    ]
    with CaptureQueriesContext(connection) as queries:
        rows = queue_emails(mails)
    assert len({row.pk for row in rows}) == count and all(row.pk for row in rows)
    assert _stored(OutboundEmail, rows) == _as_built(OutboundEmail, rows)
    assert OutboundEmail.objects.filter(**{"headers__Auto-Submitted": AUTO_REPLIED}).count() == 15
    if connection.vendor == "postgresql":  # ids from the sequence, then COPY (which is not a query Django sees)
        assert [q["sql"][:38] for q in queries.captured_queries] == ["SELECT nextval(pg_get_serial_sequence("]
    # The sequence moved on: an ordinary save after them gets a new id.
    later = OutboundEmail.objects.create(to=["x@example.org"], subject="s", body_text="b", message_id="<m@x>")
    assert later.pk > max(row.pk for row in rows)


def test_history_events_with_lazy_text_and_json(requester, category):
    ticket = wf.ticket_file(requester=requester, category=category, title="Écran noir", description="Depuis hier.")
    now = timezone.now()
    events = [
        TicketEvent(
            ticket=ticket,
            actor=requester if i % 2 else None,
            action=EventAction.REMIND,
            from_status="ARS",
            to_status="ARS",
            changes={"n": [i, None, "é"]},
            reason=lazy_text("Relance") if i % 3 else "",
            created=now - datetime.timedelta(minutes=i),
        )
        for i in range(MIN_ROWS)
    ]
    stored = _stored(TicketEvent, bulk_insert(TicketEvent, events))
    built = _as_built(TicketEvent, events)
    for row in built:
        row["reason"] = str(row["reason"])
    assert stored == built
    assert events[1].reason and TicketEvent.objects.filter(ticket=ticket, reason="Relance").count() == 33
