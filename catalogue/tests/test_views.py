"""Requester pages: home, drill-down, leaf, search; audiences, 404s, keyboard reach."""

import re

import pytest
from django.urls import reverse

from accounts.models import RequesterProfile
from catalogue.models import BLOCKING_DEFINITION, FieldKind, FormField, InboundAddress, PriorityScheme


@pytest.fixture
def catalogue(node, service, institution):
    """A public box, a box per profile (à la Télé-demande), a staff box limited to ``institution``."""
    td = node("tele-demandes", name="Télé-demandes", position=1)
    student = node(
        "td-etudiant",
        td,
        name="Vous êtes un étudiant/futur étudiant et votre demande concerne :",
        audience_profiles=[RequesterProfile.STUDENT],
    )
    inscription = node(
        "td-inscription",
        student,
        name="une inscription",
        service=service,
        is_sve=True,
        sve_processing_delay="2 mois à compter de l'accusé de réception",
        sve_implicit_decision="Le silence gardé vaut rejet.",
    )
    FormField.objects.create(category=inscription, key="nom", label="Nom", required=True, position=1)
    FormField.objects.create(
        category=inscription,
        key="numero",
        label="Numéro étudiant AMU (8 chiffres)",
        kind=FieldKind.PATTERN,
        pattern="[0-9]{8}",
        position=2,
    )
    staff = node(
        "td-personnel",
        td,
        name="Vous êtes un personnel et votre demande concerne :",
        audience_profiles=[RequesterProfile.STAFF],
        institutions=[institution],
    )
    node("td-carriere", staff, name="votre carrière", service=service)
    esup = node("esup", name="Assistance en ligne", position=2)
    hs = node("hygiene-securite", esup, name="HYGIÈNE - SÉCURITÉ", service=service, icon="⚠️")
    InboundAddress.objects.create(category=hs, email="securite@example.org")
    node(
        "sifac",
        esup,
        name="SIFAC",
        service=service,
        priority_scheme=PriorityScheme.BLOCKING,
        domains=["Recettes", "Budget"],
        description="Problèmes de gestion financière.",
    )
    return td


def links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', html)


