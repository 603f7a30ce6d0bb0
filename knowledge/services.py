"""Writes of the knowledge base: votes, deflections and editorial actions.

``article_publish`` and ``article_archive`` are the doors of an article's
status: nothing else changes it (the admin shows it read-only;
``tickets/tests/test_architecture.py`` checks it). A new article is a draft.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from catalogue.models import Category
from knowledge.models import Article, ArticleStatus, ArticleViewDay, ArticleVote, Deflection, FaqEntry, SearchMiss
from knowledge.signals import article_published


class InvalidTransition(Exception):
    """The article is not in a status the action applies to."""


def article_vote_helpful(*, article: Article, user=None, session_key: str = "") -> bool:
    """Count one "Cela m'a aidé" per user (or per session when anonymous); False if already counted."""
    voter = {"user": user} if user is not None and user.is_authenticated else {"user": None, "session_key": session_key}
    if voter.get("user") is None and not session_key:
        return False
    try:
        with transaction.atomic():
            ArticleVote.objects.create(article=article, **voter)
    except IntegrityError:
        return False
    Article.objects.filter(pk=article.pk).update(helpful_count=F("helpful_count") + 1)
    return True


def article_record_view(*, article: Article) -> None:
    # A counter, not a state change: an UPDATE of one column, which the search trigger ignores.
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    _count_today(ArticleViewDay, article=article)


def search_record_miss(*, query: str) -> None:
    """A search that found nothing (the statistics list the most frequent ones)."""
    normalised = " ".join(query.lower().split())[:100]
    if normalised:
        _count_today(SearchMiss, query=normalised)


def _count_today(model, **key) -> None:
    """+1 on today's row (Paris date) of a daily counter, created if missing; safe under concurrency."""
    day = timezone.localdate()
    if not model.objects.filter(day=day, **key).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                model.objects.create(day=day, count=1, **key)
        except IntegrityError:  # created meanwhile by another request
            model.objects.filter(day=day, **key).update(count=F("count") + 1)


def deflection_record(
    *, category: Category, article: Article | None = None, faq_entry: FaqEntry | None = None
) -> Deflection:
    """ "Cela a résolu mon problème": one request that did not need to be filed."""
    return Deflection.objects.create(category=category, article=article, faq_entry=faq_entry)


def article_save_edit(*, article: Article, editor) -> Article:
    """Save an editor's changes (the form has already set the fields)."""
    article.editor = editor
    article.save()
    return article


def article_publish(*, article: Article, editor) -> Article:
    """Draft or archived → published; ``editor`` is ``None`` when the category's policy publishes it."""
    if article.status == ArticleStatus.PUBLISHED:
        raise InvalidTransition(article.status)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = timezone.now()
    article.editor = editor
    with transaction.atomic():
        article.save(update_fields=["status", "published_at", "editor"])
        article_published.send(sender=Article, article=article)
    return article


def article_archive(*, article: Article, editor) -> Article:
    """Hidden from the public, kept for the staff."""
    if article.status == ArticleStatus.ARCHIVED:
        raise InvalidTransition(article.status)
    article.status = ArticleStatus.ARCHIVED
    article.editor = editor
    article.save(update_fields=["status", "editor"])
    return article
