"""The staff search page ranks the most recent matches of each visibility branch (issue 22)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tickets import workflow as wf
from tickets.agent import fts
from tickets.agent.search import search_tickets
from tickets.models import Ticket
from tickets.tests.agent.test_agent_queue import bulk_tickets


@pytest.mark.django_db
def test_visibility_branches_cover_the_rule(
    make_ticket, category, other_category, requester, colleague, outsider, agent, other_agent, manager, admin
):
    """Each branch is a part of ``visible_to``; together they are all of it, for every role of the cast."""
    make_ticket()
    foreign = wf.ticket_file(requester=outsider, category=other_category, title="Ailleurs", description="x")
    watched = wf.ticket_file(requester=outsider, category=other_category, title="Observée", description="x")
    wf.ticket_file(requester=outsider, category=other_category, title="Inconnue", description="x")
    wf.ticket_add_watcher(ticket=watched, actor=other_agent, user=requester)
    wf.ticket_add_watcher(ticket=foreign, actor=other_agent, user=agent)
    for user in (requester, colleague, outsider, agent, other_agent, manager, admin):
        user.refresh_from_db()
        union = set()
        for branch in fts.visibility_branches(user):
            union |= set(Ticket.objects.filter(branch))
        assert union == set(Ticket.objects.visible_to(user)), user


@pytest.mark.postgres
@pytest.mark.django_db
def test_bounded_search_ranks_the_most_recent_matches_of_each_branch(
    category, other_category, requester, outsider, agent, other_agent
):
    bulk_tickets(20, category=category, requester=requester, start=1000)  # "Volume 0" … "Volume 19"
    now = timezone.now()
    for i in range(20):  # 1000 is the most recently active
        Ticket.objects.filter(reference=1000 + i).update(last_activity_at=now - timezone.timedelta(minutes=i))
    elsewhere = wf.ticket_file(requester=outsider, category=other_category, title="Volume", description="x")
    watched = wf.ticket_file(requester=outsider, category=other_category, title="Volume", description="x")
    wf.ticket_add_watcher(ticket=watched, actor=other_agent, user=agent)
    agent.refresh_from_db()
    everything = {t.reference for t in search_tickets(user=agent, q="volume")}
    assert len(everything) == 21 and watched.reference in everything and elsewhere.reference not in everything
    bounded = {t.reference for t in search_tickets(user=agent, q="volume", candidates=5)}
    # The five most recent of the service's matches, and the watched one (its own branch).
    assert bounded == {1000, 1001, 1002, 1003, 1004, watched.reference}


@pytest.mark.postgres
@pytest.mark.django_db
def test_people_match_reads_the_trigram_index(requester):
    """The search's e-mail / name lookup is the expression the index of migration 0016 was built on:
    with sequential scans priced out, PostgreSQL answers it from that index (not from a table read)."""
    from django.db import connection

    from tickets.agent.search import people_matching

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = people_matching("dupont@exemple").values_list("pk", flat=True).explain()
    assert plan.count("tickets_people_search_trgm") == 3, plan
    assert list(people_matching(requester.email[:6].upper())) == [requester]
