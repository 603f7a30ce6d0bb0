"""Retention periods: a branch setting inherited down the tree, with a site default."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalogue.models import Category, CategoryKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(service):
    """root (36) > middle (unset) > leaf (unset) and sve leaf (unset); alone (unset) elsewhere."""
    root = Category.objects.create(name="Scolarité", slug="scolarite", retention_months=36, sve_retention_months=120)
    middle = Category.objects.create(name="Diplômes", slug="diplomes", parent=root)
    leaf = Category.objects.create(
        name="Duplicata", slug="duplicata", parent=middle, kind=CategoryKind.LEAF, service=service
    )
    sve = Category.objects.create(
        name="Recours", slug="recours", parent=middle, kind=CategoryKind.LEAF, service=service, is_sve=True
    )
    alone = Category.objects.create(name="Autre", slug="autre", kind=CategoryKind.LEAF, service=service)
    return {"root": root, "middle": middle, "leaf": leaf, "sve": sve, "alone": alone}


def test_retention_is_inherited_from_the_nearest_branch(tree):
    assert tree["leaf"].retention_period_months == 36


def test_sve_category_has_the_legal_period_of_its_branch(tree):
    assert tree["sve"].retention_period_months == 120


def test_nearer_branch_setting_wins(tree):
    Category.objects.filter(pk=tree["middle"].pk).update(retention_months=12)
    assert tree["leaf"].retention_period_months == 12


def test_site_default_when_no_branch_sets_it(tree, settings):
    settings.GUICHET_RETENTION_MONTHS = 18
    settings.GUICHET_SVE_RETENTION_MONTHS = 72
    Category.objects.filter(pk=tree["alone"].pk).update(is_sve=False)
    assert tree["alone"].retention_period_months == 18
    Category.objects.filter(pk=tree["alone"].pk).update(is_sve=True)
    assert tree["alone"].retention_period_months == 72


def test_whole_tree_resolved_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = Category.objects.retention_months_by_id()
    assert {name: found[node.pk] for name, node in tree.items()} == {
        "root": 36,
        "middle": 36,
        "leaf": 36,
        "sve": 120,
        "alone": 24,
    }


def test_admin_shows_retention_fields_with_help(client_for, admin, tree):
    response = client_for(admin).get(reverse("admin:catalogue_category_change", args=[tree["leaf"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="retention_months"' in body
    assert 'name="sve_retention_months"' in body
    assert "Vide : valeur de la branche parente" in body
