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