def test_home_anonymous_shows_public_boxes_as_links(catalogue, client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bienvenue sur Guichet" in html
    assert [box.slug for box in response.context["boxes"]] == ["tele-demandes", "esup"]
    assert "/catalogue/tele-demandes/" in links(html)
    assert "/catalogue/hygiene-securite/" in links(html)  # the box lists its children as links
    assert "td-etudiant" not in html


def test_home_has_labelled_search_box(catalogue, client):
    html = client.get("/").content.decode()
    assert '<label for="catalogue-q">' in html
    assert 'id="catalogue-q" name="q"' in html
    assert 'hx-get="/catalogue/recherche/"' in html


def test_cards_are_plain_links_reachable_by_keyboard(catalogue, client_for, requester):
    html = client_for(requester).get("/catalogue/tele-demandes/").content.decode()
    cards = html.split('<li class="card')[1:]
    assert len(cards) == 1  # the student's profile question
    for card in cards:
        # The card's title is a real link (Tab reaches it, Enter follows it).
        assert re.search(r'<h2 class="card__title"><a href="/catalogue/[a-z-]+/">', card)
    assert 'tabindex="-1"' not in html.split('<main id="main" tabindex="-1">', 1)[1]
    assert "onclick" not in html


def test_drill_down_student_sees_profile_question_and_its_leaves(catalogue, client_for, requester):
    response = client_for(requester).get("/catalogue/tele-demandes/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous êtes un étudiant/futur étudiant et votre demande concerne :" in html
    assert "/catalogue/td-inscription/" in links(html)
    assert "Vous êtes un personnel" not in html


def test_drill_down_staff_of_institution_sees_staff_question(catalogue, client_for, colleague):
    html = client_for(colleague).get("/catalogue/tele-demandes/").content.decode()
    assert "Vous êtes un personnel et votre demande concerne :" in html
    assert "Vous êtes un étudiant" not in html


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("requester", "td-etudiant", 200),
        ("requester", "td-inscription", 200),
        ("requester", "td-personnel", 404),
        ("requester", "td-carriere", 404),
        ("colleague", "td-carriere", 200),
        ("colleague", "td-inscription", 404),
        ("outsider", "td-carriere", 404),  # external profile, other institution
        ("outsider", "td-etudiant", 404),
        ("anonymous", "td-etudiant", 404),
        ("anonymous", "tele-demandes", 200),
        ("anonymous", "hygiene-securite", 200),
        ("admin", "td-carriere", 200),
        ("requester", "does-not-exist", 404),
    ],
)
def test_category_page_audience(catalogue, request, client_for, who, slug, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert client_for(user).get(f"/catalogue/{slug}/").status_code == status


def test_inactive_category_is_404_with_its_subtree(catalogue, client_for, requester):
    catalogue.is_active = False
    catalogue.save()
    client = client_for(requester)
    assert client.get("/catalogue/tele-demandes/").status_code == 404
    assert client.get("/catalogue/td-inscription/").status_code == 404


def test_anonymous_drill_down_of_profile_box_invites_to_log_in(catalogue, client):
    html = client.get("/catalogue/tele-demandes/").content.decode()
    assert "Se connecter pour voir les demandes qui vous concernent" in html
    assert "/accounts/login/?next=/catalogue/tele-demandes/" in html


def test_leaf_page_shows_breadcrumb_sve_mentions_and_form_fields(catalogue, client_for, requester):
    html = client_for(requester).get("/catalogue/td-inscription/").content.decode()
    breadcrumb = html.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert links(breadcrumb) == [
        "/",
        "/catalogue/tele-demandes/",
        "/catalogue/td-etudiant/",
        "/catalogue/td-inscription/",
    ]
    assert 'aria-current="page"' in breadcrumb
    assert "2 mois à compter de l&#x27;accusé de réception" in html
    assert "Le silence gardé vaut rejet." in html
    assert "Numéro étudiant AMU (8 chiffres)" in html
    assert "<h1>une inscription</h1>" in html


def test_leaf_page_blocking_scheme_shows_definition_and_domains(catalogue, client):
    html = client.get("/catalogue/sifac/").content.decode()
    assert "<summary>Priorité : qu'est-ce qu'un problème bloquant ?</summary>" in html
    assert str(BLOCKING_DEFINITION)[:60].replace("'", "&#x27;") in html
    assert "<li>Recettes</li><li>Budget</li>" in html


def test_leaf_page_lists_inbound_addresses(catalogue, client):
    html = client.get("/catalogue/hygiene-securite/").content.decode()
    assert 'href="mailto:securite@example.org"' in html


def test_leaf_page_links_to_filing_once_it_exists(catalogue, client_for, requester):
    html = client_for(requester).get("/catalogue/td-inscription/").content.decode()
    url = reverse("tickets:file", kwargs={"slug": "td-inscription"})
    assert f'<a class="button" href="{url}">Déposer une demande</a>' in html


def test_leaf_page_anonymous_filing_goes_through_login(catalogue, client):
    html = client.get("/catalogue/hygiene-securite/").content.decode()
    url = reverse("tickets:file", kwargs={"slug": "hygiene-securite"})
    assert f'href="/accounts/login/?next={url}"' in html


def test_leaf_page_without_service_has_no_button(catalogue, client, service):
    from catalogue.models import Category

    Category.objects.filter(slug="hygiene-securite").update(service=None)
    html = client.get("/catalogue/hygiene-securite/").content.decode()
    assert "Déposer une demande" not in html
    assert "ne reçoit pas de demande en ligne" in html


def test_search_page_finds_visible_categories_by_words(catalogue, client_for, requester):
    response = client_for(requester).get("/catalogue/recherche/", {"q": "hygiene securite"})
    assert response.status_code == 200
    assert [node.slug for node, _path in response.context["results"]] == ["hygiene-securite"]
    assert "<h1>" in response.content.decode()


def test_search_never_shows_categories_outside_audience(catalogue, client_for, requester):
    response = client_for(requester).get("/catalogue/recherche/", {"q": "carrière"})
    assert response.context["results"] == []
    assert "Aucune rubrique ne correspond" in response.content.decode()


def test_search_with_htmx_returns_results_fragment(catalogue, client):
    response = client.get("/catalogue/recherche/", {"q": "sifac"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "/catalogue/sifac/" in links(html)


@pytest.mark.parametrize("url", ["/", "/catalogue/esup/", "/catalogue/sifac/", "/catalogue/recherche/"])
def test_catalogue_pages_refuse_post(catalogue, client, url):
    assert client.post(url).status_code == 405


def test_catalogue_pages_have_no_inline_script_or_style(catalogue, client_for, requester):
    for url in ["/", "/catalogue/tele-demandes/", "/catalogue/td-inscription/", "/catalogue/recherche/?q=a"]:
        html = client_for(requester).get(url).content.decode()
        assert "style=" not in html
        assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
