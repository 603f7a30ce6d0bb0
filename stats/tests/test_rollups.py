"""The cheap per-action marker, its flush, and the daily roll-ups: figures read from the
roll-ups equal the facts' (restricted by ``visible_to``) for every role."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.workdays import PARIS
from stats import facts, rollups
from stats.indicators import FROM_ROLLUPS, Period, StatsFilters, compute
from stats.models import DailyRollup, DirtyTicket, Measure, SurveyAnswer, TicketFact
from stats.tests.conftest import MAY, History, at, may_filters
from tickets import workflow as wf
from tickets.exceptions import ActionRefused

pytestmark = pytest.mark.django_db
KEYS = tuple(sorted(FROM_ROLLUPS))
ROW = ("day", "service_id", "category_id", "measure", "status", "value", "agent_id", "count")


def _stats_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "stats_" in q["sql"]]


def test_an_action_writes_one_marker_and_nothing_else_of_the_statistics(requester, agent, category):
    ticket = wf.ticket_file(requester=requester, category=category, title="Wifi", description="Coupé.")
    facts.refresh_dirty()
    with CaptureQueriesContext(connection) as queries:
        wf.ticket_take(ticket=ticket, actor=agent)
    [query] = _stats_queries(queries.captured_queries)
    assert query.startswith("INSERT INTO stats_dirtyticket") and "ON CONFLICT" in query
    assert list(DirtyTicket.objects.values_list("ticket_id", flat=True)) == [ticket.pk]
    assert TicketFact.objects.get(ticket=ticket).status == "NEW"  # not recomputed yet
    assert facts.refresh_dirty() == 1
    assert TicketFact.objects.get(ticket=ticket).status == "ECT"
    assert not DirtyTicket.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        assert facts.refresh_dirty() == 0
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1  # nothing marked: one query


def test_a_rolled_back_action_leaves_no_marker(requester, category):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        wf.ticket_file(requester=requester, category=category, title="Wifi", description="Coupé.")
        raise RuntimeError
    assert not DirtyTicket.objects.exists()


def test_the_page_right_after_an_action_shows_it(client_for, manager, requester, agent, category):
    with time_machine.travel(at(5, 4), tick=False):
        ticket = wf.ticket_file(requester=requester, category=category, title="Wifi", description="Coupé.")
    with time_machine.travel(at(5, 5), tick=False):
        wf.ticket_reject(ticket=ticket, actor=agent, text="Hors périmètre.")
    assert DirtyTicket.objects.exists() and not TicketFact.objects.filter(ticket=ticket, status="REJ").exists()
    with time_machine.travel(at(6, 2), tick=False):
        response = client_for(manager).get("/traitement/statistiques/", {"start": "2026-05-01", "end": "2026-05-31"})
    html = response.content.decode()
    assert '<th scope="row">Déposées</th><td>1</td><td>0</td>' in html
    assert '<th scope="row">Closes</th><td>1</td><td>0</td>' in html
    assert not DirtyTicket.objects.exists()


def _same_figures(user, filters: StatsFilters, *, rolled: bool) -> None:
    """The roll-ups' figures equal the facts' for this user and filters; ``rolled``: the
    roll-ups were usable (else the facts answered both, which proves nothing)."""
    assert (rollups.scope(user=user, filters=filters) is not None) == rolled
    from_rollups = {i.key: i.values() for i in compute(user=user, filters=filters, keys=KEYS)}
    from_facts = {i.key: i.values() for i in compute(user=user, filters=filters, keys=KEYS, use_rollups=False)}
    assert from_rollups == from_facts


def test_rollups_equal_facts_on_the_hand_built_history(history, admin, manager, agent, colleague, service):
    with_service = may_filters(service_id=service.pk)
    _same_figures(admin, may_filters(), rolled=True)
    _same_figures(admin, with_service, rolled=True)
    _same_figures(manager, may_filters(), rolled=True)
    _same_figures(manager, with_service, rolled=True)
    _same_figures(agent, may_filters(), rolled=True)
    _same_figures(colleague, may_filters(), rolled=False)
    _same_figures(admin, may_filters(channel="email"), rolled=False)
    # The exact values of test_indicators, read from the roll-ups.
    found = {i.key: i.values() for i in compute(user=admin, filters=may_filters(), keys=KEYS)}
    assert found["volumes"] == {"filed": (9, 2), "closed": (7, 1), "follow_ups": (0, 0)}


def _random_history(rng, people, categories) -> None:
    """A few hundred tickets through the workflow, at random moments (some at midnight
    exactly), in both services, by several requesters, on both channels."""
    requesters, agents = people
    doors = ["take", "ask", "propose", "approve", "refuse", "reject", "withdraw", "transfer", "none"]
    start = datetime(2026, 3, 1, tzinfo=PARIS)
    for i in range(240):
        category = rng.choice(categories)
        when = start + timedelta(days=rng.randrange(100), hours=rng.choice([0, 0, 9, 14, 23]))
        h = History(requester=rng.choice(requesters), agent=agents[categories.index(category)], category=category)
        ticket = h.file(when, channel=rng.choice(["web", "email"]))
        steps = rng.sample(doors, 3)
        for door in steps:
            when += timedelta(days=rng.randrange(0, 20), hours=rng.choice([0, 1, 5]))
            ticket.refresh_from_db()
            try:
                if door == "take":
                    h.do(when, wf.ticket_take, ticket, actor=h.agent)
                elif door == "ask":
                    h.do(when, wf.ticket_ask, ticket, actor=h.agent, text="?")
                elif door == "propose":
                    h.do(when, wf.ticket_propose, ticket, actor=h.agent, text="Essayez.")
                elif door == "approve":
                    h.do(when, wf.ticket_approve, ticket, actor=ticket.requester)
                elif door == "refuse":
                    h.do(when, wf.ticket_refuse, ticket, actor=ticket.requester, text="Non.")
                elif door == "reject":
                    h.do(when, wf.ticket_reject, ticket, actor=h.agent, text="Non.")
                elif door == "withdraw":
                    h.do(when, wf.ticket_withdraw, ticket, actor=ticket.requester, text="Réglé.")
                elif door == "transfer":
                    other = categories[1 - categories.index(ticket.category)]
                    h.do(when, wf.ticket_transfer, ticket, actor=h.agent, category=other, text="Ailleurs.")
            except ActionRefused:  # a door not open in this state: the ticket stays as it is
                pass
        ticket.refresh_from_db()
        if ticket.status in ("TER", "REJ") and rng.random() < 0.5:
            answer = SurveyAnswer.objects.create(ticket=ticket, rating=rng.randint(1, 5), comment="",
                                                 answered_at=when, updated_at=when)  # fmt: skip
            if rng.random() < 0.3:
                answer.rating = rng.randint(1, 5)
                answer.save()
        if i % 40 == 0:
            facts.refresh_dirty()  # flushes in the middle: roll-ups kept incrementally


def test_rollups_equal_facts_on_a_generated_set_for_every_role(
    admin, manager, agent, other_agent, colleague, requester, outsider, category, other_category, service
):
    rng = random.Random(19)  # noqa: S311 - reproducible test data
    _random_history(rng, ([requester, colleague, outsider, manager], [agent, other_agent]), [category, other_category])
    facts.refresh_dirty()
    assert SurveyAnswer.objects.count() > 10 and DailyRollup.objects.filter(measure=Measure.RATING).exists()
    assert DailyRollup.objects.filter(measure=Measure.AGE_AT_MIDNIGHT).exists()
    assert DailyRollup.objects.filter(measure=Measure.TRANSFERRED).exists()
    assert DailyRollup.objects.filter(measure=Measure.REFUSED).exists()
    incremental = Counter(DailyRollup.objects.values_list(*ROW))
    assert rollups.rebuild() == len(incremental)
    rebuilt = Counter(DailyRollup.objects.values_list(*ROW))
    assert rebuilt == incremental
    midnight = datetime(2026, 4, 6, tzinfo=PARIS)
    periods = [
        Period(start=datetime(2026, 4, 1, tzinfo=PARIS), end=datetime(2026, 5, 1, tzinfo=PARIS)),
        MAY,
        Period(start=midnight, end=midnight + timedelta(days=9)),
        Period(start=datetime(2026, 3, 15, tzinfo=PARIS), end=datetime(2026, 7, 1, tzinfo=PARIS)),
    ]
    for period in periods:
        everything, in_service = StatsFilters(period=period), StatsFilters(period=period, service_id=service.pk)
        in_category = StatsFilters(period=period, category_ids=frozenset({other_category.pk}))
        _same_figures(admin, everything, rolled=True)
        _same_figures(admin, in_service, rolled=True)
        _same_figures(admin, in_category, rolled=True)
        _same_figures(agent, everything, rolled=True)  # sees their service's tickets, nothing else
        _same_figures(other_agent, in_category, rolled=True)
        _same_figures(manager, in_service, rolled=True)
        _same_figures(manager, everything, rolled=False)  # also their own tickets elsewhere: the facts
        _same_figures(colleague, everything, rolled=False)
        _same_figures(requester, everything, rolled=False)
        _same_figures(admin, StatsFilters(period=period, channel="email"), rolled=False)


def test_rebuild_command_recounts_the_rollups(history, capsys):
    from django.core.management import call_command

    before = Counter(DailyRollup.objects.values_list("day", "service_id", "measure", "status", "value", "count"))
    DailyRollup.objects.all().delete()
    call_command("stats_rebuild", "--rollups-only")
    assert f"{sum(before.values()) and len(before)} roll-up rows rebuilt" in capsys.readouterr().out
    after = Counter(DailyRollup.objects.values_list("day", "service_id", "measure", "status", "value", "count"))
    assert after == before


def test_the_nightly_repair_keeps_the_rollups(history, admin):
    TicketFact.objects.filter(ticket=history["T1"]).update(status="NEW", closed_at=None, resolution_days=None)
    assert facts.rebuild(stale_only=True) == 0  # not older than its ticket: left alone
    from tickets.models import Ticket

    Ticket.objects.filter(pk=history["T1"].pk).update(updated=timezone.now() + timedelta(hours=1))
    assert facts.rebuild(stale_only=True) == 1
    found = {i.key: i.values() for i in compute(user=admin, filters=may_filters(), keys=KEYS)}
    assert found["volumes"] == {"filed": (9, 2), "closed": (7, 1), "follow_ups": (0, 0)}
    _same_figures(admin, may_filters(), rolled=True)


def test_a_wide_stale_set_is_filled_once_then_rolled_up_in_one_set(history, admin, monkeypatch):
    """Many stale facts (every ticket changed since its fact) are found in one query, not one join
    per batch, and the roll-ups rebuilt once instead of updated ticket by ticket."""
    from tickets.models import Ticket

    before = Counter(DailyRollup.objects.values_list("day", "service_id", "measure", "status", "value", "count"))
    Ticket.objects.update(updated=timezone.now() + timedelta(hours=1))
    DailyRollup.objects.all().delete()
    monkeypatch.setattr(facts, "INCREMENTAL_ROLLUPS_MAX", 2)
    rebuilt = []
    monkeypatch.setattr(rollups, "rebuild", lambda real=rollups.rebuild: rebuilt.append(1) or real())
    with CaptureQueriesContext(connection) as queries:
        done = facts.rebuild(stale_only=True, batch_size=3)
    assert done == TicketFact.objects.count() > 3 and rebuilt == [1]
    joins = [q["sql"] for q in queries if "stats_ticketfact" in q["sql"] and q["sql"].startswith("SELECT")
             and "tickets_ticket" in q["sql"] and "refreshed_at" in q["sql"]]  # fmt: skip
    assert len(joins) == 1, joins
    after = Counter(DailyRollup.objects.values_list("day", "service_id", "measure", "status", "value", "count"))
    assert after == before
    _same_figures(admin, may_filters(), rolled=True)


def test_a_closure_period_changed_afterwards_recounts_the_rollups(history, admin, institution, monkeypatch,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    from accounts.models import ClosurePeriod
    from stats import tasks

    monkeypatch.setattr(tasks.refresh_after_closure_change, "delay", tasks.refresh_after_closure_change)
    with django_capture_on_commit_callbacks(execute=True):
        ClosurePeriod.objects.get(institution=institution).delete()
    found = {i.key: i.values() for i in compute(user=admin, filters=may_filters(), keys=("waiting",))}
    assert found["waiting"]["requester_p90"] == (13, 2)  # as test_more_indicators reads it from the facts
    _same_figures(admin, may_filters(), rolled=True)
