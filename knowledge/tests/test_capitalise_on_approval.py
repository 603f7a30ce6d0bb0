"""Capitalisation through the workflow: only a requester's approval makes an article."""

import pytest
from django.utils import timezone

from accounts.models import User
from catalogue.models import FieldKind, FormField, KnowledgePolicy
from helpdesk.signing import make_ticket_link
from knowledge.models import Article, ArticleStatus
from tickets import workflow as wf
from tickets.models import Ticket, Watcher
from tickets.status import TicketStatus

SITE = "https://guichet.example.org"


@pytest.fixture
def personal_category(category):
    """A category whose form asks for personal data, publishing its answers at once."""
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    fields = [
        ("adresse", "Adresse postale", FieldKind.TEXTAREA, False),
        ("telephone", "Téléphone", FieldKind.PHONE, False),
        ("courriel_perso", "Courriel personnel", FieldKind.EMAIL, False),
        ("numero", "Numéro d'étudiant", FieldKind.PATTERN, True),
        ("formation", "Formation", FieldKind.CHOICE, False),
    ]
    for position, (key, label, kind, personal) in enumerate(fields):
        FormField.objects.create(
            category=category, position=position, key=key, label=label, kind=kind, is_personal=personal,
            choices="Licence\nMaster" if kind == FieldKind.CHOICE else "", pattern=r"\d{8}" if key == "numero" else "",
        )  # fmt: skip
    return category


def _file_personal_ticket(requester, category, colleague) -> Ticket:
    requester.student_number = "21304567"
    requester.save(update_fields=["student_number"])
    ticket = wf.ticket_file(
        requester=requester,
        category=category,
        title="Imprimante du bâtiment B bloquée pour Camille Martin",
        description=(
            "Bonjour, je suis Camille MARTIN (requester@example.org, 06 12 34 56 78, étudiant 21304567). "
            "Mon adresse : 12 bis rue des Lilas, 13001 Marseille. Ma collègue Dominique Bernard a le même "
            "souci, joignable au +33 4 91 00 00 00 ou camille.perso@gmail.com. "
            "Le pilote affiche l'erreur PRN-4042 puis plus rien ne sort."
        ),
        form_values={
            "adresse": "5 allée des Pins\n13090 Aix-en-Provence",
            "telephone": "04 42 17 17 17",
            "courriel_perso": "cmartin.home@laposte.net",
            "numero": "30123456",
            "formation": "Licence",
        },
    )
    Watcher.objects.create(ticket=ticket, user=colleague)
    return ticket


def _answer_text(agent, ticket, requester) -> str:
    link = SITE + make_ticket_link(ticket_reference=ticket.reference, user_id=requester.pk)
    return (
        "Bonjour Camille,\n\nVidez la file d'impression puis réinstallez le pilote (erreur PRN-4042). "
        f"Suivez votre demande ici : {link}\n"
        f"Si cela recommence, écrivez à Mme Bernard ou rappelez-moi au 01 23 45 67 89.\n\n{agent.get_full_name()}\n"
        "Assistance informatique — https://dsi.example.org/imprimantes"
    )


def _bring_to_avs(ticket, agent, requester):
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_ask(ticket=ticket, actor=agent, text="Camille, quel est le numéro de l'imprimante ?")
    wf.ticket_answer(ticket=ticket, actor=requester, text="C'est la B-204, Camille Martin.")
    wf.ticket_propose(ticket=ticket, actor=agent, text=_answer_text(agent, ticket, requester))


