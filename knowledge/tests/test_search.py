"""Search behaviours users rely on, on SQLite (fallback) and PostgreSQL alike."""

import pytest

from knowledge.models import ArticleStatus
from knowledge.search import correct_query, parse_query, rebuild_search_words
from knowledge.selectors import ArticleFilters, article_search


def titles(outcome) -> list[str]:
    return [a.title for a in outcome.articles]


def found(user, q: str, **filters) -> list[str]:
    return titles(article_search(user=user, filters=ArticleFilters(q=q, **filters)))


@pytest.mark.django_db
def test_search_plural_finds_singular(corpus):
    assert found(None, "imprimantes") == [corpus["printer"].title]


@pytest.mark.django_db
def test_search_without_accent_finds_accented_word(corpus):
    assert found(None, "reseau") == [corpus["network"].title]


@pytest.mark.django_db
def test_search_accent_and_case_do_not_matter(corpus):
    assert found(None, "RÉSEAU FILAIRE") == [corpus["network"].title]


@pytest.mark.django_db
def test_search_minus_excludes_a_word(corpus):
    assert found(None, "mot de passe -wifi") == [corpus["password"].title]
    assert sorted(found(None, "mot de passe")) == sorted([corpus["password"].title, corpus["password_wifi"].title])


@pytest.mark.django_db
def test_search_quoted_phrase_must_appear_in_order(corpus):
    assert found(None, '"passe oublié"') == [corpus["password"].title]
    assert found(None, '"oublié passe"') == []


@pytest.mark.django_db
def test_search_error_code_puts_its_article_first(corpus):
    result = found(None, "ORA-01555")
    assert result[0] == corpus["ora"].title
    assert corpus["ora_mention"].title in result


@pytest.mark.django_db
def test_search_error_code_is_matched_exactly_whatever_the_case(corpus):
    assert found(None, "ora-01555")[0] == corpus["ora"].title
    assert found(None, "", code="ora-01555") == [corpus["ora"].title]


@pytest.mark.django_db
def test_search_typo_is_corrected_from_the_word_list(corpus):
    outcome = article_search(user=None, filters=ArticleFilters(q="imprimnte"))
    assert titles(outcome) == [corpus["printer"].title]
    assert outcome.corrected_from == "imprimnte"
    assert outcome.query == "imprimante"


@pytest.mark.django_db
def test_correct_query_keeps_known_words_phrases_and_exclusions(corpus):
    assert correct_query('imprimnte "reseu local" -wifii passe') == 'imprimante "reseu local" -wifii passe'


@pytest.mark.django_db
def test_search_never_shows_drafts_to_the_public(corpus, requester):
    assert corpus["draft"].title not in found(None, "imprimante")
    assert corpus["draft"].title not in found(requester, "imprimante", status=ArticleStatus.DRAFT)


@pytest.mark.django_db
def test_search_status_filter_shows_drafts_to_staff(corpus, agent):
    assert found(agent, "imprimante", status=ArticleStatus.DRAFT) == [corpus["draft"].title]
    assert found(agent, "imprimante") == [corpus["printer"].title]


@pytest.mark.django_db
def test_search_category_filter_includes_the_subtree(make_article, category):
    inside = make_article(title="Quota de messagerie atteint", category=category)
    make_article(title="Quota disque atteint")
    assert found(None, "quota", category=category.parent) == [inside.title]


@pytest.mark.django_db
def test_search_filters_by_domain_software_and_version(make_article):
    from catalogue.models import Software

    sifac = Software.objects.create(name="SIFAC")
    right = make_article(title="Clôture lente", domain="Finances", software=sifac, version="2024.1")
    make_article(title="Clôture lente ancienne", domain="Finances", software=sifac, version="2023.2")
    make_article(title="Clôture lente scolarité", domain="Scolarité")
    assert found(None, "clôture", domain="Finances", software=sifac, version="2024.1") == [right.title]


@pytest.mark.django_db
def test_search_pages_hold_fifty_results(make_article):
    for i in range(51):
        make_article(title=f"Imprimante {i}")
    outcome = article_search(user=None, filters=ArticleFilters(q="imprimante"))
    assert (len(outcome.articles), outcome.page.paginator.num_pages) == (50, 2)


@pytest.mark.django_db
def test_search_snippet_highlights_and_escapes(make_article):
    make_article(title="Imprimante <b>HP</b>", problem="L'imprimante <script>alert(1)</script> bloque.")
    article = article_search(user=None, filters=ArticleFilters(q="imprimante")).articles[0]
    assert str(article.title_html) == "<mark>Imprimante</mark> &lt;b&gt;HP&lt;/b&gt;"
    # ts_headline drops HTML tags from the source, the SQLite highlighter escapes them: never live markup.
    assert "<script>" not in str(article.snippet_html)
    assert "<mark>imprimante</mark>" in str(article.snippet_html)


@pytest.mark.django_db
def test_rebuild_search_words_keeps_published_words_only(make_article):
    make_article(title="Imprimante bloquée")
    make_article(title="Scanner secret", status=ArticleStatus.DRAFT)
    rebuild_search_words()
    from knowledge.models import SearchWord

    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"imprimante", "bloquee"} <= words
    assert "secret" not in words


def test_parse_query_reads_phrases_and_exclusions():
    parsed = parse_query('mot "de passe" -wifi -"réseau local"')
    assert [(t.words, t.negated, t.phrase) for t in parsed.tokens] == [
        (["mot"], False, False),
        (["de", "passe"], False, True),
        (["wifi"], True, False),
        (["reseau", "local"], True, True),
    ]


@pytest.mark.django_db
def test_search_count_stops_at_the_cap(make_article, settings, client):
    settings.KNOWLEDGE_SEARCH_COUNT_CAP = 3  # 10,000 by default
    for i in range(5):
        make_article(title=f"Imprimante {i}")
    outcome = article_search(user=None, filters=ArticleFilters(q="imprimante", status=""))
    assert (outcome.page.paginator.count, outcome.page.paginator.is_capped, len(outcome.articles)) == (4, True, 4)
    assert "Plus de 3 articles" in client.get("/kb/", {"q": "imprimante"}).content.decode()
