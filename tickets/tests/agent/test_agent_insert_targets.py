"""Saved responses and article links inserted into the box the agent chooses (reply, proposal, question, note)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleStatus
from tickets.models import SavedResponse
from tickets.status import TicketStatus


@pytest.fixture
def response(service):
    return SavedResponse.objects.create(
        service=service, title="Clôture", body="Bonjour {prenom_demandeur}, la demande {reference} est résolue."
    )


def textarea(html: str, target: str) -> str:
    """The content of the ``target`` action's textarea in ``html``."""
    match = re.search(rf'<textarea name="text"[^>]*id="id_{target}_text"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no {target} box"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["reply", "propose", "ask", "internal_note"])
def test_insert_lands_in_the_chosen_box_after_its_typed_text(make_ticket, agent, response, client_for, target):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    answer = client_for(agent).get(url, {"reponse": response.pk, "cible": target, "saisie": "Déjà <tapé>"})
    assert answer.status_code == 200
    assert answer["HX-Retarget"] == f"#id_{target}_text"
    assert answer["HX-Reswap"] == "outerHTML"
    html = answer.content.decode()
    assert html.startswith('<textarea name="text"')
    assert textarea(html, target).strip() == (
        f"Déjà &lt;tapé&gt;\n\nBonjour Camille, la demande #{ticket.reference} est résolue."
    )


@pytest.mark.django_db
def test_article_link_goes_to_the_chosen_box(make_ticket, agent, category, client_for):
    article = Article.objects.create(
        title="Réinitialiser son mot de passe", problem="Oubli", solution="Le portail.", category=category,
        status=ArticleStatus.PUBLISHED,
    )  # fmt: skip
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    answer = client_for(agent).get(url, {"article": article.pk, "cible": "ask", "saisie": "Avez-vous essayé ceci ?"})
    assert answer["HX-Retarget"] == "#id_ask_text"
    assert textarea(answer.content.decode(), "ask").strip() == (
        f"Avez-vous essayé ceci ?\n\nRéinitialiser son mot de passe : http://testserver{article.get_absolute_url()}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "target"), [(TicketStatus.NEW, "propose"), (TicketStatus.AVS, "ask"),
                                                (TicketStatus.TER, "reply"), (TicketStatus.ECT, "reject"),
                                                (TicketStatus.ECT, "nimporte")])  # fmt: skip
def test_a_box_not_allowed_in_the_current_state_is_404(make_ticket, agent, response, client_for, status, target):
    ticket = make_ticket(status)
    url = reverse("agent:insert", args=[ticket.reference])
    assert client_for(agent).get(url, {"reponse": response.pk, "cible": target}).status_code == 404


@pytest.mark.django_db
def test_outsider_cannot_insert(make_ticket, outsider, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    assert client_for(outsider).get(url, {"reponse": response.pk, "cible": "reply"}).status_code == 404


@pytest.mark.django_db
def test_page_offers_only_the_boxes_of_the_current_state(make_ticket, agent, category, response, client_for):
    Article.objects.create(
        title="Mot de passe", problem="Oubli", solution="Le portail.", category=category,
        status=ArticleStatus.PUBLISHED,
    )  # fmt: skip
    client = client_for(agent)
    page = client.get(reverse("agent:ticket", args=[make_ticket(TicketStatus.ECT).reference]), {"kb": "mot de passe"})
    html = page.content.decode()
    picker = re.search(r'<select name="cible" id="id_saved_response_cible">(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'value="(\w+)"', picker) == ["reply", "propose", "ask", "internal_note"]
    assert re.search(r'<select name="cible" id="id_article_\d+_cible">', html)
    assert "data-insert-form" in html and "js/agent_insert.js" in html
    new = client.get(reverse("agent:ticket", args=[make_ticket(TicketStatus.NEW).reference])).content.decode()
    picker = re.search(r'<select name="cible" id="id_saved_response_cible">(.*?)</select>', new, re.S).group(1)
    assert re.findall(r'value="(\w+)"', picker) == ["reply", "internal_note"]


@pytest.mark.django_db
def test_without_javascript_the_page_prefills_the_chosen_box(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:ticket", args=[ticket.reference])
    html = client_for(agent).get(url, {"reponse": response.pk, "cible": "propose"}).content.decode()
    assert textarea(html, "propose").strip() == f"Bonjour Camille, la demande #{ticket.reference} est résolue."
    assert textarea(html, "reply").strip() == ""
    assert '<option value="propose" selected>' in html


@pytest.mark.django_db
def test_without_javascript_a_box_not_allowed_prefills_nothing(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.NEW)
    url = reverse("agent:ticket", args=[ticket.reference])
    answer = client_for(agent).get(url, {"reponse": response.pk, "cible": "propose"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "la demande" not in textarea(html, "reply") and 'id="id_propose_text"' not in html
