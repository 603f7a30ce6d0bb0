"""What the knowledge base lends to the ticket pages (registered in ``tickets.hooks`` by ``KnowledgeConfig``)."""

from __future__ import annotations

from knowledge import search
from knowledge.forms import suggest_input_attrs
from knowledge.models import Article
from knowledge.scrub import scrub
from tickets.models import Ticket


def search_published_articles(query: str, limit: int) -> list[Article]:
    query = query.strip()[:200]
    if not query:
        return []
    return list(search.search_articles(Article.objects.published(), query)[:limit])


def published_article(pk: int) -> Article | None:
    return Article.objects.published().filter(pk=pk).first()


def scrub_text(text: str, *, names=(), values=()) -> str:
    """The text without names, addresses, phones, student numbers, emails and personal links
    (the anonymisation of tickets past their retention period)."""
    return scrub(text or "", names=names, extra_values=values)[0]


def erase_personal_data(ticket_ids: list[int]) -> None:
    """Anonymised tickets: the articles drawn from them forget the values their scrubbing removed
    (``scrub_report`` keeps, for the reviewer, which kind of data was removed where)."""
    references = Ticket.objects.filter(pk__in=ticket_ids).values("reference")
    articles = Article.objects.filter(source_ticket_reference__in=references).exclude(scrub_report=[])
    for pk, report in articles.values_list("pk", "scrub_report"):
        kept = [{key: item[key] for key in item if key != "value"} for item in report]
        if kept != report:
            Article.objects.filter(pk=pk).update(scrub_report=kept)


PROVIDED = {
    "scrub_text": scrub_text,
    "title_input_attrs": suggest_input_attrs,
    "search_articles": search_published_articles,
    "published_article": published_article,
}
