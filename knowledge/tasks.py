"""Knowledge-base periodic work."""

from celery import shared_task


@shared_task
def rebuild_search_words() -> int:
    """Recompute the typo-tolerance word list (drops words of archived articles)."""
    from knowledge.search import rebuild_search_words as rebuild

    return rebuild()
