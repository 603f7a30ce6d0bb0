import pytest

from catalogue.models import KnowledgePolicy
from knowledge.capitalise import article_from_answer
from knowledge.models import Article, ArticleStatus


def answer(category, requester, agent, **extra):
    fields = {
        "title": f"Imprimante bloquée pour {requester.get_full_name()}",
        "problem": (
            f"Je suis {requester.get_full_name()} ({requester.email}, 06 12 34 56 78, étudiant 21304567), "
            "j'habite 12 rue des Lilas 13001 Marseille et rien ne sort de l'imprimante."
        ),
        "solution": (
            f"Bonjour {requester.first_name}, videz la file d'impression. {agent.get_full_name()}, 01 23 45 67 89"
        ),
        "category": category,
        "codes": ["PRN-042"],
        "names": [requester.get_full_name(), (agent.first_name, agent.last_name)],
        "personal_values": [("address", "12 rue des Lilas\n13001 Marseille")],
        "source_ticket_reference": 1234,
        "author": agent,
    }
    return article_from_answer(**{**fields, **extra})


@pytest.mark.django_db
def test_article_from_answer_publishes_when_the_category_says_so(category, requester, agent):
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    article = answer(category, requester, agent)
    assert (article.status, article.source_ticket_reference, article.code_list) == (
        ArticleStatus.PUBLISHED,
        1234,
        ["PRN-042"],
    )
    assert article.published_at is not None


@pytest.mark.django_db
def test_article_from_answer_makes_a_draft_for_review(category, requester, agent):
    category.knowledge_policy = KnowledgePolicy.REVIEW
    category.save()
    assert answer(category, requester, agent).status == ArticleStatus.DRAFT


@pytest.mark.django_db
def test_article_from_answer_creates_nothing_when_policy_is_never(category, requester, agent):
    category.knowledge_policy = KnowledgePolicy.NEVER
    category.save()
    assert answer(category, requester, agent) is None
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_article_from_answer_scrubs_personal_data_and_reports_it(category, requester, agent):
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    article = answer(category, requester, agent)
    public = " ".join([article.title, article.problem, article.solution, article.codes, article.search_text])
    for secret in (
        "Camille",
        "Martin",
        "requester@example.org",
        "06 12",
        "21304567",
        "Lilas",
        "Alex",
        "Petit",
        "01 23",
    ):
        assert secret.lower() not in public.lower()
    assert article.title == "Imprimante bloquée pour [nom]"
    assert {(item["field"], item["kind"]) for item in article.scrub_report} == {
        ("title", "name"),
        ("problem", "name"),
        ("problem", "email"),
        ("problem", "phone"),
        ("problem", "student_number"),
        ("problem", "address"),
        ("solution", "name"),
        ("solution", "phone"),
    }
