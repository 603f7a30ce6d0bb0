"""Saved responses: placeholders, insertion into the reply box, management by managers; KB links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from knowledge.models import Article, ArticleStatus
from tickets.agent.responses import render_response
from tickets.models import SavedResponse
from tickets.status import TicketStatus


@pytest.fixture
def response(service):
    return SavedResponse.objects.create(
        service=service,
        title="Accusé",
        body="Bonjour {prenom_demandeur},\nvotre demande {reference} ({categorie}) est suivie par {agent}. "
        "{inconnu} {{ x }}",
    )


@pytest.mark.django_db
def test_placeholders_are_replaced_and_others_left(make_ticket, agent, response):
    ticket = make_ticket()
    text = render_response(response.body, ticket=ticket, agent=agent)
    assert text == (
        f"Bonjour Camille,\nvotre demande #{ticket.reference} (Messagerie) est suivie par Alex Petit. "
        "{inconnu} {{ x }}"
    )


@pytest.mark.django_db
def test_insert_by_get_param_fills_the_reply_box(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    page = client_for(agent).get(reverse("agent:ticket", args=[ticket.reference]), {"reponse": response.pk})
    assert f"Bonjour Camille,\nvotre demande #{ticket.reference}" in page.content.decode()


@pytest.mark.django_db
def test_insert_fragment_appends_to_the_typed_text(make_ticket, agent, response, client_for):
    ticket = make_ticket(TicketStatus.ECT)
    url = reverse("agent:insert", args=[ticket.reference])
    fragment = client_for(agent).get(url, {"reponse": response.pk, "text": "<b>Déjà tapé</b>"}).content.decode()
    assert fragment.startswith('<textarea name="text"')
    assert 'id="composer-text"' in fragment
    assert "&lt;b&gt;Déjà tapé&lt;/b&gt;\n\nBonjour Camille" in fragment


@pytest.mark.django_db
def test_response_of_another_service_is_not_inserted(make_ticket, agent, other_service, client_for):
    foreign = SavedResponse.objects.create(service=other_service, title="Scol", body="Texte de la scolarité")
    ticket = make_ticket(TicketStatus.ECT)
    page = client_for(agent).get(reverse("agent:ticket", args=[ticket.reference]), {"reponse": foreign.pk})
    assert "Texte de la scolarité" not in page.content.decode()


@pytest.mark.django_db
def test_kb_search_and_link_insertion_published_only(make_ticket, agent, category, client_for):
    published = Article.objects.create(
        title="Réinitialiser son mot de passe", problem="Mot de passe oublié", solution="Allez sur le portail.",
        category=category, status=ArticleStatus.PUBLISHED,
    )  # fmt: skip
    draft = Article.objects.create(
        title="Mot de passe brouillon", problem="Mot de passe", solution="…", category=category,
        status=ArticleStatus.DRAFT,
    )  # fmt: skip
    ticket = make_ticket(TicketStatus.ECT)
    client = client_for(agent)
    url = reverse("agent:ticket", args=[ticket.reference])
    page = client.get(url, {"q": "mot de passe"}).content.decode()
    assert "Réinitialiser son mot de passe" in page
    assert "Mot de passe brouillon" not in page
    page = client.get(url, {"article": published.pk}).content.decode()
    assert "Réinitialiser son mot de passe : http://testserver/kb/" in page
    page = client.get(url, {"article": draft.pk}).content.decode()
    assert "Mot de passe brouillon" not in page


@pytest.mark.django_db
def test_manager_manages_responses(manager, service, client_for):
    client = client_for(manager)
    data = {"scope": "service", "service": service.pk, "title": "Merci", "body": "Merci {prenom_demandeur}"}
    response = client.post(reverse("agent:response_new"), data)
    assert response.status_code == 302
    saved = SavedResponse.objects.get()
    assert (saved.title, saved.service, saved.owner, saved.updated_by) == ("Merci", service, None, manager)
    client.post(reverse("agent:response_edit", args=[saved.pk]), {**data, "title": "Merci !", "body": "x"})
    saved.refresh_from_db()
    assert saved.title == "Merci !"
    assert "Merci !" in client.get(reverse("agent:responses")).content.decode()
    client.post(reverse("agent:response_delete", args=[saved.pk]))
    assert not SavedResponse.objects.exists()


@pytest.mark.django_db
def test_agent_keeps_personal_responses_and_touches_no_other(agent, other_agent, service, client_for):
    shared = SavedResponse.objects.create(service=service, title="A", body="B")
    everyone = SavedResponse.objects.create(title="G", body="H")
    client = client_for(agent)
    assert client.post(reverse("agent:response_delete", args=[shared.pk])).status_code == 404
    assert client.post(reverse("agent:response_delete", args=[everyone.pk])).status_code == 404
    # Neither a service nor everyone's scope is offered to a plain agent.
    refused = client.post(reverse("agent:response_new"), {"scope": "global", "title": "X", "body": "Y"})
    assert refused.status_code == 400
    response = client.post(reverse("agent:response_new"), {"scope": "personal", "title": "Ma formule", "body": "Z"})
    assert response.status_code == 302
    mine = SavedResponse.objects.get(title="Ma formule")
    assert (mine.owner, mine.service) == (agent, None)
    listing = client.get(reverse("agent:responses")).content.decode()
    assert "Ma formule" in listing and ">A<" not in listing
    other = client_for(other_agent)
    assert other.post(reverse("agent:response_delete", args=[mine.pk])).status_code == 404
    assert "Ma formule" not in other.get(reverse("agent:responses")).content.decode()


@pytest.mark.django_db
def test_other_managers_cannot_manage_and_only_admins_write_global_ones(
    requester, other_service, service, admin, client_for
):
    from catalogue.models import ServiceMembership, ServiceRole
    from conftest import make_user

    saved = SavedResponse.objects.create(service=service, title="A", body="B")
    assert client_for(requester).get(reverse("agent:responses")).status_code == 404
    boss = make_user("boss@example.org")
    ServiceMembership.objects.create(service=other_service, user=boss, role=ServiceRole.MANAGER)
    client = client_for(boss)
    assert client.post(reverse("agent:response_delete", args=[saved.pk])).status_code == 404
    data = {"scope": "service", "service": service.pk, "title": "X", "body": "Y"}
    assert client.post(reverse("agent:response_new"), data).status_code == 400  # not a service they manage
    assert client.post(reverse("agent:response_new"), {**data, "scope": "global"}).status_code == 400
    assert SavedResponse.objects.count() == 1
    response = client_for(admin).post(reverse("agent:response_new"), {**data, "scope": "global", "service": ""})
    assert response.status_code == 302
    created = SavedResponse.objects.get(title="X")
    assert (created.service, created.owner) == (None, None)


@pytest.mark.django_db
def test_demo_responses_exist_once_for_every_service(service, other_service):
    from tickets.demo import SAVED_RESPONSES, seed_saved_responses

    title, body = SAVED_RESPONSES[0]
    for each in (service, other_service):  # the copies of earlier demo data
        SavedResponse.objects.create(service=each, title=title, body=body)
    seed_saved_responses()
    seed_saved_responses()
    assert sorted(SavedResponse.objects.values_list("title", "service", "owner")) == sorted(
        (title, None, None) for title, _body in SAVED_RESPONSES
    )


@pytest.mark.django_db
def test_saved_response_editor_offers_the_knowledge_base_link_search(client_for, manager):
    content = client_for(manager).get(reverse("agent:response_new")).content.decode()
    assert 'data-kb-target="#id_body"' in content
    assert f'hx-get="{reverse("knowledge:agent_search")}"' in content
    assert "js/knowledge.js" in content
    # The search box sits outside the saved-response form, so typing in it never submits it.
    form_end = content.index("</form>", content.index('name="body"'))
    assert form_end < content.index('id="kb-agent-q"')
