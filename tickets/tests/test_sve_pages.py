"""A legal e-request (SVE): the form states the rule once, the confirmation cites the decree and links the printable
acknowledgement."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalogue.models import Category
from tickets import workflow as wf

pytestmark = pytest.mark.django_db

LEGAL_SENTENCE = "le délai de traitement de votre demande court à partir de la date de l'accusé de réception"


@pytest.fixture
def sve_category(category):
    category.is_sve = True
    category.sve_processing_delay = "2 mois à compter de la date de l'accusé de réception"
    category.sve_implicit_decision = "Le silence gardé pendant deux mois vaut décision implicite de rejet."
    category.save()
    return category


def test_confirmation_cites_the_decree_and_links_the_printable_acknowledgement(sve_category, requester, client_for):
    ticket = wf.ticket_file(requester=requester, category=sve_category, title="Inscription", description="L2.")
    html = client_for(requester).get(reverse("tickets:filed", args=[ticket.reference])).content.decode()
    html = html.replace("&#x27;", "'")
    ack_url = reverse("tickets:sve_acknowledgement", args=[ticket.reference])
    assert ack_url == f"/demandes/{ticket.reference}/accuse-de-reception/"
    assert html.count("décret n° 2015-1404 du 5 novembre 2015") == 1
    assert f'<a class="button button--secondary" href="{ack_url}">Imprimer l\'accusé de réception</a>' in html
    assert "Délai de traitement : 2 mois à compter de la date de l'accusé de réception." in html
    assert "Le silence gardé pendant deux mois vaut décision implicite de rejet." in html
    assert client_for(requester).get(ack_url).status_code == 200


def test_confirmation_of_an_ordinary_request_has_no_legal_notice(category, requester, client_for):
    ticket = wf.ticket_file(requester=requester, category=category, title="Imprimante", description="Bourrage.")
    html = client_for(requester).get(reverse("tickets:filed", args=[ticket.reference])).content.decode()
    assert "2015-1404" not in html
    assert "accuse-de-reception" not in html


def test_demo_sve_form_states_the_legal_sentence_once_with_one_ending(requester, client_for, settings):
    call_command("seed_demo", stdout=io.StringIO())
    leaf = Category.objects.get(slug="amu-td-inscription")
    requester.profile = "student"
    requester.save()
    html = client_for(requester).get(reverse("tickets:file", args=[leaf.slug])).content.decode()
    html = html.replace("&#x27;", "'")
    assert html.count(LEGAL_SENTENCE) == 1
    assert html.count("délivré par l'") == 1
    assert "délivré par l'administration." in html
