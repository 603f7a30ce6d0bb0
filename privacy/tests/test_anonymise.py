"""Anonymisation on schedule, by time travel: the sweep is told what day it is (``now=``).

The tickets are filed and closed through the workflow (and one by mail, so that a raw
source exists); the checks then read back every table of every app, serialised, and
every file of the storage.
"""

from __future__ import annotations

import datetime
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchQuery
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from catalogue.models import Category, CategoryKind
from helpdesk.models import OutboundEmail
from inbound.models import InboundMessage
from inbound.pipeline import ingest
from inbound.tests.conftest import build_mail, inbound_address  # noqa: F401 - fixture
from privacy.erasure import account_erase
from privacy.tests.conftest import PDF
from stats.forms import StatsFilterForm
from stats.indicators import compute
from tickets import workflow as wf
from tickets.attachments import check_upload
from tickets.models import Attachment, EventAction, Message, Ticket, TicketEvent
from tickets.retention import anonymise_due_tickets, due_for_anonymisation, months_before

STUDENT_NUMBER = "21934567"
PHONE = "06 12 34 56 78"
ADDRESS = "12 rue des Lilas, 13001 Marseille"
SECRET_WORDS = ["Camille", "Martin", "requester@example.org", STUDENT_NUMBER, "0612345678", "Lilas"]


@pytest.fixture
def person(requester):
    requester.student_number = STUDENT_NUMBER
    requester.phone = PHONE
    requester.postal_address = ADDRESS
    requester.save()
    return requester


def personal_pdf():
    content = PDF.replace(b"%%EOF", f"% Relevé de Camille Martin, {STUDENT_NUMBER}\n%%EOF".encode())
    return check_upload(SimpleUploadedFile("releve-martin-camille.pdf", content, content_type="application/pdf"))


def close(ticket, agent, requester):
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_propose(ticket=ticket, actor=agent, text="Bonjour Camille Martin, c'est réparé.")
    wf.ticket_approve(ticket=ticket, actor=requester, text="Merci, Camille (06 12 34 56 78).")
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def closed_ticket(person, agent, category):
    ticket = wf.ticket_file(
        requester=person,
        category=category,
        title="Messagerie de Camille Martin",
        description=f"Je suis Camille Martin, n° étudiant {STUDENT_NUMBER}, j'habite {ADDRESS}. "
        f"Appelez-moi au {PHONE} ou écrivez à requester@example.org.",
        form_values={"adresse": ADDRESS, "numero": STUDENT_NUMBER},
        files=[personal_pdf()],
    )
    wf.ticket_add_information(ticket=ticket, actor=person, text="Mon adresse : 12 rue des Lilas, 13001 Marseille.")
    return close(ticket, agent, person)


def dump(*, skip=()) -> str:
    """Every row of every table, serialised (the search vectors included on PostgreSQL), one line per row."""
    lines = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for row in json.loads(serializers.serialize("json", model._default_manager.all())):
            if (row["model"], row["pk"]) not in skip:
                lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines)


def leaking_rows(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        for word in leaks(line):
            at = line.lower().replace(" ", "").find(word.lower().replace(" ", ""))
            found.append(f"{word} in {line[:60]} … {line.replace(' ', '')[max(at - 80, 0) : at + 40]}")
    return found


def stored_files() -> str:
    found = []

    def walk(folder: str) -> None:
        dirs, files = default_storage.listdir(folder)
        for name in files:
            path = f"{folder}/{name}" if folder else name
            with default_storage.open(path, "rb") as stream:
                found.append(path + "\n" + stream.read().decode("latin-1"))
        for sub in dirs:
            walk(f"{folder}/{sub}" if folder else sub)

    walk("")
    return "\n".join(found)


def leaks(text: str) -> list[str]:
    folded = text.lower().replace(" ", "")
    return [word for word in SECRET_WORDS if word.lower().replace(" ", "") in folded]


def indicators(user) -> list:
    """Every statistics indicator over the last days, as the statistics page computes them."""
    today = timezone.localdate()
    form = StatsFilterForm({"start": (today - timedelta(days=5)).isoformat(), "end": today.isoformat()}, user=user)
    assert form.is_valid(), form.errors
    return [(indicator.key, indicator.values()) for indicator in compute(user=user, filters=form.stats_filters())]


def found(word: str) -> bool:
    """A staff search document holds the word (PostgreSQL)."""
    return Ticket.objects.filter(search_vector=SearchQuery(word, config="french_unaccent")).exists()


def statistics_of(ticket: Ticket) -> dict:
    ticket.refresh_from_db()
    events = list(
        ticket.events.exclude(action=EventAction.ANONYMISE).values_list("action", "from_status", "to_status", "created")
    )
    return {
        "dates": (ticket.created, ticket.closed_at, ticket.last_activity_at),
        "where": (ticket.category_id, ticket.service_id, ticket.institution_id, ticket.status, ticket.priority),
        "events": events,
    }


def test_months_before_keeps_the_day_or_takes_the_month_end():
    moment = datetime.datetime(2026, 3, 31, 12, tzinfo=datetime.UTC)
    assert months_before(moment, 1) == datetime.datetime(2026, 2, 28, 12, tzinfo=datetime.UTC)
    assert months_before(moment, 25) == datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC)


