"""Names of people who are not participants are scrubbed too (issue 14, item 7).

A DA naming "Contact : Dominique Lefèvre" was published as "[nom] Lefèvre":
the scrubber only knew the participants' names (a colleague was called
Dominique). Now a given-name list, titles, contact cues, signatures, email
local parts and form values find the others, and an article that still
looks personal after scrubbing waits for review.
"""

from __future__ import annotations

import pytest

from catalogue.models import FieldKind, FormField, KnowledgePolicy
from knowledge.capitalise import article_from_answer
from knowledge.models import Article, ArticleStatus
from knowledge.names import given_names, looks_personal
from knowledge.scrub import scrub
from tickets import workflow as wf
from tickets.models import Watcher

# (sentence, what must disappear, what must stay)
SENTENCES = [
    ("Contact : Dominique Lefèvre, secrétariat pédagogique.", ["Dominique", "Lefèvre"], ["secrétariat pédagogique"]),
    ("Voir avec M. Jean-Baptiste de La Fontaine au bureau B12.", ["Jean-Baptiste", "Fontaine"], ["M. ", "bureau B12"]),
    ("Mme Le Gall a validé la convention de stage.", ["Gall"], ["Mme", "a validé la convention"]),
    ("Anne-Sophie LE GALL gère les conventions.", ["Anne-Sophie", "GALL"], ["gère les conventions"]),
    ("Appeler LEFÈVRE Dominique, poste 4321.", ["LEFÈVRE", "Dominique"], ["poste 4321"]),
    ("Transmis à Monsieur Moreau pour signature.", ["Moreau"], ["Transmis à Monsieur", "pour signature"]),
    ("Le dossier est suivi par Marie-Claire d'Almeida.", ["Marie-Claire", "Almeida"], ["Le dossier est suivi par"]),
    ("Interlocutrice : Inès, au service des bourses.", ["Inès"], ["au service des bourses"]),
    ("Le Dr Nguyen Van Thanh a signé le certificat.", ["Nguyen", "Thanh"], ["a signé le certificat"]),
    (
        "Le problème est réglé.\nCordialement,\nKévin DUBOIS",
        ["Kévin", "DUBOIS"],
        ["Le problème est réglé.", "Cordialement"],
    ),
    ("Merci d'avance,\nFatoumata Diallo\nGestionnaire", ["Fatoumata", "Diallo"], ["Gestionnaire"]),
    ("Écrire à yannick.le-bihan@univ.example puis relancer Le Bihan.", ["yannick", "Bihan"], ["puis relancer"]),
    (
        "Ma collègue Dominique Bernard a le même souci que Théo Martin.",
        ["Dominique", "Bernard", "Théo"],
        ["le même souci"],
    ),
    # Ordinary capitalised words stay.
    ("Le service France Connect et Microsoft Teams sont en panne.", [], ["France Connect", "Microsoft Teams"]),
    ("Madame la Présidente a signé l'arrêté.", [], ["Madame la Présidente a signé"]),
    ("Contactez la DSI ou le Service Informatique.", [], ["la DSI", "Service Informatique"]),
    ("Cordialement,\nLa DSI", [], ["La DSI"]),
]


@pytest.mark.parametrize(("sentence", "gone", "kept"), SENTENCES)
def test_scrub_removes_names_of_people_who_are_not_participants(sentence, gone, kept):
    clean, removed = scrub(sentence, names=["Camille Martin"])

    assert [word for word in gone if word.lower() in clean.lower()] == []
    assert [words for words in kept if words not in clean] == []
    assert all(kind in {"name", "email"} for kind, _value in removed)


def test_a_name_found_once_is_removed_everywhere_it_is_written_capitalised():
    clean, _ = scrub("Contact : Dominique Lefèvre. J'ai relancé Lefèvre hier ; LEFÈVRE a répondu.")

    assert clean == "Contact : [nom]. J'ai relancé [nom] hier ; [nom] a répondu."


def test_names_in_form_values_are_removed_in_the_text_too():
    clean, _ = scrub(
        "Mon responsable de stage, M. Rousseau, n'a pas reçu la convention.",
        extra_values=[("personal", "Élodie Rousseau")],
    )

    assert clean == "Mon responsable de stage, M. [nom], n'a pas reçu la convention."


def test_the_given_name_list_is_shipped_and_large():
    names = given_names()

    assert len(names) > 5000
    assert {"dominique", "jean", "ines", "fatoumata", "kevin", "thanh"} <= names
    assert {"france", "teams", "bien", "service"} & names == set()


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        ("Merci à Julie pour son aide.", True),
        ("Voir avec Mme Durand.", True),
        ("Voir avec Mme [nom].", False),
        ("Redémarrez le spouleur puis relancez l'impression.", False),
        ("Pierre tombale : sans objet.", False),  # a sentence may start with a word that is also a name
    ],
)
def test_looks_personal(text, personal):
    assert bool(looks_personal(text)) is personal


def test_article_that_still_looks_personal_waits_for_review_whatever_the_policy(category):
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()

    article = article_from_answer(
        title="Quota de messagerie",
        problem="La boîte est pleine.",
        # "Julie" alone may be a word: not removed, but the article is not published either.
        solution="Videz la corbeille ; merci à Julie pour son aide.",
        category=category,
    )

    assert article.status == ArticleStatus.DRAFT
    assert {"field": "solution", "kind": "review", "value": "prénom : « Julie »"} in article.scrub_report


@pytest.mark.django_db
def test_approval_never_publishes_a_third_partys_surname(category, requester, colleague, agent):
    # The regression: the colleague participant is called Dominique (Bernard); the DA names
    # Dominique Lefèvre, who is not a participant. Published before as "[nom] Lefèvre".
    category.knowledge_policy = KnowledgePolicy.PUBLISH
    category.save()
    FormField.objects.create(category=category, key="gestionnaire", label="Gestionnaire", kind=FieldKind.TEXT)
    ticket = wf.ticket_file(
        requester=requester,
        category=category,
        title="Accès au dossier de bourse",
        description="Contact : Dominique Lefèvre, gestionnaire des bourses (dominique.lefevre@univ.example).",
        form_values={"gestionnaire": "Hélène Garnier-Dupuis"},
    )
    Watcher.objects.create(ticket=ticket, user=colleague)
    wf.ticket_take(ticket=ticket, actor=agent)
    wf.ticket_propose(
        ticket=ticket,
        actor=agent,
        text="J'ai relancé Mme Lefèvre et Mme Garnier-Dupuis : vos droits sont ouverts.\n\nBien cordialement,\n"
        "Alex PETIT",
    )

    wf.ticket_approve(ticket=ticket, actor=requester)

    article = Article.objects.get()
    public = " ".join([article.title, article.problem, article.solution, article.search_text])
    assert [s for s in ("Lefèvre", "Lefevre", "lefevre", "Garnier", "Dupuis", "Dominique", "Alex") if s in public] == []
    assert article.status == ArticleStatus.PUBLISHED
    assert article.problem == "Contact : [nom], gestionnaire des bourses ([courriel])."
