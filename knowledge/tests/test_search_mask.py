"""The common-lexeme mask and the masked walk (issue 22): same candidates as the plain query, kept right."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledge import lexemes
from knowledge.models import Article, ArticleStatus, SearchLexeme
from knowledge.search import CONFIG, rebuild_search_words
from knowledge.selectors import ArticleFilters, article_search

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

WORDS = ["messagerie", "quota", "imprimante", "réseau", "wifi", "badge"]


@pytest.fixture
def small_base(monkeypatch):
    """Bits from the first article on, and the walk for any query whose lexemes all have a bit."""
    monkeypatch.setattr(lexemes, "MIN_ARTICLES", 1)
    monkeypatch.setattr(lexemes, "MIN_JOINT_SHARE", 0.0)
    monkeypatch.setattr(lexemes, "MAX_JOINT_SHARE", 1.0)


@pytest.fixture
def base(small_base, make_article):
    now = timezone.now()
    articles = [
        make_article(
            title=f"{WORDS[i % 6]} {WORDS[(i * 5 + 1) % 6]} {i}",
            problem=f"Le {WORDS[(i * 7 + 2) % 6]} du bâtiment.",
            published_at=now - datetime.timedelta(hours=i),
        )
        for i in range(40)
    ]
    rebuild_search_words()
    return articles


def mask_of(article) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT mask FROM knowledge_articlemask WHERE article_id = %s", [article.pk])
        row = cursor.fetchone()
        return row[0] if row else None


def bits_of(*lexemes_: str) -> int:
    return sum(1 << bit for bit in SearchLexeme.objects.filter(lexeme__in=lexemes_).values_list("bit", flat=True))


def candidates(q: str, limit: int) -> tuple[list[int], list[int]]:
    """(masked walk's ids, plain query's ids) for ``q``."""
    qs = Article.objects.published()
    query = SearchQuery(q, search_type="websearch", config=CONFIG)
    plain = list(qs.filter(search_vector=query).order_by("-published_at", "-pk").values_list("pk", flat=True)[:limit])
    return lexemes.candidate_ids(qs, q, query, limit), plain


def walk_was_taken(q: str) -> bool:
    qs = Article.objects.published()
    with CaptureQueriesContext(connection) as captured:
        lexemes.candidate_ids(qs, q, SearchQuery(q, search_type="websearch", config=CONFIG), 5)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + captured[0]["sql"].replace("%", "%%"))
        plan = [row[0] for row in cursor.fetchall()]
    walk = next(line for line in plan if "knowledge_articlemask_walk" in line)
    return "never executed" not in walk


def test_bits_go_to_the_most_common_lexemes_once(base):
    assert set(SearchLexeme.objects.values_list("lexeme", flat=True)) >= {"messager", "quot", "imprim", "wif"}
    bits = dict(SearchLexeme.objects.values_list("lexeme", "bit"))
    assert mask_of(base[0]) & bits_of("messager", "quot") == bits_of("messager", "quot")  # "messagerie quota 0"
    rebuild_search_words()
    assert dict(SearchLexeme.objects.values_list("lexeme", "bit")) == bits  # never moved


def test_no_bits_below_the_minimum_base(make_article):
    make_article(title="Messagerie pleine")
    rebuild_search_words()
    assert SearchLexeme.objects.count() == 0
    assert mask_of(Article.objects.get()) == 0


@pytest.mark.parametrize("q", ["messagerie quota", "imprimante", "wifi badge réseau", '"messagerie quota"', "quota"])
@pytest.mark.parametrize("limit", [3, 1001])
def test_masked_walk_finds_the_plain_query_candidates_in_order(base, q, limit):
    walked, plain = candidates(q, limit)
    assert walked == plain and plain
    assert walk_was_taken(q)


def test_a_word_without_a_bit_takes_the_plain_query(base):
    walked, plain = candidates("messagerie zzzinconnu", 1001)
    assert walked == plain == []
    assert not walk_was_taken("messagerie zzzinconnu")


def test_a_too_rare_or_too_common_combination_takes_the_plain_query(base, monkeypatch):
    monkeypatch.setattr(lexemes, "MIN_JOINT_SHARE", 0.9)
    assert not walk_was_taken("messagerie quota")
    assert candidates("messagerie quota", 1001)[0] == candidates("messagerie quota", 1001)[1]


def test_mask_follows_insert_update_and_unpublish(base, make_article):
    article = make_article(title="Quota de messagerie dépassé", published_at=timezone.now())
    assert mask_of(article) & bits_of("messager", "quot") == bits_of("messager", "quot")
    assert candidates("messagerie quota", 1)[0] == [article.pk]

    article.title = "Imprimante en panne"
    article.save()
    assert mask_of(article) & bits_of("messager", "quot") == 0
    assert article.pk not in candidates("messagerie quota", 1001)[0]

    Article.objects.filter(pk=article.pk).update(problem="Le quota de la messagerie.")  # a bulk update too
    assert article.pk in candidates("messagerie quota", 1001)[0]

    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.ARCHIVED)
    assert mask_of(article) is None
    walked, plain = candidates("messagerie quota", 1001)
    assert article.pk not in walked and walked == plain

    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)
    assert candidates("messagerie quota", 1)[0] == [article.pk]
    later = timezone.now() + datetime.timedelta(days=1)
    newer = make_article(title="Quota de messagerie", published_at=later)
    assert candidates("messagerie quota", 1)[0] == [newer.pk]
    Article.objects.filter(pk=newer.pk).update(published_at=later - datetime.timedelta(days=30))  # back-dated
    assert candidates("messagerie quota", 1)[0] == [article.pk]
    article.delete()
    assert mask_of(article) is None
    walked, plain = candidates("messagerie quota", 1001)
    assert walked == plain and article.pk not in walked


def test_drafts_have_no_mask_and_bulk_created_articles_have_one(base):
    draft, bulk = Article.objects.bulk_create(
        [
            Article(title="Quota de messagerie", problem="-", solution="-", status=ArticleStatus.DRAFT),
            Article(title="Quota de messagerie", problem="-", solution="-", status=ArticleStatus.PUBLISHED),
        ]
    )
    assert mask_of(draft) is None
    assert mask_of(bulk) & bits_of("messager", "quot") == bits_of("messager", "quot")


@pytest.mark.django_db(transaction=True)
def test_truncating_the_articles_empties_the_masks(make_article):
    make_article(title="Quota")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE knowledge_article CASCADE")
        cursor.execute("SELECT count(*) FROM knowledge_articlemask")
        assert cursor.fetchone()[0] == 0


def test_new_bits_are_set_on_the_articles_already_there(small_base, make_article, monkeypatch):
    monkeypatch.setattr(lexemes, "MAX_BITS", 2)
    old = make_article(title="Quota", problem="quota")
    make_article(title="Badge", problem="badge")
    rebuild_search_words()  # "solut" (both articles), then "badg" before "quot" (as common, alphabetical)
    assert set(SearchLexeme.objects.values_list("lexeme", flat=True)) == {"solut", "badg"}
    assert mask_of(old) == bits_of("solut")
    monkeypatch.setattr(lexemes, "MAX_BITS", 3)
    rebuild_search_words()
    assert mask_of(old) == bits_of("solut", "quot")
    assert candidates("quota", 5) == ([old.pk], [old.pk])


def test_public_search_takes_the_walk_with_the_same_results(base, django_assert_num_queries):
    with django_assert_num_queries(3):
        outcome = article_search(user=None, filters=ArticleFilters(q="messagerie quota"))
    expected = [a for a in base if {"messagerie", "quota"} <= set(f"{a.title} {a.problem}".lower().split())]
    assert {a.pk for a in outcome.articles} == {a.pk for a in expected}
    assert outcome.page.paginator.count == len(expected)


def test_filtered_and_staff_searches_find_the_same_articles(base, make_article, agent):
    finances = make_article(title="Quota de messagerie", domain="Finances", published_at=timezone.now())
    make_article(title="Quota de messagerie", status=ArticleStatus.DRAFT)
    outcome = article_search(user=None, filters=ArticleFilters(q="messagerie quota", domain="Finances"))
    assert outcome.articles == [finances]
    everything = article_search(user=None, filters=ArticleFilters(q="messagerie quota"))
    assert article_search(user=agent, filters=ArticleFilters(q="messagerie quota")).articles == everything.articles
