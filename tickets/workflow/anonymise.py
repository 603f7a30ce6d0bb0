"""The anonymisation door: closed tickets lose their personal data, in batches, set-based.

``tickets_anonymise`` is the only writer. For each ticket of the batch that is
closed and not anonymised yet (open tickets and anonymised ones are skipped,
whatever the caller passed), in one transaction:

- the requester becomes the anonymous placeholder account (``User.objects.
  anonymous_placeholder``), and so do the messages they wrote and the events
  they made; watchers are removed;
- the category form values are emptied;
- title, description, message bodies and the reasons of events are scrubbed
  (``tickets.hooks.scrub_text``: the knowledge base's scrubber, told the
  requester's and watchers' names, address, phone, email, student number and
  the form values), as are the strings inside the events' changes;
- attachments are deleted: rows now, files from the storage (S3 included, through
  the storage API) once the transaction commits;
- the mail outbox rows of the tickets lose their addresses, subjects and bodies;
- the apps above ``tickets`` erase what they hold (``hooks.personal_data_erasers``:
  inbound raw mail and quarantine);
- the search documents are rebuilt from the scrubbed text (PostgreSQL triggers),
  once per ticket;
- one ``anonymise`` event per ticket records that it happened, and why.

What statistics read stays: dates, category, service, institution, statuses,
the history of events and their dates, timers, priority.

Set-based: a few statements per batch (``UPDATE … WHERE id IN (…)``, one
``UPDATE … FROM (VALUES …)`` for the scrubbed texts), no per-ticket ORM save.
Idempotent and resumable: ``anonymised_at`` marks what is done, each batch
commits on its own, a rerun takes the rest.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from helpdesk.models import OutboundEmail
from tickets.hooks import hooks
from tickets.models import Attachment, EventAction, Message, Ticket, TicketEvent, Watcher
from tickets.status import CLOSED_STATES

PERSON_FIELDS = ("first_name", "last_name", "email", "student_number", "phone", "postal_address")


def _personal_values(person: dict[str, Any]) -> list[str]:
    return [str(person[f]) for f in ("email", "student_number", "phone", "postal_address") if person.get(f)]


def _form_strings(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _form_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _form_strings(item)
    elif value not in (None, "", True, False):
        yield str(value)


def _scrub_json(value: Any, scrub) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrub_json(item, scrub) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_json(item, scrub) for item in value]
    return value


def _write_texts(model, column: str, rows: dict[int, str]) -> None:
    """``UPDATE table SET column = new WHERE id = …`` for many rows in one statement."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objs = [model(pk=pk, **{column: text}) for pk, text in rows.items()]
        model.objects.bulk_update(objs, [column], batch_size=500)
        return
    table = model._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(rows))
    params = [item for pk, text in rows.items() for item in (pk, text)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {column} = v.text FROM (VALUES {values}) AS v(id, text) "  # noqa: S608 - names are ours
            "WHERE t.id = v.id",
            params,
        )


SET_ANONYMOUS = (
    "title = v.title, description = v.description, requester_id = %s, form_values = '{}'::jsonb, "
    "anonymised_at = %s, version = t.version + 1, search_vector = NULL, notes_vector = NULL"
)


def _rewrite_tickets(titles: dict[int, str], descriptions: dict[int, str], *, placeholder: Any, now) -> None:
    """The tickets' own row, in one statement on PostgreSQL, so that the search trigger rebuilds each
    ticket's documents once (from the scrubbed title, description and messages)."""
    ids = list(titles)
    if connection.vendor != "postgresql":
        _write_texts(Ticket, "title", titles)
        _write_texts(Ticket, "description", descriptions)
        Ticket.objects.filter(pk__in=ids).update(
            requester=placeholder, form_values={}, anonymised_at=now, version=F("version") + 1,
            search_vector=None, notes_vector=None,
        )  # fmt: skip
        return
    values = ", ".join(["(%s, %s, %s)"] * len(ids))
    params = [item for pk in ids for item in (pk, titles[pk], descriptions[pk])]
    with connection.cursor() as cursor:
        sql = (
            f"UPDATE tickets_ticket AS t SET {SET_ANONYMOUS} FROM (VALUES {values}) AS v(id, title, description) "  # noqa: S608 - ours
            "WHERE t.id = v.id"
        )
        cursor.execute(sql, [placeholder.pk, now, *params])


def _write_json(model, column: str, rows: dict[int, Any]) -> None:
    if not rows:
        return
    objs = [model(pk=pk, **{column: value}) for pk, value in rows.items()]
    model.objects.bulk_update(objs, [column], batch_size=500)