def test_ticket_closed_25_months_ago_is_anonymised_23_months_not_open_never(person, agent, category, closed_ticket):
    open_ticket = wf.ticket_file(requester=person, category=category, title="Encore Camille", description="Martin")
    closed_at = closed_ticket.closed_at
    assert anonymise_due_tickets(now=months_before(closed_at, -23)) == 0
    assert Ticket.objects.get(pk=closed_ticket.pk).anonymised_at is None

    assert anonymise_due_tickets(now=months_before(closed_at, -25)) == 1
    closed_ticket.refresh_from_db()
    assert closed_ticket.anonymised_at is not None
    assert closed_ticket.requester.email == "anonyme@guichet.invalid"
    assert closed_ticket.form_values == {}
    open_ticket.refresh_from_db()
    assert (open_ticket.requester_id, open_ticket.title, open_ticket.anonymised_at) == (
        person.pk,
        "Encore Camille",
        None,
    )
    # Even named to the door, or far in the future, an open ticket is left alone.
    assert wf.tickets_anonymise(ticket_ids=[open_ticket.pk], reason="essai") == []
    assert anonymise_due_tickets(now=months_before(closed_at, -240)) == 0
    assert list(due_for_anonymisation(months_before(closed_at, -240))) == []


def test_anonymisation_is_idempotent_and_records_one_event(closed_ticket):
    later = months_before(closed_ticket.closed_at, -25)
    assert wf.tickets_anonymise(ticket_ids=[closed_ticket.pk], reason="essai", now=later) == [closed_ticket.pk]
    assert wf.tickets_anonymise(ticket_ids=[closed_ticket.pk], reason="essai", now=later) == []
    assert anonymise_due_tickets(now=later) == 0
    assert list(closed_ticket.events.filter(action=EventAction.ANONYMISE).values_list("reason", flat=True)) == ["essai"]


def test_anonymisation_resumes_in_batches(person, agent, category):
    tickets = [
        close(wf.ticket_file(requester=person, category=category, title=f"Panne {i}", description="x"), agent, person)
        for i in range(5)
    ]
    later = months_before(max(t.closed_at for t in tickets), -25)
    assert anonymise_due_tickets(now=later, batch_size=2) == 5
    assert Ticket.objects.filter(anonymised_at__isnull=True).count() == 0


def test_branch_and_sve_periods_decide(person, agent, service):
    sve = Category.objects.create(name="Saisine", slug="sve", kind=CategoryKind.LEAF, service=service, is_sve=True)
    short = Category.objects.create(
        name="Court", slug="court", kind=CategoryKind.LEAF, service=service, retention_months=6
    )
    in_sve = close(wf.ticket_file(requester=person, category=sve, title="SVE", description="x"), agent, person)
    in_short = close(wf.ticket_file(requester=person, category=short, title="Court", description="x"), agent, person)
    assert anonymise_due_tickets(now=months_before(in_short.closed_at, -7)) == 1
    assert Ticket.objects.get(pk=in_short.pk).anonymised_at is not None
    assert anonymise_due_tickets(now=months_before(in_sve.closed_at, -59)) == 0  # SVE: 60 months by default
    assert anonymise_due_tickets(now=months_before(in_sve.closed_at, -61)) == 1


def test_nothing_personal_is_left_in_any_table_nor_in_the_storage(
    person,
    agent,
    admin,
    category,
    closed_ticket,
    inbound_address,  # noqa: F811 - the fixture imported above
    settings,
    django_capture_on_commit_callbacks,
):
    settings.GUICHET_INBOUND_RAW_INLINE_MAX = 10  # this source goes to the storage
    raw = build_mail(
        sender="Camille Martin <requester@example.org>",
        subject="Toujours Camille Martin",
        body=f"Bonjour, je suis Camille Martin ({STUDENT_NUMBER}), tél. {PHONE}, {ADDRESS}.",
        message_id="<camille.martin.1@example.org>",
    )
    ingest(raw, source="test")
    by_mail = Ticket.objects.exclude(pk=closed_ticket.pk).get()
    by_mail = close(by_mail, agent, person)
    assert InboundMessage.objects.filter(ticket=by_mail).exists()
    assert OutboundEmail.objects.exists()
    assert leaks(dump()) == SECRET_WORDS and leaks(stored_files()) != []
    before = statistics_of(closed_ticket)
    before_indicators = indicators(admin)
    if connection.vendor == "postgresql":
        assert (found("martin"), found("lilas")) == (True, True)

    later = months_before(by_mail.closed_at, -25)
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the batch commits
        assert anonymise_due_tickets(now=later) == 2
    # The tickets keep nothing: only the account's own rows still know the person…
    account_rows = {("accounts.user", person.pk)}
    account_rows |= {("account.emailaddress", pk) for pk in person.emailaddress_set.values_list("pk", flat=True)}
    assert leaking_rows(dump(skip=account_rows)) == []
    assert leaks(stored_files()) == []
    assert Attachment.objects.count() == 0
    assert statistics_of(closed_ticket) == before
    assert indicators(admin) == before_indicators
    if connection.vendor == "postgresql":
        assert Ticket.objects.filter(pk=closed_ticket.pk, search_vector__isnull=False).exists()
        assert (found("martin"), found("camille"), found("lilas"), found("messagerie")) == (False, False, False, True)

    # …until the account goes too (erasure or inactivity): then nothing at all.
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=person, reason="test")
    assert leaking_rows(dump()) == []
    assert Message.objects.filter(ticket=closed_ticket).count() == 3
    assert TicketEvent.objects.filter(ticket=closed_ticket, action=EventAction.ANONYMISE).count() == 1
