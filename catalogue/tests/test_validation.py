import pytest
from django.core.exceptions import ValidationError

from catalogue.models import Category, CategoryKind, FieldKind, FormField, PriorityScheme


def errors_of(instance) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    return exc.value.message_dict


@pytest.fixture
def leaf(category):
    return category


# --- Form fields ------------------------------------------------------------------


def test_formfield_bad_regex_refused(leaf):
    field = FormField(category=leaf, key="num", label="Numéro", kind=FieldKind.PATTERN, pattern="([0-9]{8}")
    assert list(errors_of(field)) == ["pattern"]
    assert "Expression régulière invalide" in errors_of(field)["pattern"][0]


def test_formfield_pattern_kind_without_pattern_refused(leaf):
    field = FormField(category=leaf, key="num", label="Numéro", kind=FieldKind.PATTERN)
    assert list(errors_of(field)) == ["pattern"]


def test_formfield_pattern_on_other_kind_refused(leaf):
    field = FormField(category=leaf, key="nom", label="Nom", kind=FieldKind.TEXT, pattern="[A-Z]+")
    assert list(errors_of(field)) == ["pattern"]


@pytest.mark.parametrize("kind", [FieldKind.CHOICE, FieldKind.MULTICHOICE])
def test_formfield_choice_without_choices_refused(leaf, kind):
    field = FormField(category=leaf, key="site", label="Site", kind=kind, choices=" \n \n")
    assert list(errors_of(field)) == ["choices"]


def test_formfield_duplicate_choices_refused(leaf):
    field = FormField(category=leaf, key="site", label="Site", kind=FieldKind.CHOICE, choices="Métare\nMétare")
    assert list(errors_of(field)) == ["choices"]


def test_formfield_choices_on_text_field_refused(leaf):
    field = FormField(category=leaf, key="nom", label="Nom", kind=FieldKind.TEXT, choices="A\nB")
    assert list(errors_of(field)) == ["choices"]


def test_formfield_valid_definitions_accepted(leaf):
    FormField(
        category=leaf, key="num", label="Numéro étudiant", kind=FieldKind.PATTERN, pattern=r"^[0-9]{8}$"
    ).full_clean()
    FormField(category=leaf, key="site", label="Site", kind=FieldKind.CHOICE, choices="Métare\nTréfilerie").full_clean()


def test_formfield_accepts_whole_value_only(leaf):
    field = FormField(category=leaf, key="num", label="Numéro", kind=FieldKind.PATTERN, pattern="[0-9]{8}")
    assert field.accepts("12345678") is True
    assert field.accepts("1234567") is False
    assert field.accepts("123456789") is False


# --- Categories --------------------------------------------------------------------


def test_category_active_leaf_without_service_refused(db):
    leaf = Category(name="Offre", slug="offre", kind=CategoryKind.LEAF)
    assert list(errors_of(leaf)) == ["service"]


def test_category_inactive_leaf_without_service_accepted(db):
    Category(name="Offre", slug="offre", kind=CategoryKind.LEAF, is_active=False).full_clean()


def test_category_group_with_leaf_settings_refused(service):
    group = Category(
        name="Boîte", slug="boite", service=service, priority_scheme=PriorityScheme.BLOCKING, domains=["Budget"]
    )
    assert sorted(errors_of(group)) == ["domains", "priority_scheme", "service"]


def test_category_under_a_leaf_refused(category):
    child = Category(name="Sous-offre", slug="sous-offre", parent=category)
    assert list(errors_of(child)) == ["parent"]


def test_category_leaf_with_children_refused(category):
    box = category.parent
    box.kind = CategoryKind.LEAF
    box.service = category.service
    assert list(errors_of(box)) == ["kind"]


def test_category_cycle_refused(category):
    box = category.parent
    inner = Category.objects.create(name="Intérieur", slug="interieur", parent=box)
    box.parent = inner
    assert list(errors_of(box)) == ["parent"]


def test_category_sve_without_delay_or_decision_refused(service):
    leaf = Category(name="Inscription", slug="inscription", kind=CategoryKind.LEAF, service=service, is_sve=True)
    assert sorted(errors_of(leaf)) == ["sve_implicit_decision", "sve_processing_delay"]


def test_category_reserved_slug_refused(service):
    leaf = Category(name="Recherche", slug="recherche", kind=CategoryKind.LEAF, service=service)
    assert list(errors_of(leaf)) == ["slug"]


def test_category_unknown_profile_refused(db):
    group = Category(name="Boîte", slug="boite", audience_profiles=["martian"])
    assert list(errors_of(group)) == ["audience_profiles"]
