"""Catalogue names and descriptions are French: on English pages they carry lang="fr" (RGAA 8.7)."""

import pytest

from catalogue.models import FormField


@pytest.fixture
def leaf(category):
    category.description = "Problèmes d'accès à votre boîte aux lettres."
    category.save(update_fields=["description"])
    FormField.objects.create(category=category, key="adresse", label="Adresse concernée", position=1)
    return category


@pytest.mark.django_db
def test_english_leaf_page_marks_french_content(client, leaf):
    content = client.get(leaf.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in content
    assert '<h1 lang="fr">Messagerie</h1>' in content
    assert '<div class="catalogue-description" lang="fr"><p>Problèmes' in content
    assert '<dd lang="fr">Assistance informatique</dd>' in content
    assert '<span lang="fr">Adresse concernée</span>' in content
    assert 'aria-current="page" lang="fr">Messagerie</a>' in content


@pytest.mark.django_db
def test_english_home_and_search_mark_french_names(client, leaf):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr">Informatique</a>' in home
    assert 'lang="fr">Messagerie</a>' in home
    results = client.get("/catalogue/recherche/", {"q": "messagerie"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="fr">Messagerie</a>' in results


@pytest.mark.django_db
def test_french_pages_add_no_redundant_lang(client, leaf):
    for url in ("/", leaf.get_absolute_url(), leaf.parent.get_absolute_url()):
        content = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert '<html lang="fr">' in content
        assert content.count('lang="fr"') == 1, url  # the <html> element only
