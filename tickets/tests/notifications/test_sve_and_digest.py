"""The SVE acknowledgement of receipt (mail and printable page) and the agents' daily digest."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from accounts.notifications import OptionalNotification
from helpdesk.models import OutboundEmail
from helpdesk.workdays import PARIS
from tickets.notifications.digest import send_queue_digests

pytestmark = pytest.mark.django_db

DELAY = "2 mois"
IMPLICIT = "Le silence gardé pendant deux mois par l'administration vaut décision de rejet."


@pytest.fixture
def sve_category(category, service):
    service.postal_address = "Jardin du Pharo\n58 boulevard Charles Livon\n13007 Marseille"
    service.phone = "04 91 39 65 00"
    service.save()
    category.is_sve = True
    category.sve_processing_delay = DELAY
    category.sve_implicit_decision = IMPLICIT
    category.save()
    return category


def test_sve_acknowledgement_mail_states_the_legal_mentions(sve_category, make_ticket, requester):
    with time_machine.travel(datetime(2026, 9, 14, 10, 30, tzinfo=PARIS), tick=False):
        ticket = make_ticket()
    mail = OutboundEmail.objects.get(ticket_reference=ticket.reference, to=[requester.email])
    assert mail.kind == "sve_acknowledgement"
    assert mail.subject == f"[Guichet #{ticket.reference}] Accusé de réception de votre demande"
    for text in (mail.body_text, mail.body_html):
        assert "14 septembre 2026 10:30" in text  # date of receipt
        assert "Assistance informatique" in text
        assert "58 boulevard Charles Livon" in text
        assert "dsi@example.org" in text
        assert "04 91 39 65 00" in text
        assert DELAY in text
        assert "vaut décision de rejet" in text
        assert "court à compter de la date du présent accusé de réception" in text
        assert f"/demandes/{ticket.reference}/accuse-de-reception/" in text


def test_sve_printable_page(sve_category, make_ticket, requester, outsider, client_for):
    ticket = make_ticket()
    url = f"/demandes/{ticket.reference}/accuse-de-reception/"
    response = client_for(requester).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "saisine par voie électronique" in page
    assert "13007 Marseille" in page and DELAY in page and "vaut décision de rejet" in page
    assert "data-print" in page and "js/print.js" in page  # printing without an inline script (CSP)
    assert client_for(outsider).get(url).status_code == 404
    assert url in client_for(requester).get(f"/demandes/{ticket.reference}/").content.decode()


def test_printable_page_only_for_sve_categories(make_ticket, requester, client_for):
    ticket = make_ticket()
    assert client_for(requester).get(f"/demandes/{ticket.reference}/accuse-de-reception/").status_code == 404


def test_agent_choosing_the_digest_gets_one_morning_mail(make_ticket, agent, manager):
    agent.notification_opt_outs = [OptionalNotification.QUEUE_IMMEDIATE]
    agent.save()
    with time_machine.travel(datetime(2026, 9, 14, 15, 0, tzinfo=PARIS), tick=False):
        first = make_ticket(title="Première")
        second = make_ticket(title="Seconde")
    assert not OutboundEmail.objects.filter(to=[agent.email], kind="queue_new").exists()
    assert OutboundEmail.objects.filter(to=[manager.email], kind="queue_new").count() == 2
    morning = datetime(2026, 9, 15, 7, 30, tzinfo=PARIS)
    with time_machine.travel(morning, tick=False):
        assert send_queue_digests() == 1
        assert send_queue_digests() == 0  # twice the same day: one digest
    digest = OutboundEmail.objects.get(kind="queue_digest")
    assert digest.to == [agent.email]
    assert digest.subject == "[Guichet] 2 nouvelles demandes dans votre file"
    assert f"#{first.reference} Première" in digest.body_text and f"#{second.reference} Seconde" in digest.body_text
    with time_machine.travel(morning + timedelta(days=1), tick=False):
        assert send_queue_digests() == 0  # nothing new since
