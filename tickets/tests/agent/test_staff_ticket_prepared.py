"""The agent page's ticket read from SQL compiled once per shape of the user's roles (``helpdesk.prepared``,
issue 22): for every role of the cast it answers exactly what ``staff_ticket_query`` answers, with the
same related rows and annotation, and the kept statement is really used (its parameters equal Django's)."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ProviderOrganisation, User
from helpdesk.prepared import PreparedQuery
from tickets import selectors
from tickets.agent.presence import toggle_bookmark
from tickets.models import Ticket, Watcher
from tickets.status import TicketStatus

CAST = ("requester", "colleague", "outsider", "agent", "other_agent", "manager", "admin", "provider_member",
        "other_provider_member")  # fmt: skip
FIELDS = ("pk", "reference", "title", "status", "form_values", "created", "service_id", "requester_id")


def _tickets(cast, category, other_category, institution, other_institution) -> list[Ticket]:
    rng = random.Random(22)  # noqa: S311 (test data, not secrets)
    providers = list(ProviderOrganisation.objects.all())
    Ticket.objects.bulk_create(
        Ticket(
            reference=500 + i, title=f"Demande {i}", description="x",
            category=(chosen := rng.choice([category, other_category])), service_id=chosen.service_id,
            requester=rng.choice(cast), assignee=rng.choice([None, *cast]),
            institution=rng.choice([institution, other_institution, None]),
            status=rng.choice(TicketStatus.values), provider=rng.choice([None, None, *providers]),
            form_values={"poste": f"PC-{i}"} if i % 3 == 0 else {},
        )
        for i in range(60)
    )  # fmt: skip
    tickets = list(Ticket.objects.all())
    Watcher.objects.bulk_create(
        [Watcher(ticket=rng.choice(tickets), user=rng.choice(cast)) for _ in range(20)], ignore_conflicts=True
    )
    return tickets


@pytest.mark.django_db
def test_the_prepared_ticket_is_the_querysets_for_every_role(
    request, category, other_category, institution, other_institution
):
    cast = [request.getfixturevalue(name) for name in CAST]
    tickets = _tickets(cast, category, other_category, institution, other_institution)
    for person in cast:
        toggle_bookmark(user=person, ticket=tickets[cast.index(person)])
    shapes, bookmarked = set(), 0
    for person in cast:
        user = User.objects.get(pk=person.pk)  # fresh role caches
        shapes.add(Ticket.objects.visibility_shape(user)[0])
        replayed = selectors.STAFF_TICKET.replayed
        for ticket in tickets:
            expected = selectors.staff_ticket_query(user=user).filter(reference=ticket.reference).first()
            got = selectors.staff_ticket(user=user, reference=ticket.reference)
            if expected is None:
                assert got is None, (user, ticket.reference)
                continue
            assert [getattr(got, f) for f in FIELDS] == [getattr(expected, f) for f in FIELDS], user
            assert got.bookmarked == expected.bookmarked
            bookmarked += got.bookmarked
            with CaptureQueriesContext(connection) as read:  # the joined rows came with the ticket
                assert (got.requester.email, got.assignee_id and got.assignee.email) == (
                    expected.requester.email, expected.assignee_id and expected.assignee.email)  # fmt: skip
                assert got.institution_id is None or got.institution.name == expected.institution.name
            assert read.captured_queries == []
        # Every answer for this person but the first came from the kept statement: it matched Django's.
        assert selectors.STAFF_TICKET.replayed - replayed >= len(tickets) - 1, user
    assert bookmarked >= 3
    # The correspondent's branch, the providers' and the services' all took part.
    assert len(shapes) >= 4, shapes


@pytest.mark.django_db
def test_an_unseen_or_unknown_reference_is_none(agent, other_agent, make_ticket, client_for):
    ticket = make_ticket()
    for reference in (10**40, 10**9, ticket.reference, 10**40):
        status = client_for(other_agent).get(f"/traitement/{reference}/").status_code
        assert status == 404, reference
    assert selectors.staff_ticket(user=agent, reference=ticket.reference).pk == ticket.pk
    assert selectors.staff_ticket(user=agent, reference=10**9) is None
    assert selectors.staff_ticket(user=agent, reference=10**40) is None  # beyond bigint: no row, no error
    assert selectors.staff_ticket(user=other_agent, reference=ticket.reference) is None
    selectors.STAFF_TICKET._local.plans = {}  # a huge number first: Django compiles no SQL for it
    assert selectors.staff_ticket(user=agent, reference=10**40) is None
    assert selectors.staff_ticket(user=agent, reference=ticket.reference).pk == ticket.pk
    agent.is_active = False
    assert selectors.staff_ticket(user=agent, reference=ticket.reference) is None


@pytest.mark.django_db
def test_parameters_written_wrongly_cost_time_not_a_wrong_row(make_ticket, colleague):
    """A ``params`` that differs from Django's compilation is never replayed: the queryset answers."""
    mine, other = make_ticket(), make_ticket(by=colleague)
    query = PreparedQuery("test")

    def build():
        return Ticket.objects.filter(reference=mine.reference).order_by()[:1]

    assert query.first(("wrong",), [other.reference], build).pk == mine.pk
    assert query.first(("wrong",), [other.reference], build).pk == mine.pk
    assert (query.compiled, query.replayed) == (2, 0)
    assert query.first(("right",), [mine.reference], build).pk == mine.pk
    assert query.first(("right",), [mine.reference], build).pk == mine.pk
    assert (query.compiled, query.replayed) == (3, 2)


@pytest.mark.django_db
def test_the_composers_responses_are_the_querysets(make_ticket, agent, manager, other_agent, service, other_service):
    from tickets.agent import responses as saved
    from tickets.models import SavedResponse

    SavedResponse.objects.create(service=service, title="B service", body="x")
    SavedResponse.objects.create(service=other_service, title="A autre service", body="x")
    SavedResponse.objects.create(owner=agent, title="C à moi", body="x")
    SavedResponse.objects.create(owner=manager, title="D au responsable", body="x")
    SavedResponse.objects.create(title="A tous", body="x")
    ticket = make_ticket(TicketStatus.ECT)
    replayed = saved.COMPOSER_RESPONSES.replayed
    for person in (agent, manager, other_agent, agent):
        expected = list(saved.responses_for_ticket(ticket, person))
        got = saved._responses_for_composer(ticket, person)
        assert [(r.pk, r.title, r.scope) for r in got] == [(r.pk, r.title, r.scope) for r in expected]
    assert saved.COMPOSER_RESPONSES.replayed - replayed >= 3
    titles = [r.title for _label, group in saved.grouped_for_ticket(ticket, agent) for r in group]
    assert titles == ["C à moi", "B service", "A tous"]
