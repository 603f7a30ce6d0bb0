"""Reads of the knowledge base: what pages show, with constant query counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet

from accounts import roles
from catalogue.models import Category, Software
from knowledge import search
from knowledge.models import Article, ArticleStatus, ArticleVote, Deflection, FaqEntry

PAGE_SIZE = 50


def count_cap() -> int:
    """Counting stops here, and so do ranking and paging: "plus de 1 000" says enough (20 pages),
    and counting or ranking 300,000 matches of a very common word costs 600 ms."""
    return settings.KNOWLEDGE_SEARCH_COUNT_CAP


# The staff-only status filter: "" means published (the public view).
STATUS_ALL = "all"


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, known_count: int | None = None) -> None:
        super().__init__(object_list, per_page)
        if known_count is not None:  # the ranked search knows it from its candidates: no query
            self.count = min(known_count, count_cap() + 1)

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by().values("pk")[: count_cap() + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > count_cap()


@dataclass
class ArticleFilters:
    q: str = ""
    category: Category | None = None
    domain: str = ""
    software: Software | None = None
    version: str = ""
    code: str = ""
    status: str = ""


@dataclass
class SearchOutcome:
    page: Page
    query: str  # the query actually run (after typo correction)
    corrected_from: str = ""  # what the user typed, when it was corrected
    articles: list[Article] = field(default_factory=list)
    count_cap: int = 0


def category_subtree_ids(category: Category) -> list[int]:
    return list(Category.objects.descendants(category, include_self=True).values_list("pk", flat=True))


def _filtered(*, user, filters: ArticleFilters) -> QuerySet[Article]:
    qs = Article.objects.visible_to(user).select_related("category", "software")
    status = filters.status if roles.is_helpdesk_staff(user) else ""
    if status == "":
        qs = qs.filter(status=ArticleStatus.PUBLISHED)
    elif status != STATUS_ALL:
        qs = qs.filter(status=status)
    if filters.category is not None:
        qs = qs.filter(category_id__in=category_subtree_ids(filters.category))
    if filters.domain:
        qs = qs.filter(domain=filters.domain)
    if filters.software is not None:
        qs = qs.filter(software=filters.software)
    if filters.version:
        qs = qs.filter(version=filters.version.strip())
    if filters.code:
        qs = qs.filter(code_rows__code=search.text.normalise_code(filters.code))
    return qs


def _count_up_to(qs: QuerySet, limit: int, known: int | None = None) -> int:
    """How many rows match, counting no further than ``limit`` (no ranking, no full count)."""
    if known is not None:
        return min(known, limit)
    return len(qs.order_by().values_list("pk", flat=True)[:limit])


def article_search(*, user, filters: ArticleFilters, page_number: int | str = 1) -> SearchOutcome:
    """The public search: filters, ranked full text, typo correction, 50 per page, highlights."""
    base = _filtered(user=user, filters=filters)
    narrowed = filters.category or filters.domain or filters.software or filters.version or filters.code
    all_published = (not roles.is_helpdesk_staff(user) or filters.status == "") and not narrowed
    q = filters.q.strip()
    corrected_from = ""
    count = None
    if q:
        qs, count = search.search_with_count(base, q, candidates=count_cap() + 1, all_published=all_published)
        found = _count_up_to(qs, search.FEW_RESULTS, count)
        if found < search.FEW_RESULTS:
            corrected = search.correct_query(q)
            if corrected != q:
                alternative, other_count = search.search_with_count(
                    base, corrected, candidates=count_cap() + 1, all_published=all_published
                )
                if _count_up_to(alternative, search.FEW_RESULTS, other_count) > found:
                    qs, count, corrected_from, q = alternative, other_count, q, corrected
    else:
        qs = base.order_by(F("published_at").desc(nulls_last=True), "-pk")
    page = CappedPaginator(search.with_highlights(qs, q), PAGE_SIZE, known_count=count).get_page(page_number)
    articles = list(page.object_list)
    search.attach_highlights(articles, q)
    return SearchOutcome(page=page, query=q, corrected_from=corrected_from, articles=articles, count_cap=count_cap())


DOMAINS_KEY = "knowledge:domains:v1"
DOMAINS_TTL = 3600  # seconds; saving or deleting an article forgets the list at once (knowledge.receivers)


def domain_choices() -> list[str]:
    """The domains of published articles, for the search form: cached, since reading them meant
    scanning every article on every search (300-440 ms at 1,000,000 articles)."""
    domains = cache.get(DOMAINS_KEY)
    if domains is None:
        domains = list(
            Article.objects.published()
            .exclude(domain="")
            .order_by("domain")
            .values_list("domain", flat=True)
            .distinct()
        )
        cache.set(DOMAINS_KEY, domains, DOMAINS_TTL)
    return domains


def forget_domain_choices() -> None:
    cache.delete(DOMAINS_KEY)


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """Published articles about the same thing: sharing a code, or relevant to its title and codes."""
    base = Article.objects.published().exclude(pk=article.pk).select_related("category")
    return search.relevant_articles(base, " ".join([article.title, *article.code_list]), limit=limit)


def faq_for_category(category: Category | None) -> list[FaqEntry]:
    """Published FAQ entries of a category and of the groups above it."""
    if category is None:
        return []
    ancestor_ids = list(category.ancestors(include_self=True).values_list("pk", flat=True))
    return list(FaqEntry.objects.filter(is_published=True, category_id__in=ancestor_ids).order_by("position", "pk"))


def faq_grouped() -> list[tuple[Category | None, list[FaqEntry]]]:
    """Every published FAQ entry grouped by category, in catalogue order (general entries first)."""
    entries = FaqEntry.objects.filter(is_published=True).select_related("category")
    groups: dict[int | None, list[FaqEntry]] = {}
    for entry in entries.order_by("category__position", "category__name", "position", "pk"):
        groups.setdefault(entry.category_id, []).append(entry)
    return [(items[0].category, items) for items in groups.values()]


@dataclass
class Suggestions:
    articles: list[Article]
    faq_entries: list[FaqEntry]


def suggestions(*, q: str, category: Category | None = None, limit: int = 5) -> Suggestions:
    """What to show under the title of a new ticket: articles (same category first) and FAQ entries."""
    q = q.strip()
    if len(q) < 3:
        return Suggestions([], [])
    prefer = frozenset(category_subtree_ids(category)) if category else frozenset()
    articles = search.relevant_articles(Article.objects.published(), q, limit=limit, prefer_category_ids=prefer)
    faq_qs = FaqEntry.objects.filter(is_published=True)
    if category is not None:
        ancestor_ids = list(category.ancestors(include_self=True).values_list("pk", flat=True))
        faq_qs = faq_qs.filter(Q(category_id__in=ancestor_ids) | Q(category__isnull=True))
    return Suggestions(articles, search.relevant_faq_entries(faq_qs, q, limit=limit))


def drafts_for_editor(user) -> QuerySet[Article]:
    return (
        Article.objects.editable_by(user)
        .filter(status=ArticleStatus.DRAFT)
        .select_related("category", "author")
        .order_by("-created_at")
    )


def deflection_counts(*, since: datetime | None = None, service_ids: Iterable[int] | None = None) -> list[dict]:
    """Requests avoided per category: [{"category_id", "category__name", "count"}], most first.

    ``service_ids`` limits the rows to the categories of those services (a manager's view).
    """
    qs = Deflection.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if service_ids is not None:
        qs = qs.filter(category__service_id__in=list(service_ids))
    return list(
        qs.values("category_id", "category__name").annotate(count=Count("pk")).order_by("-count", "category__name")
    )


def deflection_statistics(*, user, now: datetime, recent_days: int = 30) -> list[dict]:
    """Per category the requests avoided in all and over the last ``recent_days`` days.

    Administrators see every category, service managers the categories of their services.
    """
    service_ids = None if roles.is_admin(user) else user.managed_service_ids
    recent = {
        row["category_id"]: row["count"]
        for row in deflection_counts(since=now - timedelta(days=recent_days), service_ids=service_ids)
    }
    return [{**row, "recent": recent.get(row["category_id"], 0)} for row in deflection_counts(service_ids=service_ids)]


def has_voted(*, article: Article, user, session_key: str = "") -> bool:
    if user is not None and user.is_authenticated:
        return ArticleVote.objects.filter(article=article, user=user).exists()
    return bool(session_key) and ArticleVote.objects.filter(article=article, session_key=session_key).exists()
