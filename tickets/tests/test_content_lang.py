"""Requester pages mark the French category and service names when shown in English (RGAA 8.7)."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_english_ticket_pages_mark_french_category_and_service(client_for, requester, make_ticket):
    ticket = make_ticket()
    client = client_for(requester)
    detail = client.get(reverse("tickets:detail", args=[ticket.reference]), HTTP_ACCEPT_LANGUAGE="en")
    content = detail.content.decode()
    assert '<html lang="en">' in content
    assert '<dd lang="fr">Messagerie</dd>' in content
    assert '<dd lang="fr">Assistance informatique</dd>' in content
    mine = client.get(reverse("tickets:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<span class="muted" lang="fr">Messagerie</span>' in mine


@pytest.mark.django_db
def test_french_ticket_page_adds_no_redundant_lang(client_for, requester, make_ticket):
    ticket = make_ticket()
    content = client_for(requester).get(reverse("tickets:detail", args=[ticket.reference])).content.decode()
    assert "<dd>Messagerie</dd>" in content
    assert content.count('lang="fr"') == 1  # the <html> element only
