"""The satisfaction survey: through the web, through a signed link, per branch, in the statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from helpdesk.models import OutboundEmail
from helpdesk.signing import make_ticket_link
from stats import survey
from stats.indicators import scoped_facts as scoped_tickets
from stats.models import SurveyAnswer
from stats.people import satisfaction, satisfaction_distribution
from stats.tests.conftest import MAY, History, at, may_filters
from tickets import workflow as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(requester, agent, category):
    """A ticket whose proposal the requester approved on 7 May 2026."""
    h = History(requester=requester, agent=agent, category=category)
    ticket = h.file(at(5, 4))
    h.do(at(5, 4, 10), wf.ticket_take, ticket, actor=agent)
    h.do(at(5, 5), wf.ticket_propose, ticket, actor=agent, text="Videz le cache.")
    h.do(at(5, 7), wf.ticket_approve, ticket, actor=requester)
    ticket.refresh_from_db()
    return ticket


def _page(client, ticket):
    return client.get(f"/demandes/{ticket.reference}/").content.decode()


def _post(client, ticket, **data):
    return client.post(f"/demandes/{ticket.reference}/avis/", data)


def test_requester_rates_a_closed_ticket_and_changes_the_answer(approved, client_for, requester):
    client = client_for(requester)
    with time_machine.travel(at(5, 8), tick=False):
        page = _page(client, approved)
        assert 'id="avis"' in page and "Envoyer mon avis" in page
        response = _post(client, approved, rating="4", comment="Rapide.")
        assert (response.status_code, response["Location"]) == (302, f"/demandes/{approved.reference}/#avis")
    with time_machine.travel(at(5, 20), tick=False):
        _post(client, approved, rating="2", comment="Finalement, non.")
        assert "Modifier mon avis" in _page(client, approved)
    answer = SurveyAnswer.objects.get()  # one answer per ticket
    assert (answer.rating, answer.comment) == (2, "Finalement, non.")
    assert answer.answered_at == at(5, 8) and answer.updated_at == at(5, 20)


def test_answer_is_frozen_after_thirty_days(approved, client_for, requester):
    client = client_for(requester)
    with time_machine.travel(at(5, 8), tick=False):
        _post(client, approved, rating="5")
    with time_machine.travel(at(6, 7, 10), tick=False):  # 7 May 9:00 + 30 days, past
        response = _post(client, approved, rating="1")
        assert response.status_code == 302
        page = _page(client, approved)
    assert SurveyAnswer.objects.get().rating == 5
    assert "Vous avez donné la note de 5 sur 5." in page and "Envoyer mon avis" not in page
    assert "plus modifiable" in page


def test_invalid_rating_is_a_form_error(approved, client_for, requester):
    with time_machine.travel(at(5, 8), tick=False):
        response = _post(client_for(requester), approved, rating="9")
    assert response.status_code == 400 and "Votre note" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_only_the_requester_answers(approved, client_for, colleague, manager):
    with time_machine.travel(at(5, 8), tick=False):
        # The correspondent follows the ticket but does not rate it; staff neither.
        assert "Envoyer mon avis" not in _page(client_for(colleague), approved)
        assert _post(client_for(colleague), approved, rating="5").status_code == 404
        assert _post(client_for(manager), approved, rating="5").status_code == 404
    assert not SurveyAnswer.objects.exists()


def test_open_ticket_is_not_rated(requester, agent, category, client_for):
    ticket = History(requester=requester, agent=agent, category=category).file(at(5, 4))
    with time_machine.travel(at(5, 5), tick=False):
        client = client_for(requester)
        assert 'id="avis"' not in _page(client, ticket)
        _post(client, ticket, rating="5")
    assert not SurveyAnswer.objects.exists()


def test_branch_can_switch_the_survey_off(approved, category, client_for, requester):
    category.parent.satisfaction_survey = False
    category.parent.save()
    assert not survey.is_open(approved, now=at(5, 8))
    with time_machine.travel(at(5, 8), tick=False):
        assert 'id="avis"' not in _page(client_for(requester), approved)
        _post(client_for(requester), approved, rating="5")
    assert not SurveyAnswer.objects.exists()


def test_closure_mail_invites_only_where_the_survey_is_on(requester, agent, other_agent, category, other_category):
    h = History(requester=requester, agent=agent, category=category)
    on = h.file(at(5, 4))
    h.do(at(5, 5), wf.ticket_reject, on, actor=agent, text="Hors périmètre.")
    other_category.satisfaction_survey = False
    other_category.save()
    off = History(requester=requester, agent=agent, category=other_category).file(at(5, 4))
    h.do(at(5, 5), wf.ticket_reject, off, actor=other_agent, text="Hors périmètre.")
    mails = {m.ticket_reference: m.body_text for m in OutboundEmail.objects.filter(kind="rejected")}
    assert "notez le traitement de cette demande de 1 à 5" in mails[on.reference]
    assert "notez le traitement" not in mails[off.reference]


def test_email_only_requester_answers_through_the_signed_link(requester, agent, category, client):
    requester.set_unusable_password()
    requester.is_email_only = True
    requester.save()
    h = History(requester=requester, agent=agent, category=category)
    ticket = h.file(at(5, 4), channel="email")
    h.do(at(5, 5), wf.ticket_reject, ticket, actor=agent, text="Hors périmètre.")
    mail = OutboundEmail.objects.get(kind="rejected", ticket_reference=ticket.reference)
    assert "/lien/" in mail.body_text and "notez le traitement" in mail.body_text
    with time_machine.travel(at(5, 8), tick=False):
        response = client.get(make_ticket_link(ticket_reference=ticket.reference, user_id=requester.pk))
        assert response["Location"] == f"/demandes/{ticket.reference}/"
        assert "Envoyer mon avis" in _page(client, ticket)
        assert _post(client, ticket, rating="3", comment="Correct.").status_code == 302
    assert SurveyAnswer.objects.get(ticket=ticket).rating == 3


def _answer(ticket, rating, comment="", when=None):
    when = when or timezone.now()
    SurveyAnswer.objects.create(ticket=ticket, rating=rating, comment=comment, answered_at=when, updated_at=when)


def test_satisfaction_indicators_exact_values(history, admin):
    """Closed by the service in May: T1, T2, T9 (TER), T3 and T10 (REJ); T0 (TER) in April.
    T4 (withdrawn) and T5 (abandoned) are not invited."""
    _answer(history["T1"], 5, "Parfait.")
    _answer(history["T2"], 2)
    _answer(history["T3"], 4)
    _answer(history["T0"], 3)
    _answer(history["T4"], 1)  # cannot happen through the door; not counted anyway
    tickets = scoped_tickets(user=admin, filters=may_filters())
    assert satisfaction(tickets, MAY).values() == {
        "average": (3.67, 3.0),
        "answers": (3, 1),
        "closed": (5, 1),
        "rate": (60.0, 100.0),
    }
    assert satisfaction_distribution(tickets, MAY).values() == {
        "1": (0, 0),
        "2": (1, 0),
        "3": (0, 1),
        "4": (1, 0),
        "5": (1, 0),
    }


def test_managers_read_comments_correspondents_do_not(history, client_for, manager, colleague):
    _answer(history["T1"], 5, "Merci pour la rapidité.")
    url = "/traitement/statistiques/?start=2026-05-01&end=2026-05-31"
    with time_machine.travel(at(6, 2), tick=False):
        assert "Merci pour la rapidité." in client_for(manager).get(url).content.decode()
        page = client_for(colleague).get(url).content.decode()
    assert "Note moyenne (sur 5)" in page and "Merci pour la rapidité." not in page


def test_answer_survives_the_deadline_only_as_read(approved):
    assert survey.deadline(approved) == approved.closed_at + timedelta(days=30)


def test_anonymisation_keeps_the_rating_and_drops_the_words(approved, requester):
    """Issue 20: the survey's comment is the requester's own words; the rating is a statistic."""
    _answer(approved, 2, comment=f"Merci, je suis {requester.get_full_name()}, joignable au 06 12 34 56 78")
    wf.tickets_anonymise(ticket_ids=[approved.pk], reason="retention period")
    answer = SurveyAnswer.objects.get(ticket=approved)
    assert (answer.rating, answer.comment) == (2, "")


def test_automatic_closure_by_the_sweep_updates_the_facts(requester, agent, category):
    """The scheduler's batch doors send their events together; the statistics still follow."""
    from stats import facts
    from stats.models import DirtyTicket, TicketFact
    from tickets.sweeps import expire_due_tickets, send_due_reminders

    h = History(requester=requester, agent=agent, category=category)
    ticket = h.file(at(5, 4))
    h.do(at(5, 4, 10), wf.ticket_take, ticket, actor=agent)
    h.do(at(5, 5), wf.ticket_propose, ticket, actor=agent, text="Videz le cache.")
    with time_machine.travel(at(5, 15), tick=False):
        send_due_reminders()
    with time_machine.travel(at(5, 28), tick=False):
        assert expire_due_tickets().done == 1
    # The batch marked its tickets; the flush (every minute, or before a statistics read) recomputes them.
    assert DirtyTicket.objects.filter(ticket_id=ticket.pk).exists()
    facts.refresh_dirty()
    fact = TicketFact.objects.get(ticket=ticket)
    assert (fact.status, fact.closing_action) == ("TER", "expire")
