import datetime
import json

import pytest

from catalogue.models import FieldKind, FormField
from catalogue.request_forms import build_request_form, serialise_values

STUDENT_NUMBER_MESSAGE = "Le numéro étudiant AMU comporte exactement 8 chiffres."


@pytest.fixture
def student_number_form(category):
    FormField.objects.create(
        category=category,
        key="numero_etudiant",
        label="Numéro étudiant AMU",
        help_text="8 chiffres, sur votre carte d'étudiant",
        kind=FieldKind.PATTERN,
        required=True,
        pattern=r"[0-9]{8}",
        pattern_message=STUDENT_NUMBER_MESSAGE,
    )
    return build_request_form(category)


def test_pattern_field_accepts_eight_digits(student_number_form):
    form = student_number_form(data={"numero_etudiant": "12345678"})
    assert form.is_valid()
    assert serialise_values(form) == {"numero_etudiant": "12345678"}


@pytest.mark.parametrize("value", ["1234567", "123456789", "abcdefgh", "1234567a", "1234 5678"])
def test_pattern_field_refuses_wrong_format_with_message(student_number_form, value):
    form = student_number_form(data={"numero_etudiant": value})
    assert not form.is_valid()
    assert form.errors["numero_etudiant"] == [STUDENT_NUMBER_MESSAGE]


def test_pattern_field_required_when_marked(student_number_form):
    form = student_number_form(data={})
    assert not form.is_valid()
    assert form.errors["numero_etudiant"] == ["Ce champ est obligatoire."]


def test_labels_and_help_text_come_from_rows(student_number_form):
    field = student_number_form().fields["numero_etudiant"]
    assert field.label == "Numéro étudiant AMU"
    # Django renders help_text as HTML: the admin-typed text is escaped once, here.
    assert field.help_text == "8 chiffres, sur votre carte d&#x27;étudiant"
    assert field.required is True


def test_every_kind_validates_and_serialises_json_safe(category):
    kinds = [
        ("titre", FieldKind.TEXT, ""),
        ("details", FieldKind.TEXTAREA, ""),
        ("nombre", FieldKind.INTEGER, ""),
        ("montant", FieldKind.DECIMAL, ""),
        ("date_naissance", FieldKind.DATE, ""),
        ("composante", FieldKind.CHOICE, "Sciences\nLettres"),
        ("jours", FieldKind.MULTICHOICE, "lundi\nmardi\nmercredi"),
        ("courriel", FieldKind.EMAIL, ""),
        ("telephone", FieldKind.PHONE, ""),
    ]
    for position, (key, kind, choices) in enumerate(kinds):
        FormField.objects.create(
            category=category, key=key, label=key, kind=kind, choices=choices, position=position, required=True
        )
    form_class = build_request_form(category)
    assert list(form_class().fields) == [key for key, _kind, _choices in kinds]
    form = form_class(
        data={
            "titre": "Bonjour",
            "details": "Un texte\nlong",
            "nombre": "42",
            "montant": "12.50",
            "date_naissance": "2001-05-08",
            "composante": "Lettres",
            "jours": ["lundi", "mercredi"],
            "courriel": "a@example.org",
            "telephone": "+33 4 13 55 00 00",
        }
    )
    assert form.is_valid(), form.errors
    values = serialise_values(form)
    assert values == {
        "titre": "Bonjour",
        "details": "Un texte\nlong",
        "nombre": 42,
        "montant": "12.50",
        "date_naissance": datetime.date(2001, 5, 8).isoformat(),
        "composante": "Lettres",
        "jours": ["lundi", "mercredi"],
        "courriel": "a@example.org",
        "telephone": "+33 4 13 55 00 00",
    }
    assert json.loads(json.dumps(values)) == values


def test_invalid_values_refused_per_kind(category):
    for key, kind, choices in [
        ("nombre", FieldKind.INTEGER, ""),
        ("date", FieldKind.DATE, ""),
        ("composante", FieldKind.CHOICE, "Sciences"),
        ("courriel", FieldKind.EMAIL, ""),
        ("telephone", FieldKind.PHONE, ""),
    ]:
        FormField.objects.create(category=category, key=key, label=key, kind=kind, choices=choices)
    form = build_request_form(category)(
        data={"nombre": "douze", "date": "32/13/2020", "composante": "Médecine", "courriel": "x", "telephone": "abc"}
    )
    assert not form.is_valid()
    assert sorted(form.errors) == ["composante", "courriel", "date", "nombre", "telephone"]
