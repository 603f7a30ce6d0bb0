"""The requester's profile page and the pre-fill of the request forms' identity fields."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import ProfileKey
from catalogue.models import FieldKind, FormField
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity_category(category):
    """The identity block of seed 000, mapped to the profile, and one field that is not."""
    for position, (key, label, kind, profile_key) in enumerate(
        [
            ("nom", "Nom", FieldKind.TEXT, ProfileKey.LAST_NAME),
            ("prenom", "Prénom", FieldKind.TEXT, ProfileKey.FIRST_NAME),
            ("numero_etudiant", "Numéro étudiant", FieldKind.TEXT, ProfileKey.STUDENT_NUMBER),
            ("telephone", "Téléphone", FieldKind.PHONE, ProfileKey.PHONE),
            ("adresse_postale", "Adresse postale", FieldKind.TEXTAREA, ProfileKey.POSTAL_ADDRESS),
            ("motif", "Motif", FieldKind.TEXT, ""),
        ]
    ):
        FormField.objects.create(
            category=category, key=key, label=label, kind=kind, position=position, profile_key=profile_key
        )
    return category


def _fill_profile(user):
    user.phone = "04 91 00 00 00"
    user.postal_address = "3 place Victor Hugo\n13003 Marseille"
    user.student_number = "12345678"
    user.save()


def test_profile_page_saves_identity_and_contact(requester, client_for):
    client = client_for(requester)
    url = reverse("accounts:profile")
    page = client.get(url).content.decode()
    assert 'href="/accounts/profil/" aria-current="page">Mon profil</a>' in page
    response = client.post(
        url,
        {
            "last_name": "Martin",
            "first_name": "Camille",
            "phone": "+33 6 12 34 56 78",
            "postal_address": "1 rue de la République\n13001 Marseille",
            "student_number": "87654321",
        },
    )
    assert response.status_code == 302
    requester.refresh_from_db()
    assert (requester.phone, requester.postal_address, requester.student_number) == (
        "+33 6 12 34 56 78",
        "1 rue de la République\n13001 Marseille",
        "87654321",
    )


def test_profile_page_refuses_a_bad_phone_and_keeps_the_text(requester, client_for):
    response = client_for(requester).post(
        reverse("accounts:profile"), {"last_name": "Martin", "first_name": "", "phone": "appelez-moi"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="appelez-moi"' in html
    assert re.findall(r'<a href="#([^"]+)">', html) == ["id_first_name", "id_phone"]
    requester.refresh_from_db()
    assert requester.phone == ""


def test_profile_page_needs_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_request_form_is_prefilled_from_the_profile(identity_category, requester, client_for):
    _fill_profile(requester)
    html = client_for(requester).get(reverse("tickets:file", args=[identity_category.slug])).content.decode()
    assert re.search(r'<input type="text" name="f-nom" value="([^"]*)"', html).group(1) == requester.last_name
    assert re.search(r'<input type="text" name="f-prenom" value="([^"]*)"', html).group(1) == requester.first_name
    assert re.search(r'name="f-numero_etudiant" value="([^"]*)"', html).group(1) == "12345678"
    assert re.search(r'name="f-telephone" value="([^"]*)"', html).group(1) == "04 91 00 00 00"
    assert re.search(r'name="f-adresse_postale"[^>]*>\s*([^<]*)</textarea>', html).group(1) == (
        "3 place Victor Hugo\n13003 Marseille"
    )
    assert re.search(r'<input type="text" name="f-motif"[^>]*>', html).group(0).count("value=") == 0


def test_prefilled_value_can_be_changed_for_one_request_only(identity_category, requester, client_for):
    _fill_profile(requester)
    data = {
        "title": "Attestation",
        "description": "Pour la CAF.",
        "f-nom": requester.last_name,
        "f-prenom": requester.first_name,
        "f-numero_etudiant": "12345678",
        "f-telephone": "06 00 00 00 00",
        "f-adresse_postale": "Chez mes parents\n84000 Avignon",
        "f-motif": "CAF",
        "step": "submit",
    }
    response = client_for(requester).post(reverse("tickets:file", args=[identity_category.slug]), data)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.form_values["telephone"] == "06 00 00 00 00"
    assert ticket.form_values["adresse_postale"] == "Chez mes parents\n84000 Avignon"
    requester.refresh_from_db()
    assert requester.phone == "04 91 00 00 00"
    assert requester.postal_address == "3 place Victor Hugo\n13003 Marseille"


def test_demo_identity_fields_are_mapped_to_the_profile(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    mapped = dict(FormField.objects.filter(category__slug="amu-td-inscription").values_list("key", "profile_key"))
    assert mapped == {
        "nom": ProfileKey.LAST_NAME,
        "prenom": ProfileKey.FIRST_NAME,
        "date_naissance": "",
        "numero_etudiant": ProfileKey.STUDENT_NUMBER,
        "telephone": ProfileKey.PHONE,
        "adresse_postale": ProfileKey.POSTAL_ADDRESS,
    }
