"""What only PostgreSQL does: the trigger-maintained vector, ranking, ts_headline, trigrams."""

import pytest
from django.db import connection

from knowledge.models import Article, SearchWord
from knowledge.search import correct_query, rebuild_search_words
from knowledge.selectors import ArticleFilters, article_search

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def vector_of(article) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM knowledge_article WHERE id = %s", [article.pk])
        return cursor.fetchone()[0]


def test_trigger_fills_the_vector_on_insert_and_update(make_article):
    article = make_article(title="Réseaux", problem="Imprimantes", solution="Solution", codes="ORA-01555")
    assert vector_of(article) == "'-01555':3A 'imprim':4B 'ora':2A 'reseau':1A 'solut':5C"
    Article.objects.filter(pk=article.pk).update(title="Wifi")
    assert "'wif':1A" in vector_of(article)


def test_trigger_fills_the_vector_of_bulk_created_rows(db):
    Article.objects.bulk_create([Article(title="Messagerie pleine", problem="quota", solution="vider")])
    assert vector_of(Article.objects.get()) == "'messager':1A 'plein':2A 'quot':3B 'vid':4C"


def test_search_ranks_a_title_match_above_a_body_match(make_article):
    body = make_article(title="Problème divers", problem="Une imprimante du troisième étage.")
    title = make_article(title="Imprimante du troisième étage", problem="Rien ne sort.")
    assert [a.pk for a in article_search(user=None, filters=ArticleFilters(q="imprimante")).articles] == [
        title.pk,
        body.pk,
    ]


def test_headline_marks_matches_and_escapes_html(make_article):
    make_article(title="Imprimante <i>HP</i>", problem="L'imprimante <script>x</script> bloque & clignote.")
    article = article_search(user=None, filters=ArticleFilters(q="imprimantes")).articles[0]
    assert str(article.title_html) == "<mark>Imprimante</mark> &lt;i&gt;HP&lt;/i&gt;"
    # ts_headline drops the source's tags; what remains is escaped.
    assert str(article.snippet_html) == "<mark>imprimante</mark>  x  bloque &amp; clignote.\nUne solution"


def test_typo_is_corrected_through_the_trigram_index(make_article):
    make_article(title="Imprimante bloquée")
    rebuild_search_words()
    assert correct_query("imprimnte bloqee") == "imprimante bloquee"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_searchword_trgm'")
        assert cursor.fetchone()[0].endswith("USING gin (word gin_trgm_ops)")


def test_word_list_is_rebuilt_from_ts_stat_with_document_counts(make_article):
    make_article(title="Imprimante bloquée")
    make_article(title="Imprimante réparée")
    rebuild_search_words()
    assert SearchWord.objects.get(word="imprimante").ndoc == 2


def test_websearch_or_finds_either_word(make_article):
    a = make_article(title="Scanner")
    b = make_article(title="Imprimante")
    assert {x.pk for x in article_search(user=None, filters=ArticleFilters(q="scanner or imprimante")).articles} == {
        a.pk,
        b.pk,
    }
