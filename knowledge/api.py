"""What the knowledge base lends to the ticket pages (registered in ``tickets.hooks`` by ``KnowledgeConfig``)."""

from __future__ import annotations

from knowledge import search
from knowledge.forms import suggest_input_attrs
from knowledge.models import Article


def search_published_articles(query: str, limit: int) -> list[Article]:
    query = query.strip()[:200]
    if not query:
        return []
    return list(search.search_articles(Article.objects.published(), query)[:limit])


def published_article(pk: int) -> Article | None:
    return Article.objects.published().filter(pk=pk).first()


PROVIDED = {
    "title_input_attrs": suggest_input_attrs,
    "search_articles": search_published_articles,
    "published_article": published_article,
}
