"""The privacy notice (public, linked from the footer, contact from admin) and the register of processing."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import translation

from catalogue.models import Category, CategoryKind, FieldKind, FormField
from privacy.models import PrivacyContact

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return PrivacyContact.objects.create(
        site=Site.objects.get_current(),
        controller="Université de Test",
        dpo_name="Morgan Délégué",
        dpo_email="dpo@example.org",
    )


@pytest.fixture
def dpo(requester):
    requester.user_permissions.add(Permission.objects.get(codename="view_processing_register"))
    return requester


@pytest.fixture
def sve_category(other_service):
    leaf = Category.objects.create(
        name="Recours gracieux",
        slug="recours",
        kind=CategoryKind.LEAF,
        service=other_service,
        is_sve=True,
        sve_retention_months=120,
    )
    FormField.objects.create(category=leaf, key="ine", label="Numéro INE", kind=FieldKind.TEXT, is_personal=True)
    FormField.objects.create(category=leaf, key="naissance", label="Date de naissance", kind=FieldKind.DATE)
    return leaf


def test_notice_shows_the_contact_edited_in_admin(client, contact):
    body = client.get(reverse("privacy:notice")).content.decode()
    assert "Université de Test" in body
    assert "dpo@example.org" in body
    assert "24 mois" in body


def test_notice_without_contact_still_renders(client, db):
    assert client.get(reverse("privacy:notice")).status_code == 200


def test_notice_is_linked_from_the_footer_in_both_languages(client, db):
    for language, label in [("fr", "Données personnelles"), ("en", "Personal data")]:
        with translation.override(language):
            url = reverse("privacy:notice")
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=language)
        assert f'href="{url}"' in response.content.decode()
        if language == "fr":
            assert label in response.content.decode()


def test_contact_is_editable_in_admin(client_for, admin, contact):
    url = reverse("admin:privacy_privacycontact_change", args=[contact.pk])
    data = {"site": contact.site_id, "controller": "Université Renommée", "dpo_email": "rgpd@example.org"}
    assert client_for(admin).post(url, data).status_code == 302
    contact.refresh_from_db()
    assert (contact.controller, contact.dpo_email) == ("Université Renommée", "rgpd@example.org")


def test_register_lists_each_offer_with_data_recipients_and_retention(category, sve_category, contact):
    from privacy.register import processing_register

    rows = {a.branch: a for a in processing_register()}
    assert sorted(rows) == ["Informatique › Messagerie", "Recours gracieux"]
    mail = rows["Informatique › Messagerie"]
    assert mail.recipients == ["Assistance informatique", "correspondants de l'établissement du demandeur"]
    assert mail.retention_months == 24
    sve = rows["Recours gracieux"]
    assert sve.recipients == ["Scolarité"]
    assert sve.retention_months == 120
    assert sve.data_categories[-2:] == ["Numéro INE (Texte court, donnée personnelle)", "Date de naissance (Date)"]


@pytest.mark.parametrize("who", ["admin", "dpo"])
def test_register_page_and_csv_for_admin_and_dpo(request, client_for, who, category, sve_category):
    client = client_for(request.getfixturevalue(who))
    page = client.get(reverse("privacy:register"))
    assert page.status_code == 200
    assert "Numéro INE" in page.content.decode()
    export = client.get(reverse("privacy:register_csv"))
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["Branche", "Finalité", "Catégories de données", "Destinataires", "Conservation (mois)", "SVE"]
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [
        ("Informatique › Messagerie", "24", "non"),
        ("Recours gracieux", "120", "oui"),
    ]


@pytest.mark.parametrize("who", ["requester", "agent", "manager"])
def test_register_is_refused_to_others(request, client_for, who, category):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("privacy:register")).status_code == 403
    assert client.get(reverse("privacy:register_csv")).status_code == 403


def test_register_csv_neutralises_formulas(other_category, client_for, admin):
    Category.objects.filter(pk=other_category.pk).update(name="=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(client_for(admin).get(reverse("privacy:register_csv")).content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"
