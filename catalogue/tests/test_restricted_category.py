"""A category meant for another audience: a 404 that says who it is for, never a bare one."""

from __future__ import annotations

import pytest

from accounts.models import RequesterProfile


@pytest.fixture
def staff_box(node, service, institution):
    box = node("personnels", name="Demandes des personnels", audience_profiles=[RequesterProfile.STAFF])
    node("carriere", box, name="Votre carrière", service=service, institutions=[institution])
    return box


def test_requester_is_told_the_category_is_for_staff(staff_box, client_for, requester):
    response = client_for(requester).get("/catalogue/carriere/", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Catégorie réservée</h1>" in html
    # The box above the leaf is the one that keeps the student out.
    assert "La catégorie « Demandes des personnels » est réservée à un autre public que le vôtre." in html
    assert "Profils concernés : Personnel" in html
    assert "Votre compte a le profil « Étudiant ou futur étudiant »." in html
    assert '<a href="/">Catalogue des services</a>' in html


def test_outsider_is_told_which_institution(staff_box, client_for, outsider, institution):
    outsider.profile = RequesterProfile.STAFF
    outsider.save(update_fields=["profile"])
    html = client_for(outsider).get("/catalogue/carriere/").content.decode()
    assert "La catégorie « Votre carrière » est réservée à un autre public que le vôtre." in html
    assert f"Établissements concernés : <span>{institution.name}</span>" in html


def test_anonymous_visitor_is_offered_to_log_in(staff_box, client):
    html = client.get("/catalogue/personnels/").content.decode()
    assert "Si vous faites partie de ce public, connectez-vous : la catégorie s'affichera." in html
    assert 'href="/accounts/login/?next=/catalogue/personnels/"' in html


def test_english_visitor_reads_it_in_english(staff_box, client_for, requester):
    html = client_for(requester).get("/catalogue/carriere/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Restricted category</h1>" in html
    assert "is meant for another audience than yours." in html


@pytest.mark.parametrize("slug", ["does-not-exist", "carriere"])
def test_missing_or_inactive_category_stays_a_plain_404(staff_box, client_for, requester, slug):
    staff_box.is_active = False
    staff_box.save(update_fields=["is_active"])
    response = client_for(requester).get(f"/catalogue/{slug}/")
    assert response.status_code == 404
    assert "Catégorie réservée" not in response.content.decode()
