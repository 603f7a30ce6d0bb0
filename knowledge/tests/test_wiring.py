"""The knowledge base where requesters meet it: catalogue leaf, filing form, deflection statistics."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from knowledge.models import Deflection


@pytest.mark.django_db
def test_leaf_page_shows_the_faq_before_the_file_button(client_for, requester, category, make_faq):
    make_faq(question="Comment configurer ma boîte ?", answer="Suivez le guide.", category=category)
    make_faq(question="Question du groupe ?", answer="Oui.", category=category.parent)
    html = client_for(requester).get(reverse("catalogue:category", args=[category.slug])).content.decode()
    faq_at, entry_at = html.index("Questions fréquentes"), html.index("Comment configurer ma boîte ?")
    assert faq_at < entry_at < html.index(reverse("tickets:file", args=[category.slug]))
    assert "Question du groupe ?" in html


@pytest.mark.django_db
def test_leaf_page_without_faq_has_no_empty_section(client, category):
    html = client.get(reverse("catalogue:category", args=[category.slug])).content.decode()
    assert "kb-faq" not in html


@pytest.mark.django_db
def test_public_faq_page_is_linked_from_every_page(client):
    assert reverse("knowledge:faq") in client.get("/").content.decode()


@pytest.mark.django_db
def test_filing_form_suggests_articles_while_the_title_is_typed(client_for, requester, category):
    html = client_for(requester).get(reverse("tickets:file", args=[category.slug])).content.decode()
    title_input = re.search(r'<input type="text" name="title"[^>]*>', html).group(0)
    assert f'hx-get="/kb/suggest/?category={category.pk}"' in title_input
    assert 'hx-trigger="keyup changed delay:300ms, search"' in title_input
    assert 'id="kb-suggestions"' in html
    assert "vendor/htmx/htmx.min.js" in html
    # The deflection form is not nested in the filing form (browsers drop nested forms).
    filing_form_end = html.index("</form>", html.index('enctype="multipart/form-data"'))
    assert html.index('<form id="kb-deflect"') > filing_form_end
    assert "<script>" not in html  # strict CSP: no inline script


@pytest.mark.django_db
def test_suggestions_button_submits_the_deflection_form(client_for, requester, category, corpus):
    client = client_for(requester)
    fragment = client.get(reverse("knowledge:suggest"), {"title": "réseau filaire", "category": category.pk})
    html = fragment.content.decode()
    assert 'form="kb-deflect"' in html
    values = dict(re.findall(r'<input type="hidden" name="(\w+)" value="(\d+)" form="kb-deflect">', html))
    assert values == {"category": str(category.pk), "article": str(corpus["network"].pk)}

    response = client.post(reverse("knowledge:deflect"), values, HTTP_HX_REQUEST="true")

    assert "Tant mieux" in response.content.decode()
    assert list(Deflection.objects.values_list("category_id", "article_id")) == [(category.pk, corpus["network"].pk)]


@pytest.fixture
def deflections(category, other_category):
    Deflection.objects.create(category=category)
    Deflection.objects.create(category=category, created_at=timezone.now() - timedelta(days=90))
    Deflection.objects.create(category=other_category)


STATS = reverse("knowledge:deflection_stats")


@pytest.mark.django_db
def test_deflection_statistics_of_a_manager_cover_their_services(client_for, manager, deflections):
    html = client_for(manager).get(STATS).content.decode()
    assert re.search(r"<th scope=\"row\">Messagerie</th><td>1</td><td>2</td>", html)
    assert "Inscriptions" not in html


@pytest.mark.django_db
def test_deflection_statistics_of_an_admin_cover_every_category(client_for, admin, deflections):
    html = client_for(admin).get(STATS).content.decode()
    assert "Messagerie" in html and "Inscriptions" in html


@pytest.mark.django_db
def test_deflection_statistics_are_hidden_from_others(client, client_for, requester, agent, deflections):
    assert [client_for(user).get(STATS).status_code for user in (requester, agent)] == [404, 404]
    assert client.get(STATS).status_code == 302  # to the login page


@pytest.mark.django_db
def test_deflection_statistics_page_query_count(client_for, manager, deflections, django_assert_max_num_queries):
    client = client_for(manager)
    with django_assert_max_num_queries(8):
        assert client.get(STATS).status_code == 200
