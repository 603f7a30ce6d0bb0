"""Suggestions and related articles on the demo knowledge base: a table of queries and the articles expected.

Runs on the SQLite fallback by default and on PostgreSQL full-text search when
``DATABASE_URL`` points at PostgreSQL: both must give the same table.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from knowledge.models import Article
from knowledge.selectors import related_articles, suggestions

pytestmark = pytest.mark.django_db

SIFAC_ORA = "Erreur ORA-01555 « snapshot too old » lors d'une extraction SIFAC"
SIFAC_BC = "Impossible de valider un bon de commande : message BC-0042 dans SIFAC"
SIFAC_SLOW = "SIFAC : lenteurs à l'ouverture des transactions en début de mois"
APOGEE_IA = "Apogée : l'inscription administrative d'un étudiant est bloquée"
APOGEE_ORA = "Apogée : message ORA-00942 à l'ouverture d'un écran"
QUOTA = "Messagerie : le quota de la boîte aux lettres est atteint"
MAIL_PHONE = "Configurer la messagerie universitaire sur un téléphone"
PRINTER_QUEUE = "L'imprimante du couloir n'imprime plus : travaux bloqués dans la file"
PRINTER_INSTALL = "Installer une imprimante réseau sur un poste Windows"
WIFI = "Wifi eduroam : connexion impossible sur le campus"
WIRED = "Réseau filaire : pas d'accès internet depuis un bureau"
PASSWORD_LOST = "Mot de passe oublié du compte numérique"
PASSWORD_EXPIRED = "Changer son mot de passe après expiration"

# Title typed on the filing form → the suggested articles, in order (at most 5).
SUGGESTIONS = {
    # The case: a SIFAC error suggested the mailbox-quota and printer articles.
    "Erreur SIFAC lors de la validation d'une commande": [SIFAC_BC],
    "Message BC-0042 en validant un bon de commande": [SIFAC_BC],
    "ORA-01555 pendant l'extraction": [SIFAC_ORA],
    "Ma boîte aux lettres est pleine, quota atteint": [QUOTA],
    "Mon imprimante bloquée depuis ce matin": [PRINTER_QUEUE],
    "Pas de connexion au wifi eduroam": [WIFI, PASSWORD_EXPIRED],
    "J'ai oublié mon mot de passe": [PASSWORD_LOST],
    "Inscription administrative bloquée dans Apogée": [APOGEE_IA],
    # Nothing rather than noise.
    "Demande de remboursement de frais de mission": [],
    "Problème avec mon ordinateur depuis ce matin": [],
    "Bonjour, merci de votre aide": [],
}

# Article → its "Articles liés".
RELATED = {
    WIFI: [PASSWORD_EXPIRED],
    SIFAC_ORA: [],
    QUOTA: [],
    PRINTER_QUEUE: [],
    PASSWORD_LOST: [],
    MAIL_PHONE: [],
}


@pytest.fixture
def demo_kb(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_suggestions_for_typed_titles(demo_kb):
    found = {q: [a.title for a in suggestions(q=q).articles] for q in SUGGESTIONS}
    assert found == SUGGESTIONS


def test_related_articles_of_demo_articles(demo_kb):
    found = {title: [a.title for a in related_articles(Article.objects.get(title=title))] for title in RELATED}
    assert found == RELATED
