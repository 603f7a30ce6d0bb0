"""Plural forms: French counts 0 and 1 as singular, English only 1."""

import pytest
from django.utils import translation
from django.utils.translation import ngettext

SINGULAR, PLURAL = "%(counter)s article", "%(counter)s articles"


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("fr", 0, "0 article"),
        ("fr", 1, "1 article"),
        ("fr", 2, "2 articles"),
        ("en", 0, "0 articles"),
        ("en", 1, "1 article"),
    ],
)
def test_article_count_follows_the_language_plural_rule(language, count, expected):
    with translation.override(language):
        assert ngettext(SINGULAR, PLURAL, count) % {"counter": count} == expected


@pytest.mark.django_db
def test_empty_knowledge_base_search_says_0_article_in_french(client):
    response = client.get("/kb/?q=introuvablexyz", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "0 article" in text and "0 articles" not in text
