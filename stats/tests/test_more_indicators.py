"""The indicators added on top of the first slice, exact values on ``conftest.history``
(May 2026 against April; holidays 1, 8, 14 and 25 May, 6 April; closed 18–22 May).

Waiting, in working days, of the tickets resolved (approved or rejected) in the period:

- T1: NEW 4/5 → ECT 4/5 → AVS 5/5 (service 1) → ECT 6/5 (requester 1) → AVS 6/5
  → TER 7/5 (requester 1): requester 2, service 1.
- T2: NEW 7/5 → ECT 11/5 (service 1: 8/5 holiday, weekend) → ARS 11/5 → ECT 12/5
  (requester 1) → AVS 13/5 (service 1) → TER 26/5 (requester 2: 15/5 and 26/5).
- T3: NEW 12/5 → REJ 13/5: service 1.
- T9: NEW → ECT 4/5 → AVS 5/5 (service 1) → TER 27/5 (requester 8).
- T10: NEW 20/4 → ECT 21/4 (1) → ATD 22/4 (1) → ECT 4/5 (7: 23, 24, 27–30/4, 4/5)
  → REJ 5/5 (1): service 10.
- April, T0: NEW → ECT 1/4 → AVS 2/4 (service 1) → TER 7/4 (requester 2: 3/4, 7/4).
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from accounts.models import Institution, RequesterProfile
from catalogue.models import Category, CategoryKind
from knowledge import services as kb
from knowledge.models import Article, ArticleStatus, Deflection
from stats import facts
from stats.forms import StatsFilterForm
from stats.indicators import compute, scoped_facts, volumes, waiting
from stats.models import TicketFact
from stats.more import rejections
from stats.people import workload_assigned, workload_handled, workload_open
from stats.tests.conftest import MAY, at, may_filters
from tickets import workflow as wf

pytestmark = pytest.mark.django_db


def test_waiting_on_the_requester_and_on_the_service(history, admin):
    indicator = waiting(scoped_facts(user=admin, filters=may_filters()), MAY)
    # Requester [2, 3, 0, 8, 0], service [1, 2, 1, 1, 10]; April [2] and [1].
    assert indicator.values() == {
        "requester_median": (2, 2),
        "requester_p90": (8, 2),
        "service_median": (1, 1),
        "service_p90": (10, 1),
    }


def test_the_two_waits_add_up_to_the_resolution_delay(history):
    for fact in TicketFact.objects.filter(resolution_days__isnull=False):
        assert fact.waiting_requester_days + fact.waiting_service_days == fact.resolution_days


def test_rejections_by_kind_and_reason(history, admin):
    indicator = rejections(scoped_facts(user=admin, filters=may_filters()), MAY)
    assert indicator.values() == {
        "reject": (2, 0),
        "duplicate": (0, 0),
        "exclude": (0, 0),
        "reason_0": (1, 0),
        "reason_1": (1, 0),
    }
    assert [str(r.label) for r in indicator.rows[3:]] == [
        "Motif : « Doublon d'un incident connu. »",
        "Motif : « Hors périmètre. »",
    ]


def test_follow_ups_and_requalifications(history, admin, agent, requester, category, service):
    with time_machine.travel(at(5, 20), tick=False):
        wf.ticket_file_follow_up(ticket=history["T3"], actor=requester, title="Suite", description="Toujours.")
    sibling = Category.objects.create(
        name="Agenda", slug="agenda", parent=category.parent, kind=CategoryKind.LEAF, service=service
    )
    with time_machine.travel(at(5, 29, 11), tick=False):
        wf.ticket_requalify(ticket=history["T8"], actor=agent, category=sibling, text="Agenda.")
    found = {i.key: i.values() for i in compute(user=admin, filters=may_filters(), keys=("volumes", "outcomes"))}
    assert found["volumes"] == {"filed": (10, 2), "closed": (7, 1), "follow_ups": (1, 0)}
    assert (found["outcomes"]["transferred"], found["outcomes"]["requalified"]) == ((1, 0), (1, 0))


def test_agents_workload(history, admin, agent):
    facts_ = scoped_facts(user=admin, filters=may_filters())
    # Closed in May by their agent: T1, T2, T5, T9, T10 (T3 rejected untaken, T4 withdrawn); April T0.
    assert workload_handled(facts_, MAY).values() == {str(agent.pk): (5, 1)}
    # Taken in May: T1, T2, T5, T9, T8 (T6 taken, then transferred: no agent now); April: T0, T10.
    assert workload_assigned(facts_, MAY).values() == {str(agent.pk): (5, 2)}
    # Open at the end of May with an agent: T8; at the end of April: T10.
    assert workload_open(facts_, MAY).values() == {str(agent.pk): (1, 1)}
    assert workload_handled(facts_, MAY).rows[0].label == "Alex Petit"


def test_workload_and_knowledge_are_for_staff_only(history, colleague, manager):
    staff = {i.key for i in compute(user=manager, filters=may_filters())}
    correspondent = {i.key for i in compute(user=colleague, filters=may_filters())}
    assert {"workload_handled", "knowledge", "top_articles", "search_misses"} <= staff
    assert staff - correspondent == {
        "workload_handled", "workload_assigned", "workload_open", "knowledge", "top_articles", "search_misses"
    }  # fmt: skip


def test_knowledge_base_indicators(history, admin, category, client_for, requester):
    article = Article.objects.create(title="Vider le cache", problem="p", solution="s", status=ArticleStatus.PUBLISHED)
    other = Article.objects.create(title="Changer de mot de passe", problem="p", solution="s")
    for when, n in ((at(5, 4), 3), (at(4, 20), 1)):
        with time_machine.travel(when, tick=False):
            for _ in range(n):
                kb.article_record_view(article=article)
            kb.deflection_record(category=category, article=article)
    with time_machine.travel(at(5, 6), tick=False):
        kb.article_record_view(article=other)
        kb.search_record_miss(query="  Imprimante  3D ")
        kb.search_record_miss(query="imprimante 3d")
        assert client_for(requester).get("/kb/", {"q": "zorglub"}).status_code == 200
    found = {i.key: i for i in compute(user=admin, filters=may_filters())}
    # Deflected 1 and 1; filed 9 and 2 → 10.0 % and 33.3 %.
    assert found["knowledge"].values() == {"deflected": (1, 1), "filed": (9, 2), "rate": (10.0, 33.3)}
    assert found["top_articles"].values() == {str(article.pk): (3, 1), str(other.pk): (1, 0)}
    assert found["search_misses"].values() == {"imprimante 3d": (2, 0), "zorglub": (1, 0)}
    assert Deflection.objects.count() == 2


def test_institution_and_profile_filters(history, admin, institution, other_institution):
    def filed(**extra) -> tuple:
        return volumes(scoped_facts(user=admin, filters=may_filters(**extra)), MAY).values()["filed"]

    assert filed(institution_id=institution.pk) == (9, 2)
    assert filed(institution_id=other_institution.pk) == (0, 0)
    assert filed(profile=RequesterProfile.STUDENT) == (9, 2)
    assert filed(profile=RequesterProfile.STAFF) == (0, 0)


def test_profile_survives_the_requester_s_anonymisation(history, admin, requester):
    requester.profile = ""
    requester.save()
    facts.rebuild()
    filters = may_filters(profile=RequesterProfile.STUDENT)
    assert volumes(scoped_facts(user=admin, filters=filters), MAY).values()["filed"] == (9, 2)


def test_filter_form_offers_a_correspondent_their_institution_only(colleague, manager, institution, other_institution):
    assert list(StatsFilterForm(user=colleague).fields["institution"].queryset) == [institution]
    assert set(StatsFilterForm(user=manager).fields["institution"].queryset) == set(Institution.objects.all())


def test_page_filters_by_institution_and_profile(history, client_for, manager, institution):
    params = {"start": "2026-05-01", "end": "2026-05-31", "institution": institution.pk, "profile": "staff"}
    with time_machine.travel(at(6, 2), tick=False):
        response = client_for(manager).get("/traitement/statistiques/", params)
    assert response.status_code == 200
    assert '<th scope="row">Déposées</th><td>0</td><td>0</td>' in response.content.decode()


def test_rebuild_stale_only_fills_missing_facts(history):
    TicketFact.objects.filter(ticket=history["T1"]).delete()
    assert facts.rebuild(stale_only=True) == 1
    assert TicketFact.objects.get(ticket=history["T1"]).resolution_days == 3
    assert date(2026, 5, 7) == TicketFact.objects.get(ticket=history["T1"]).closed_at.date()


def test_a_closure_period_changed_afterwards_recounts_the_delays(
    history, admin, institution, monkeypatch, django_capture_on_commit_callbacks
):
    from accounts.models import ClosurePeriod
    from stats import tasks

    monkeypatch.setattr(tasks.refresh_after_closure_change, "delay", tasks.refresh_after_closure_change)
    with django_capture_on_commit_callbacks(execute=True):
        ClosurePeriod.objects.get(institution=institution).delete()
    # T2 becomes 10 working days (18–22 May count) and T9 14: resolutions [1, 3, 10, 10, 14].
    assert waiting(scoped_facts(user=admin, filters=may_filters()), MAY).values()["requester_p90"] == (13, 2)
    assert TicketFact.objects.get(ticket=history["T2"]).resolution_days == 10


def test_rebuild_command_and_beat_entry(history, capsys):
    from django.core.management import call_command

    from helpdesk.schedule import BEAT_SCHEDULE

    TicketFact.objects.all().delete()
    call_command("stats_rebuild", "--stale-only")
    assert "11 facts recomputed" in capsys.readouterr().out
    assert BEAT_SCHEDULE["stats-refresh-facts"]["task"] == "stats.tasks.refresh_facts"
