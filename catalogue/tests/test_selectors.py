import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import RequesterProfile
from catalogue.models import Category
from catalogue.selectors import (
    breadcrumb,
    category_for_user_or_404,
    fold,
    leaf_categories_for_service,
    subtree,
    visible_categories,
)


def slugs(tree) -> list[str]:
    return [n.slug for n in tree.nodes]


@pytest.fixture
def tele_demandes(node, service, institution):
    """The Aix-Marseille shape: a public box, one sub-box per profile."""
    root = node("td", name="Télé-demandes")
    student = node("td-etudiant", root, audience_profiles=[RequesterProfile.STUDENT])
    node("td-inscription", student, service=service)
    staff = node("td-personnel", root, audience_profiles=[RequesterProfile.STAFF], institutions=[institution])
    node("td-carriere", staff, service=service)
    external = node("td-exterieur", root, audience_profiles=[RequesterProfile.EXTERNAL])
    node("td-document", external, service=service)
    return root


def test_visible_categories_student_sees_only_student_boxes(tele_demandes, requester):
    assert slugs(visible_categories(user=requester)) == ["td", "td-etudiant", "td-inscription"]


def test_visible_categories_staff_of_listed_institution_sees_staff_box(tele_demandes, colleague):
    assert slugs(visible_categories(user=colleague)) == ["td", "td-personnel", "td-carriere"]


def test_visible_categories_staff_of_other_institution_does_not_see_staff_box(tele_demandes, other_agent):
    # other_agent is staff but belongs to no institution: the institution audience refuses them.
    assert slugs(visible_categories(user=other_agent)) == ["td"]


def test_visible_categories_external_sees_external_box(tele_demandes, outsider):
    assert slugs(visible_categories(user=outsider)) == ["td", "td-exterieur", "td-document"]


def test_visible_categories_anonymous_sees_public_part_only(tele_demandes):
    assert slugs(visible_categories(user=AnonymousUser())) == ["td"]


def test_visible_categories_admin_sees_every_active_node(tele_demandes, admin):
    assert len(visible_categories(user=admin).nodes) == 7


def test_visible_categories_inactive_node_hides_its_subtree(tele_demandes, requester):
    Category.objects.filter(slug="td-etudiant").update(is_active=False)
    assert slugs(visible_categories(user=requester)) == ["td"]


def test_visible_categories_hidden_parent_hides_public_child(node, service, requester):
    box = node("staff-only", audience_profiles=[RequesterProfile.STAFF])
    node("public-leaf", box, service=service)
    assert slugs(visible_categories(user=requester)) == []


def test_visible_categories_orders_siblings_by_position_then_name(node, service, requester):
    root = node("root")
    node("b", root, name="B", position=1, service=service)
    node("a", root, name="A", position=2, service=service)
    node("c", root, name="C", position=1, service=service)
    tree = visible_categories(user=requester)
    assert [n.slug for n in tree.get("root").visible_children] == ["b", "c", "a"]


def test_category_for_user_or_404_outside_audience_is_404(tele_demandes, requester):
    with pytest.raises(Http404):
        category_for_user_or_404(user=requester, slug="td-carriere")


def test_category_for_user_or_404_gives_node_with_its_visible_children(tele_demandes, requester):
    category = category_for_user_or_404(user=requester, slug="td")
    assert [c.slug for c in category.visible_children] == ["td-etudiant"]


def test_breadcrumb_from_database_node_goes_from_root(tele_demandes):
    leaf = Category.objects.get(slug="td-inscription")
    assert [c.slug for c in breadcrumb(category=leaf)] == ["td", "td-etudiant", "td-inscription"]


def test_breadcrumb_from_visible_tree_needs_no_query(tele_demandes, requester, django_assert_num_queries):
    leaf = category_for_user_or_404(user=requester, slug="td-inscription")
    with django_assert_num_queries(0):
        assert [c.slug for c in breadcrumb(category=leaf)] == ["td", "td-etudiant", "td-inscription"]


def test_subtree_leaves_out_inactive_branches(tele_demandes):
    Category.objects.filter(slug="td-personnel").update(is_active=False)
    root = Category.objects.get(slug="td")
    assert [c.slug for c in subtree(category=root)] == [
        "td",
        "td-etudiant",
        "td-inscription",
        "td-exterieur",
        "td-document",
    ]
    assert len(subtree(category=root, include_inactive=True)) == 7


def test_leaf_categories_for_service_lists_its_leaves_in_tree_order(tele_demandes, service, other_category):
    # Sibling boxes share position 0, so they come by name: étudiant, extérieur, personnel.
    assert [c.slug for c in leaf_categories_for_service(service=service)] == [
        "td-inscription",
        "td-document",
        "td-carriere",
    ]
    Category.objects.filter(slug="td-document").update(is_active=False)
    assert [c.slug for c in leaf_categories_for_service(service=service, active_only=True)] == [
        "td-inscription",
        "td-carriere",
    ]


def test_search_matches_every_word_ignoring_case_and_accents(node, service, requester):
    root = node("esup", name="Assistance en ligne")
    node("hs", root, name="HYGIÈNE - SÉCURITÉ", description="Extincteurs", service=service)
    node("courrier", root, name="Courrier", service=service)
    tree = visible_categories(user=requester)
    assert [n.slug for n in tree.search("hygiene extincteurs")] == ["hs"]
    assert [n.slug for n in tree.search("Sécurité courrier")] == []
    assert tree.search("   ") == []


def test_fold_strips_accents_and_case():
    assert fold("Hygiène SÉCURITÉ Œuvre") == "hygiene securite œuvre"
