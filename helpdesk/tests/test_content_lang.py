"""``{% content_lang %}`` marks content whose language differs from the page's (RGAA 4, criterion 8.7)."""

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load content_lang %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("page", "content", "expected"),
    [
        ("fr", None, ""),
        ("en", None, ' lang="fr"'),
        ("en", "fr", ' lang="fr"'),
        ("fr", "en", ' lang="en"'),
        ("en", "en", ""),
        ("en-gb", "en", ""),
        ("fr", "fr-FR", ""),
        ("en", "fr_FR", ' lang="fr-FR"'),
        ("en", "", ' lang="fr"'),
    ],
)
def test_content_lang_only_when_the_language_differs_from_the_page(page, content, expected):
    with translation.override(page):
        assert render("{% content_lang language %}", language=content) == expected


def test_content_lang_defaults_to_the_site_language(settings):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("en"):
        assert render("<p{% content_lang %}>") == '<p lang="fr">'


def test_content_lang_escapes_the_language():
    with translation.override("fr"):
        assert render("{% content_lang language %}", language='"><script>') == ' lang="&quot;&gt;&lt;script&gt;"'
