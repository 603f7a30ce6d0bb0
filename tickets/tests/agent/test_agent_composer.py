"""The agent page's composer: one box, four modes posting through their doors; saved responses and article
links inserted into it (htmx, and without JavaScript through the composer form itself, the draft kept)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleStatus
from tickets.models import MessageKind, SavedResponse
from tickets.status import TicketStatus


@pytest.fixture
def response(service):
    return SavedResponse.objects.create(
        service=service, title="Clôture", body="Bonjour {prenom_demandeur}, la demande {reference} est résolue."
    )


@pytest.fixture
def article(category):
    return Article.objects.create(
        title="Réinitialiser son mot de passe", problem="Mot de passe oublié", solution="Le portail.",
        category=category, status=ArticleStatus.PUBLISHED,
    )  # fmt: skip


def composer_text(html: str) -> str:
    match = re.search(r'<textarea name="text"[^>]*id="composer-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no composer"
    return match.group(1).strip()


def modes(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="mode" value="(\w+)"', html)


def compose(ticket) -> str:
    return reverse("agent:compose", args=[ticket.reference])


def page(ticket) -> str:
    return reverse("agent:ticket", args=[ticket.reference])


@pytest.mark.django_db
def test_page_offers_the_modes_of_the_state(make_ticket, agent, client_for):
    client = client_for(agent)
    assert modes(client.get(page(make_ticket(TicketStatus.ECT))).content.decode()) == [
        "reply", "internal_note", "ask", "propose",
    ]  # fmt: skip
    html = client.get(page(make_ticket(TicketStatus.NEW))).content.decode()
    assert modes(html) == ["reply", "internal_note"]
    # The shortcuts' contract: the box, the tabs, the send button.
    assert 'id="composer-text"' in html and 'data-composer-tab="reply"' in html and "data-composer-send" in html
    assert 'id="composer-text"' not in client.get(page(make_ticket(TicketStatus.TER))).content.decode()


# (mode, POST text, expected status, expected message kind)
MODES = [
    ("reply", "Nous regardons.", TicketStatus.ECT, MessageKind.PUBLIC_REPLY),
    ("internal_note", "Voir avec le réseau.", TicketStatus.ECT, MessageKind.INTERNAL_NOTE),
    ("ask", "Quel navigateur ?", TicketStatus.ARS, None),
    ("propose", "Videz le cache.", TicketStatus.AVS, None),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("mode", "text", "end", "kind"), MODES)
def test_each_mode_goes_through_its_door(mode, text, end, kind, make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(agent).post(
        compose(ticket), {"mode": mode, "version": ticket.version, "text": text, "envoyer": "1"}
    )
    assert (response.status_code, response["Location"]) == (302, page(ticket))
    ticket.refresh_from_db()
    assert ticket.status == end
    event = ticket.events.last()
    assert (event.action, event.actor, event.message.body) == (mode, agent, text)
    if kind:
        assert event.message.kind == kind


@pytest.mark.django_db
def test_unknown_mode_is_404_and_a_mode_not_allowed_now_is_refused_with_the_text(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.NEW)
    client = client_for(agent)
    assert client.post(compose(ticket), {"mode": "reject", "version": 1, "text": "x"}).status_code == 404
    response = client.post(compose(ticket), {"mode": "propose", "version": ticket.version, "text": "Ma solution"})
    assert response.status_code == 409
    assert composer_text(response.content.decode()) == "Ma solution"  # kept, in the first mode offered
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW


@pytest.mark.django_db
def test_empty_text_comes_back_with_the_error_summary_at_the_top_in_the_same_mode(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(agent).post(compose(ticket), {"mode": "ask", "version": ticket.version, "text": ""})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.index('id="error-summary"')
    assert 'role="alert"' in html[summary - 200 : summary + 200] and "data-autofocus" in html
    assert summary < html.index('id="ticket-title"')  # at the top, before the header
    assert '<a href="#composer-text">' in html
    assert re.search(r'value="ask"[^>]*checked', html)


@pytest.mark.django_db
def test_an_invalid_form_keeps_the_typed_text(make_ticket, agent, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    response = client_for(agent).post(
        compose(ticket), {"mode": "reply", "version": "ancienne", "text": "Ma longue réponse <b>gardée</b>"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert composer_text(html) == "Ma longue réponse &lt;b&gt;gardée&lt;/b&gt;"
    assert 'id="error-summary"' in html


@pytest.mark.django_db
def test_insert_fragment_appends_to_the_typed_text(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    answer = client_for(agent).get(url, {"reponse": response.pk, "mode": "ask", "saisie": "Déjà <tapé>"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.startswith('<textarea name="text"') and 'id="composer-text"' in html
    assert composer_text(html) == f"Déjà &lt;tapé&gt;\n\nBonjour Camille, la demande #{ticket.reference} est résolue."


@pytest.mark.django_db
def test_insert_fragment_with_an_article_link(make_ticket, agent, article, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    answer = client_for(agent).get(url, {"article": article.pk, "saisie": "Avez-vous essayé ceci ?"})
    assert composer_text(answer.content.decode()) == (
        f"Avez-vous essayé ceci ?\n\nRéinitialiser son mot de passe : http://testserver{article.get_absolute_url()}"
    )


@pytest.mark.django_db
def test_insert_is_404_without_a_composer_or_for_an_outsider(make_ticket, agent, outsider, response, client_for):
    closed = make_ticket(TicketStatus.TER)
    url = reverse("agent:insert", args=[closed.reference])
    assert client_for(agent).get(url, {"reponse": response.pk}).status_code == 404
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    assert client_for(outsider).get(url, {"reponse": response.pk}).status_code == 404


@pytest.mark.django_db
def test_without_javascript_kb_search_keeps_the_draft_and_changes_nothing(make_ticket, agent, article, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    events = ticket.events.count()
    client = client_for(agent)
    data = {"mode": "propose", "version": ticket.version, "text": "Mon brouillon", "q": "mot de passe"}
    answer = client.post(compose(ticket), {**data, "chercher": "1"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert composer_text(html) == "Mon brouillon"
    assert re.search(r'value="propose"[^>]*checked', html)
    assert f'name="article" value="{article.pk}"' in html  # its "Insérer le lien" button, in the composer
    answer = client.post(compose(ticket), {**data, "article": str(article.pk)})
    assert composer_text(answer.content.decode()) == (
        f"Mon brouillon\n\nRéinitialiser son mot de passe : http://testserver{article.get_absolute_url()}"
    )
    assert ticket.events.count() == events


@pytest.mark.django_db
def test_without_javascript_a_saved_response_is_inserted_after_the_draft(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    answer = client_for(agent).post(
        compose(ticket),
        {"mode": "reply", "version": ticket.version, "text": "Bonjour,", "reponse": response.pk, "inserer": "1"},
    )
    assert composer_text(answer.content.decode()) == (
        f"Bonjour,\n\nBonjour Camille, la demande #{ticket.reference} est résolue."
    )


@pytest.mark.django_db
def test_query_string_prefills_the_composer(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    html = client_for(agent).get(page(ticket), {"reponse": response.pk, "mode": "propose"}).content.decode()
    assert composer_text(html) == f"Bonjour Camille, la demande #{ticket.reference} est résolue."
    assert re.search(r'value="propose"[^>]*checked', html)


@pytest.mark.django_db
def test_saved_responses_offered_are_mine_my_services_and_the_global_ones(
    make_ticket, agent, other_agent, service, other_service, client_for
):
    SavedResponse.objects.create(title="Globale", body="g")
    SavedResponse.objects.create(service=service, title="Du service", body="s")
    SavedResponse.objects.create(owner=agent, title="La mienne", body="m")
    SavedResponse.objects.create(service=other_service, title="Autre service", body="o")
    SavedResponse.objects.create(owner=other_agent, title="Pas la mienne", body="p")
    html = client_for(agent).get(page(make_ticket(TicketStatus.ECT))).content.decode()
    picker = re.search(r'<select name="reponse" id="composer-saved">(.*?)</select>', html, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', picker)
    assert [(label, re.findall(r">([^<]+)</option>", options)) for label, options in groups] == [
        ("Mes réponses", ["La mienne"]), (service.name, ["Du service"]), ("Tous les services", ["Globale"]),
    ]  # fmt: skip
