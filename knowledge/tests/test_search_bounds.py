"""Knowledge-base search at scale (issue 22): a cached domain list, a bounded ranked set."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from knowledge.models import Article
from knowledge.search import search_articles
from knowledge.selectors import domain_choices


@pytest.mark.django_db
def test_domain_list_is_cached_and_follows_article_changes(make_article, django_assert_num_queries):
    finances = make_article(title="Budget", domain="Finances")
    assert domain_choices() == ["Finances"]
    with django_assert_num_queries(0):
        assert domain_choices() == ["Finances"]
    make_article(title="Wifi", domain="Réseau")
    assert domain_choices() == ["Finances", "Réseau"]
    finances.delete()
    assert domain_choices() == ["Réseau"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_bounded_search_ranks_the_most_recently_published_matches(make_article):
    now = timezone.now()
    articles = [make_article(title=f"Imprimante {i}", published_at=now - datetime.timedelta(days=i)) for i in range(6)]
    coded = make_article(title="Erreur ORA-01555", codes="ORA-01555", published_at=now - datetime.timedelta(days=99))
    found = search_articles(Article.objects.published(), "imprimante", candidates=3)
    assert {a.pk for a in found} == {a.pk for a in articles[:3]}
    assert search_articles(Article.objects.published(), "imprimante").count() == 6
    # An exact code is always among the candidates, and first, however old.
    mentions = make_article(title="Autre", problem="Vu avec ORA-01555 aussi.", published_at=now)
    found = list(search_articles(Article.objects.published(), "ORA-01555", candidates=1))
    assert found == [coded, mentions]


@pytest.mark.postgres
@pytest.mark.django_db
def test_ranked_search_counts_from_its_candidates_in_three_queries(make_article, settings, django_assert_num_queries):
    """The public search reads the code matches, the candidate ids and the page with its highlights:
    no count query, no highlight query; the count is the candidates' (exact below the cap), codes
    older than the candidates included, and only if the visible set allows them."""
    from knowledge.models import ArticleStatus
    from knowledge.selectors import ArticleFilters, article_search

    settings.KNOWLEDGE_SEARCH_COUNT_CAP = 3
    now = timezone.now()
    for i in range(6):
        make_article(title=f"Imprimante {i}", published_at=now - datetime.timedelta(days=i))
    old = make_article(title="Imprimante ORA-01555", codes="ORA-01555", published_at=now - datetime.timedelta(days=99))
    make_article(title="Brouillon ORA-01555", codes="ORA-01555", status=ArticleStatus.DRAFT)
    with django_assert_num_queries(3):
        outcome = article_search(user=None, filters=ArticleFilters(q="imprimante"))
        assert outcome.page.paginator.count == 4 and outcome.page.paginator.is_capped
        assert "<mark>" in str(outcome.articles[0].title_html)
    # Only the published coded article counts; it comes first although older than every candidate.
    outcome = article_search(user=None, filters=ArticleFilters(q="imprimante ORA-01555"))
    assert outcome.page.paginator.count == 1 and outcome.articles == [old]
    settings.KNOWLEDGE_SEARCH_COUNT_CAP = 1000
    outcome = article_search(user=None, filters=ArticleFilters(q="imprimante"))
    assert outcome.page.paginator.count == 7 and not outcome.page.paginator.is_capped
