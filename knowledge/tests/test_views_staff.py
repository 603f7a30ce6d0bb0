import pytest
from django.urls import reverse

from knowledge.models import ArticleStatus


@pytest.fixture
def draft(make_article, category):
    return make_article(
        title="Imprimante bloquée pour [nom]",
        status=ArticleStatus.DRAFT,
        category=category,
        source_ticket_reference=321,
        scrub_report=[{"field": "title", "kind": "name", "value": "Camille Martin"}],
    )


@pytest.fixture
def other_draft(make_article, other_category):
    return make_article(title="Inscription bloquée", status=ArticleStatus.DRAFT, category=other_category)


AGENT_SEARCH = reverse("knowledge:agent_search")


@pytest.mark.django_db
def test_agent_search_returns_insertable_links_to_agents(client_for, agent, corpus):
    content = client_for(agent).get(AGENT_SEARCH, {"q": "réseau"}).content.decode()
    assert f'data-kb-insert="http://testserver{corpus["network"].get_absolute_url()}"' in content


@pytest.mark.django_db
def test_agent_search_is_hidden_from_requesters_and_anonymous(client, client_for, requester, corpus):
    assert client_for(requester).get(AGENT_SEARCH, {"q": "réseau"}).status_code == 404
    assert client.get(AGENT_SEARCH, {"q": "réseau"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees_draft", "sees_other"),
    [("manager", True, False), ("admin", True, True)],
)
def test_review_list_shows_drafts_of_the_editor_categories(
    request, client_for, draft, other_draft, who, sees_draft, sees_other
):
    content = client_for(request.getfixturevalue(who)).get(reverse("knowledge:review_list")).content.decode()
    assert (draft.title in content, other_draft.title in content) == (sees_draft, sees_other)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["requester", "agent", "other_agent"])
def test_review_pages_are_a_404_for_non_editors(request, client_for, draft, who):
    c = client_for(request.getfixturevalue(who))
    assert c.get(reverse("knowledge:review_list")).status_code == 404
    assert c.get(reverse("knowledge:review_edit", args=[draft.pk])).status_code == 404
    assert c.post(reverse("knowledge:review_publish", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_review_edit_shows_what_was_removed(client_for, manager, draft):
    content = client_for(manager).get(reverse("knowledge:review_edit", args=[draft.pk])).content.decode()
    assert "Camille Martin" in content
    assert "#321" in content


@pytest.mark.django_db
def test_review_edit_saves_the_fixed_text(client_for, manager, draft, category):
    data = {"title": "Imprimante bloquée", "problem": "Rien ne sort.", "solution": "Vider la file.", "codes": "prn-1"}
    data |= {"category": category.pk, "domain": "", "software": "", "version": "", "language": "fr"}
    response = client_for(manager).post(reverse("knowledge:review_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.code_list, draft.editor, draft.status) == (
        "Imprimante bloquée",
        ["PRN-1"],
        manager,
        ArticleStatus.DRAFT,
    )


@pytest.mark.django_db
def test_review_edit_redisplays_errors_with_the_typed_data(client_for, manager, draft):
    response = client_for(manager).post(
        reverse("knowledge:review_edit", args=[draft.pk]), {"title": "", "problem": "Texte saisi", "language": "fr"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Texte saisi" in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_title_errors"' in content


@pytest.mark.django_db
def test_review_publish_rejects_get(client_for, manager, draft):
    assert client_for(manager).get(reverse("knowledge:review_publish", args=[draft.pk])).status_code == 405


@pytest.mark.django_db
def test_review_publish_makes_the_draft_public(client, client_for, manager, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    client_for(manager).post(reverse("knowledge:review_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert (draft.status, draft.editor) == (ArticleStatus.PUBLISHED, manager)
    content = client.get(draft.get_absolute_url()).content.decode()
    assert "#321" not in content
    assert "Camille Martin" not in content


@pytest.mark.django_db
def test_review_archive_hides_a_published_article(client, client_for, admin, make_article):
    article = make_article(title="Procédure périmée")
    client_for(admin).post(reverse("knowledge:review_archive", args=[article.pk]))
    article.refresh_from_db()
    assert article.status == ArticleStatus.ARCHIVED
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_manager_cannot_publish_another_service_draft(client_for, manager, other_draft):
    assert client_for(manager).post(reverse("knowledge:review_publish", args=[other_draft.pk])).status_code == 404
    other_draft.refresh_from_db()
    assert other_draft.status == ArticleStatus.DRAFT


@pytest.mark.django_db
def test_search_page_links_editors_to_the_review_list(client, client_for, manager):
    review = reverse("knowledge:review_list")
    assert review in client_for(manager).get(reverse("knowledge:search")).content.decode()
    assert review not in client.get(reverse("knowledge:search")).content.decode()


@pytest.mark.django_db
def test_deflection_counts_are_grouped_by_category(category, other_category):
    from knowledge.selectors import deflection_counts
    from knowledge.services import deflection_record

    for _ in range(2):
        deflection_record(category=category)
    deflection_record(category=other_category)
    assert [(row["category_id"], row["count"]) for row in deflection_counts()] == [
        (category.pk, 2),
        (other_category.pk, 1),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("agent", 200), ("manager", 200), ("admin", 200), ("other_agent", 404), ("requester", 404)]
)
def test_drafts_are_for_the_handling_service_only(request, client_for, draft, who, status):
    """Issue 14, low 8: an agent of another service neither reads a draft nor finds it."""
    c = client_for(request.getfixturevalue(who))
    page = c.get(reverse("knowledge:article", args=[draft.pk]))
    listing = c.get(reverse("knowledge:search"), {"status": "all"}).content.decode()
    assert (page.status_code, draft.title in listing) == (status, status == 200)
