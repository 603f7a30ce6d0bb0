import pytest

from knowledge.models import Article, ArticleStatus, FaqEntry
from tickets.tests.conftest import make_ticket  # noqa: F401 - tickets brought to a status through the workflow


@pytest.fixture
def make_article(db):
    """``make_article(title=..., problem=..., **fields)``: a published article unless told otherwise."""

    def make(title: str = "Article", problem: str = "Un problème.", solution: str = "Une solution.", **fields):
        fields.setdefault("status", ArticleStatus.PUBLISHED)
        return Article.objects.create(title=title, problem=problem, solution=solution, **fields)

    return make


@pytest.fixture
def make_faq(db):
    def make(question: str = "Question ?", answer: str = "Réponse.", **fields):
        return FaqEntry.objects.create(question=question, answer=answer, **fields)

    return make


@pytest.fixture
def corpus(make_article, category):
    """A small knowledge base where each search behaviour has one right answer."""
    return {
        "printer": make_article(
            title="L'imprimante du couloir n'imprime plus",
            problem="Les travaux restent dans la file d'impression.",
            solution="Redémarrer le spouleur.",
        ),
        "network": make_article(
            title="Pas d'accès au réseau filaire",
            problem="Le poste n'obtient pas d'adresse sur le réseau.",
            solution="Vérifier le brassage de la prise.",
        ),
        "password": make_article(
            title="Mot de passe oublié",
            problem="Je ne peux plus me connecter à l'ENT, j'ai perdu mon mot de passe.",
            solution="Utiliser le lien de réinitialisation.",
        ),
        "password_wifi": make_article(
            title="Mot de passe du wifi eduroam refusé",
            problem="Le wifi refuse mon mot de passe après expiration.",
            solution="Supprimer le profil wifi enregistré.",
        ),
        "ora_mention": make_article(
            title="Extractions lentes dans SIFAC",
            problem="Les extractions sont lentes et finissent parfois en ORA-01555 quand la base est chargée.",
            solution="Planifier les extractions la nuit.",
        ),
        "ora": make_article(
            title="Erreur snapshot too old à l'extraction",
            problem="L'extraction s'arrête avec un message d'erreur Oracle.",
            solution="Augmenter UNDO_RETENTION.",
            codes="ORA-01555",
        ),
        "draft": make_article(
            title="Imprimante en brouillon",
            problem="Brouillon sur une imprimante.",
            status=ArticleStatus.DRAFT,
            source_ticket_reference=4242,
            category=category,  # drafts are read by the handling service (``agent``'s)
        ),
    }
