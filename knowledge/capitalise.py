"""Turn an approved answer into a knowledge-base article, scrubbed of personal data.

``knowledge.receivers`` calls ``article_from_answer`` on the approval event of
``tickets.workflow.ticket_approve`` (approval only: never automatic closures,
rejections or withdrawals) with the ticket's title and description, the
approved answer, and the names and personal form values to remove.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from catalogue.models import Category, KnowledgePolicy, Software
from knowledge.models import Article
from knowledge.names import looks_personal
from knowledge.scrub import scrub
from knowledge.services import article_publish

# The kind of a scrub_report entry saying why the article waits for review.
REVIEW = "review"


def article_from_answer(
    *,
    title: str,
    problem: str,
    solution: str,
    category: Category | None,
    domain: str = "",
    software: Software | None = None,
    version: str = "",
    codes: Iterable[str] | str = (),
    names: Iterable[str | Sequence[str]] = (),
    personal_values: Iterable[str | tuple[str, str]] = (),
    source_ticket_reference: int | None = None,
    author=None,
) -> Article | None:
    """Create the article the category's policy asks for: published, draft, or none.

    Every text field is scrubbed; what was removed is kept in ``scrub_report``
    for the editor (never shown publicly). An article whose scrubbed text
    still looks personal (``knowledge.names.looks_personal``) is a draft for
    review whatever the policy: a leaked name cannot be taken back.
    """
    policy = category.knowledge_policy if category is not None else KnowledgePolicy.REVIEW
    if policy == KnowledgePolicy.NEVER:
        return None
    names, personal_values = list(names), list(personal_values)
    report: list[dict[str, str]] = []
    cleaned: dict[str, str] = {}
    codes_text = codes if isinstance(codes, str) else "\n".join(codes)
    for field_name, value in (("title", title), ("problem", problem), ("solution", solution), ("codes", codes_text)):
        clean, removed = scrub(value or "", names=names, extra_values=personal_values)
        cleaned[field_name] = clean
        report += [{"field": field_name, "kind": kind, "value": found} for kind, found in removed]
        report += [{"field": field_name, "kind": REVIEW, "value": why} for why in looks_personal(clean)]
    publish = policy == KnowledgePolicy.PUBLISH and not any(item["kind"] == REVIEW for item in report)
    article = Article.objects.create(
        title=cleaned["title"][:255],
        problem=cleaned["problem"],
        solution=cleaned["solution"],
        codes=cleaned["codes"],
        category=category,
        domain=domain,
        software=software,
        version=version,
        source_ticket_reference=source_ticket_reference,
        author=author,
        scrub_report=report,
    )
    if publish:
        article_publish(article=article, editor=None)
    return article