@pytest.mark.django_db
def test_approval_publishes_an_article_without_any_personal_data(personal_category, requester, colleague, agent):
    ticket = _file_personal_ticket(requester, personal_category, colleague)
    _bring_to_avs(ticket, agent, requester)

    wf.ticket_approve(ticket=ticket, actor=requester)

    article = Article.objects.get()
    public = "\n".join([article.title, article.problem, article.solution, article.codes, article.search_text])
    for secret in (
        "Camille", "Martin", "MARTIN", "Dominique", "Bernard", "Alex", "Petit",
        "requester@example.org", "camille.perso@gmail.com", "cmartin.home", "laposte",
        "06 12 34 56 78", "+33 4 91", "04 42 17", "01 23 45 67 89",
        "21304567", "30123456", "Lilas", "13001", "Pins", "Aix-en-Provence", "/lien/",
    ):  # fmt: skip
        assert secret.lower() not in public.lower(), secret
    assert (article.status, article.source_ticket_reference, article.author, article.category) == (
        ArticleStatus.PUBLISHED,
        ticket.reference,
        agent,
        personal_category,
    )
    assert article.title == "Imprimante du bâtiment B bloquée pour [nom]"
    assert "PRN-4042" in article.code_list
    assert "Videz la file d'impression" in article.solution
    assert "https://dsi.example.org/imprimantes" in article.solution  # a plain link is kept
    kinds = {item["kind"] for item in article.scrub_report}
    assert kinds >= {"name", "email", "phone", "student_number", "address", "link"}


@pytest.mark.django_db
def test_approved_article_is_found_anonymously_without_personal_data(
    personal_category, requester, colleague, agent, client
):
    ticket = _file_personal_ticket(requester, personal_category, colleague)
    _bring_to_avs(ticket, agent, requester)
    wf.ticket_approve(ticket=ticket, actor=requester)
    article = Article.objects.get()

    page = client.get("/kb/", {"q": "imprimante pilote"}).content.decode()
    detail = client.get(article.get_absolute_url()).content.decode()

    assert article.get_absolute_url() in page
    for html in (page, detail):
        for secret in ("Camille", "Martin", "21304567", "requester@example.org", "Lilas"):
            assert secret not in html, secret
    assert "Demande d'origine" not in detail  # staff only


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("policy", "expected"),
    [(KnowledgePolicy.PUBLISH, [ArticleStatus.PUBLISHED]), (KnowledgePolicy.REVIEW, [ArticleStatus.DRAFT]),
     (KnowledgePolicy.NEVER, [])],
)  # fmt: skip
def test_approval_follows_the_category_policy(make_ticket, category, policy, expected):
    category.knowledge_policy = policy
    category.save()
    make_ticket(TicketStatus.TER)
    assert list(Article.objects.values_list("status", flat=True)) == expected


@pytest.mark.django_db
def test_automatic_closure_never_produces_an_article(make_ticket, category):
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    ticket = make_ticket(TicketStatus.AVS)
    Ticket.objects.filter(pk=ticket.pk).update(expire_at=timezone.now())
    ticket.refresh_from_db()

    wf.ticket_expire(ticket=ticket)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.closed_automatically) == (TicketStatus.TER, True)
    assert Article.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", [TicketStatus.REJ, TicketStatus.ABN])
def test_rejected_or_withdrawn_tickets_never_produce_an_article(make_ticket, category, status):
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    make_ticket(status)
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_refused_then_excluded_ticket_never_produces_an_article(make_ticket, category, requester, agent):
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    ticket = make_ticket(TicketStatus.AVS)
    wf.ticket_refuse(ticket=ticket, actor=requester, text="Toujours bloqué.")
    wf.ticket_await_decision(ticket=ticket, actor=agent)
    wf.ticket_exclude(ticket=ticket, actor=agent, text="Hors du périmètre du service.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.REJ
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_approval_by_a_colleague_correspondent_also_capitalises(make_ticket, category, colleague):
    category.knowledge_policy = KnowledgePolicy.REVIEW
    category.save()
    ticket = make_ticket(TicketStatus.AVS)
    wf.ticket_approve(ticket=ticket, actor=colleague)
    assert Article.objects.get().status == ArticleStatus.DRAFT


@pytest.mark.django_db
def test_capitalisation_failure_never_undoes_the_approval(make_ticket, category, monkeypatch):
    from knowledge import receivers

    def broken(**kwargs):
        raise RuntimeError("search index down")

    monkeypatch.setattr(receivers, "article_from_answer", broken)
    ticket = make_ticket(TicketStatus.AVS)
    wf.ticket_approve(ticket=ticket, actor=User.objects.get(email="requester@example.org"))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.TER
    assert Article.objects.count() == 0
