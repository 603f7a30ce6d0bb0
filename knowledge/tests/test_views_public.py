import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from knowledge.models import ArticleStatus, ArticleVote, Deflection

SEARCH = reverse("knowledge:search")


@pytest.mark.django_db
def test_search_page_works_anonymously_with_highlights(client, corpus):
    response = client.get(SEARCH, {"q": "imprimantes"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "du couloir" in content
    assert "<mark>" in content
    assert "brouillon" not in content.lower()


@pytest.mark.django_db
def test_search_page_hides_drafts_and_staff_fields_from_the_public(client, client_for, requester, corpus):
    for c in (client, client_for(requester)):
        content = c.get(SEARCH, {"q": "imprimante", "status": "draft"}).content.decode()
        assert "Imprimante en brouillon" not in content
        assert 'name="status"' not in content
        assert "4242" not in content


@pytest.mark.django_db
def test_search_page_offers_the_status_filter_to_staff(client_for, agent, corpus):
    content = client_for(agent).get(SEARCH, {"q": "imprimante", "status": "draft"}).content.decode()
    assert "<mark>Imprimante</mark> en brouillon" in content
    assert 'name="status"' in content


@pytest.mark.django_db
def test_search_page_query_count_does_not_grow_with_results(client, make_article, category):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH, {"q": "imprimante", "category": category.parent_id}).status_code == 200
        return len(captured)

    for i in range(3):
        make_article(title=f"Imprimante {i}", codes=f"PRN-{i}", category=category)
    few = queries()
    for i in range(3, 30):
        make_article(title=f"Imprimante {i}", codes=f"PRN-{i}", category=category)
    assert queries() == few


@pytest.mark.django_db
def test_article_page_is_public_for_published_articles(client, corpus):
    article = corpus["network"]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert escape(article.title) in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 1


@pytest.mark.django_db
def test_article_page_of_a_draft_is_a_404_for_the_public(client, client_for, requester, corpus):
    url = corpus["draft"].get_absolute_url()
    assert client.get(url).status_code == 404
    assert client_for(requester).get(url).status_code == 404


@pytest.mark.django_db
def test_article_page_shows_source_ticket_to_staff_only(client, client_for, agent, make_article):
    article = make_article(title="Quota atteint", source_ticket_reference=98765)
    assert "98765" not in client.get(article.get_absolute_url()).content.decode()
    assert "#98765" in client_for(agent).get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_article_page_lists_related_articles(client, make_article, category):
    article = make_article(title="Extraction des engagements interrompue", codes="ORA-01555")
    same_code = make_article(title="Autre cas de snapshot too old", codes="ORA-01555")
    same_subject = make_article(title="Engagements : extraction trop longue", problem="Elle dure une heure.")
    # Same category, unrelated subject: noise, not shown (it was before).
    same_category = make_article(title="Quota de messagerie", category=category)
    article.category = category
    article.save()
    make_article(title="Sans rapport")
    content = client.get(article.get_absolute_url()).content.decode()
    assert escape(same_code.title) in content
    assert escape(same_subject.title) in content
    assert escape(same_category.title) not in content
    assert "Sans rapport" not in content


@pytest.mark.django_db
def test_helpful_vote_rejects_get(client, corpus):
    assert client.get(reverse("knowledge:helpful", args=[corpus["network"].pk])).status_code == 405


@pytest.mark.django_db
def test_helpful_vote_counts_once_per_anonymous_session(client, corpus):
    article = corpus["network"]
    url = reverse("knowledge:helpful", args=[article.pk])
    assert client.post(url).status_code == 302
    client.post(url)
    article.refresh_from_db()
    assert article.helpful_count == 1
    assert "Merci, vous avez indiqué" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_helpful_vote_counts_once_per_user(client_for, requester, corpus):
    article = corpus["network"]
    url = reverse("knowledge:helpful", args=[article.pk])
    client_for(requester).post(url)
    client_for(requester).post(url)  # another session, same person
    article.refresh_from_db()
    assert (article.helpful_count, ArticleVote.objects.filter(user=requester).count()) == (1, 1)


@pytest.mark.django_db
def test_helpful_vote_needs_csrf(corpus):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("knowledge:helpful", args=[corpus["network"].pk]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_helpful_vote_on_a_draft_is_a_404(client, corpus):
    assert client.post(reverse("knowledge:helpful", args=[corpus["draft"].pk])).status_code == 404


@pytest.mark.django_db
def test_faq_page_groups_published_entries_by_category(client, make_faq, category):
    make_faq(question="Comment suivre ma demande ?")
    make_faq(question="Ma boîte est pleine ?", category=category)
    make_faq(question="Question cachée ?", is_published=False)
    content = client.get(reverse("knowledge:faq")).content.decode()
    assert "Questions fréquentes" in content
    assert "Comment suivre ma demande ?" in content
    assert f">{category.name}</h2>" in content
    assert "Question cachée" not in content


@pytest.mark.django_db
def test_faq_for_category_tag_shows_the_leaf_and_its_groups(make_faq, category, other_category):
    make_faq(question="Question de la boîte ?", category=category.parent)
    make_faq(question="Question de la feuille ?", category=category)
    make_faq(question="Question d'ailleurs ?", category=other_category)
    html = Template("{% load knowledge %}{% faq_for_category category %}").render(Context({"category": category}))
    assert "Question de la boîte ?" in html
    assert "Question de la feuille ?" in html
    assert "Question d'ailleurs" not in html


@pytest.mark.django_db
def test_suggest_returns_articles_and_faq_entries(client, corpus, make_faq, category):
    make_faq(question="Imprimante en panne ?", answer="Vérifiez le papier.", category=category)
    response = client.get(reverse("knowledge:suggest"), {"title": "imprimantes", "category": category.pk})
    content = response.content.decode()
    assert escape(corpus["printer"].title) in content
    assert "Imprimante en panne ?" in content
    assert "Imprimante en brouillon" not in content
    assert 'name="category"' in content


@pytest.mark.django_db
def test_suggest_needs_most_of_the_title_not_any_word(client, corpus):
    url = reverse("knowledge:suggest")
    content = client.get(url, {"title": "Mon imprimante n'imprime plus depuis ce matin"}).content
    assert escape(corpus["printer"].title) in content.decode()
    # One word of the knowledge base among others is not enough: nothing rather than noise.
    assert client.get(url, {"title": "Imprimante à commander pour le secrétariat"}).content.decode().strip() == ""


@pytest.mark.django_db
def test_suggest_is_empty_for_a_short_query(client, corpus):
    assert client.get(reverse("knowledge:suggest"), {"q": "im"}).content.decode().strip() == ""


@pytest.mark.django_db
def test_deflect_rejects_get(client):
    assert client.get(reverse("knowledge:deflect")).status_code == 405


@pytest.mark.django_db
def test_deflect_counts_per_category(client, category, corpus):
    url = reverse("knowledge:deflect")
    response = client.post(url, {"category": category.pk, "article": corpus["printer"].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Tant mieux" in response.content.decode()
    assert client.post(url, {"category": category.pk}).status_code == 302
    assert list(Deflection.objects.values_list("category_id", "article_id")) == [
        (category.pk, corpus["printer"].pk),
        (category.pk, None),
    ]


@pytest.mark.django_db
def test_deflect_without_category_is_a_404(client):
    assert client.post(reverse("knowledge:deflect"), {"category": "nope"}).status_code == 404


@pytest.mark.django_db
def test_deflect_does_not_link_a_draft(client, category, corpus):
    client.post(reverse("knowledge:deflect"), {"category": category.pk, "article": corpus["draft"].pk})
    assert Deflection.objects.get().article is None


@pytest.mark.django_db
def test_suggest_input_attrs_point_to_the_suggest_endpoint(category):
    html = Template('{% include "knowledge/includes/suggest_input_attrs.html" with category=category %}').render(
        Context({"category": category})
    )
    assert f'hx-get="/kb/suggest/?category={category.pk}"' in html
    assert 'hx-trigger="keyup changed delay:300ms, search"' in html


@pytest.mark.django_db
def test_header_links_to_the_knowledge_base(client):
    assert f'href="{SEARCH}"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_archived_article_is_gone_for_the_public(client, make_article):
    article = make_article(title="Ancienne procédure", status=ArticleStatus.ARCHIVED)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Ancienne procédure" not in client.get(SEARCH, {"q": "procédure"}).content.decode()
