"""Articles and FAQ entries carry the language they are written in when the page differs (RGAA 8.7)."""

import pytest
from django.urls import reverse

from knowledge.models import FaqEntry


@pytest.mark.django_db
def test_english_article_page_marks_french_title_and_body(client, make_article, category):
    article = make_article(title="Boîte pleine", problem="Ma boîte est pleine.", category=category)
    content = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in content
    assert '<h1 lang="fr">Boîte pleine</h1>' in content
    assert '<div lang="fr"><p>Ma boîte est pleine.</p></div>' in content
    assert '<span lang="fr">Messagerie</span>' in content


@pytest.mark.django_db
def test_french_article_page_adds_no_redundant_lang(client, make_article, category):
    article = make_article(title="Boîte pleine", category=category)
    content = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<h1>Boîte pleine</h1>" in content
    assert content.count('lang="fr"') == 1  # the <html> element only


@pytest.mark.django_db
def test_english_article_on_a_french_page_is_marked_english(client, make_article):
    article = make_article(title="Mailbox full", problem="My mailbox is full.", language="en")
    content = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<h1 lang="en">Mailbox full</h1>' in content
    assert '<div lang="en"><p>My mailbox is full.</p></div>' in content
    search = client.get(reverse("knowledge:search"), {"q": "mailbox"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<p class="kb-result__snippet" lang="en">' in search


@pytest.mark.django_db
def test_english_faq_page_marks_french_entries(client, category):
    FaqEntry.objects.create(question="Comment changer mon mot de passe ?", answer="Par l'ENT.", category=category)
    content = client.get(reverse("knowledge:faq"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<summary lang="fr">Comment changer mon mot de passe ?</summary>' in content
    assert '<div class="kb-faq__answer" lang="fr"><p>Par l&#x27;ENT.</p></div>' in content
    assert 'lang="fr">Messagerie</h2>' in content