def tickets_anonymise(
    *, ticket_ids: Iterable[int], reason: str, actor: Any = None, now: datetime.datetime | None = None
) -> list[int]:
    """Anonymise the closed, not yet anonymised tickets among ``ticket_ids``; return the ids done.

    ``reason`` is recorded on each ticket's ``anonymise`` event ("retention period", "erasure
    request #12"); ``actor`` is the administrator who carried out an erasure, ``None`` for the
    schedule. Open tickets are never touched."""
    now = now or timezone.now()
    placeholder = User.objects.anonymous_placeholder()
    with transaction.atomic():
        locked = (
            Ticket.objects.filter(pk__in=list(ticket_ids), status__in=CLOSED_STATES, anonymised_at__isnull=True)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        tickets = list(
            locked.values("pk", "reference", "status", "title", "description", "form_values", "requester_id")
        )
        if not tickets:
            return []
        ids = [t["pk"] for t in tickets]
        if connection.vendor == "postgresql":
            # The door rebuilds each ticket's search document once (below), not once per message.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL guichet.defer_search_touch = 'on'")
        scrubbers = _scrubbers(tickets)

        _scrub_rows(Message, "body", Message.objects.filter(ticket_id__in=ids), scrubbers)
        _scrub_events(ids, scrubbers)
        titles = {t["pk"]: scrubbers[t["pk"]](t["title"])[:200] for t in tickets}
        descriptions = {t["pk"]: scrubbers[t["pk"]](t["description"]) for t in tickets}

        # The requester's own traces point to the placeholder; nobody watches an anonymised ticket.
        Message.objects.filter(ticket_id__in=ids, author_id=F("ticket__requester_id")).update(author=placeholder)
        TicketEvent.objects.filter(ticket_id__in=ids, actor_id=F("ticket__requester_id")).update(actor=placeholder)
        Watcher.objects.filter(ticket_id__in=ids).delete()

        files = list(Attachment.objects.filter(ticket_id__in=ids).values_list("file", flat=True))
        Attachment.objects.filter(ticket_id__in=ids).delete()

        OutboundEmail.objects.filter(ticket_reference__in=[t["reference"] for t in tickets]).update(
            to=[], cc=[], reply_to="", subject="", body_text="", body_html="", headers={}
        )
        for erase in hooks.personal_data_erasers:
            erase(ids)

        _rewrite_tickets(titles, descriptions, placeholder=placeholder, now=now)
        TicketEvent.objects.bulk_create(
            TicketEvent(
                ticket_id=t["pk"],
                actor=actor,
                action=EventAction.ANONYMISE,
                from_status=t["status"],
                to_status=t["status"],
                reason=reason,
                created=now,
            )
            for t in tickets
        )
        if files:
            transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return ids


def _scrubbers(tickets: list[dict[str, Any]]):
    """One scrub function per ticket, told that ticket's people and personal values."""
    people_ids = {t["requester_id"] for t in tickets}
    watchers = defaultdict(list)
    for ticket_id, user_id in Watcher.objects.filter(ticket_id__in=[t["pk"] for t in tickets]).values_list(
        "ticket_id", "user_id"
    ):
        watchers[ticket_id].append(user_id)
        people_ids.add(user_id)
    people = {p["pk"]: p for p in User.objects.filter(pk__in=people_ids).values("pk", *PERSON_FIELDS)}
    scrub_text = hooks.scrub_text
    scrubbers = {}
    for ticket in tickets:
        persons = [people[ticket["requester_id"]], *(people[pk] for pk in watchers[ticket["pk"]] if pk in people)]
        names = [(p["first_name"], p["last_name"]) for p in persons if p["first_name"] or p["last_name"]]
        values = [value for p in persons for value in _personal_values(p)]
        values += [value for value in _form_strings(ticket["form_values"]) if len(value) >= 4]

        def scrub(text: str, names=names, values=values) -> str:
            return scrub_text(text, names=names, values=values) if text else text

        scrubbers[ticket["pk"]] = scrub
    return scrubbers


def _scrub_rows(model, column: str, queryset, scrubbers) -> None:
    changed = {}
    for pk, ticket_id, text in queryset.values_list("pk", "ticket_id", column).iterator(chunk_size=2000):
        cleaned = scrubbers[ticket_id](text)
        if cleaned != text:
            changed[pk] = cleaned
    _write_texts(model, column, changed)


def _scrub_events(ids: list[int], scrubbers) -> None:
    reasons, changes = {}, {}
    rows = TicketEvent.objects.filter(ticket_id__in=ids).exclude(reason="", changes={})
    for pk, ticket_id, reason, change in rows.values_list("pk", "ticket_id", "reason", "changes"):
        scrub = scrubbers[ticket_id]
        if reason and (cleaned := scrub(reason)) != reason:
            reasons[pk] = cleaned
        if change and (cleaned := _scrub_json(change, scrub)) != change:
            changes[pk] = cleaned
    _write_texts(TicketEvent, "reason", reasons)
    _write_json(TicketEvent, "changes", changes)
