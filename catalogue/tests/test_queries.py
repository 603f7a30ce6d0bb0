"""The catalogue costs a constant number of queries, whatever its depth and size.

Each page or selector is measured on a two-node tree, then the tree grows to
200 nodes over 5 levels and the same call must issue exactly as many queries.
Both measures read the tree (growing it is a change); while the catalogue does
not change, each process keeps it and reads it no more.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Institution
from catalogue.models import Category, FormField, InboundAddress
from catalogue.selectors import breadcrumb, catalogue_changed, subtree, visible_categories
from catalogue.tests.conftest import build_levels

BIG = [4, 12, 36, 72, 76]  # 200 nodes, depth 0..4


def count_queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.fixture
def small_and_big(service, institution):
    """Returns ``grow()``: called once the small tree has been measured, it adds the big one."""
    small = build_levels([1, 1], service=service, prefix="s")
    small_leaf = small[-1][0]
    FormField.objects.create(category=small_leaf, key="nom", label="Nom", required=True)
    InboundAddress.objects.create(category=small_leaf, email="small@example.org")
    small[0][0].audience_institutions.set([institution])

    def grow() -> tuple[Category, Category]:
        levels = build_levels(BIG, service=service, prefix="b")
        # The deepest visible leaf: position 0 of each level has no audience.
        leaf = levels[-1][0]
        for i in range(5):
            FormField.objects.create(category=leaf, key=f"f{i}", label=f"Champ {i}")
        InboundAddress.objects.create(category=leaf, email="big@example.org")
        for box in levels[0]:
            box.audience_institutions.set([institution])
        assert Category.objects.count() == 202
        return levels[0][0], leaf

    return small[0][0], small_leaf, grow


@pytest.mark.parametrize(
    "page",
    [
        lambda root, leaf: "/",
        lambda root, leaf: f"/catalogue/{root.slug}/",
        lambda root, leaf: f"/catalogue/{leaf.slug}/",
        lambda root, leaf: "/catalogue/recherche/?q=nœud",
    ],
    ids=["home", "group", "leaf", "search"],
)
def test_pages_query_count_constant_in_tree_depth_and_size(
    page, small_and_big, requester, client_for, django_assert_num_queries
):
    client = client_for(requester)
    root, leaf, grow = small_and_big
    client.get("/")  # warm the session

    def fetch(root, leaf):
        response = client.get(page(root, leaf))
        assert response.status_code == 200

    catalogue_changed()  # the tree kept since the warm-up is read again, as after growing
    small_count = count_queries(lambda: fetch(root, leaf))
    big_root, big_leaf = grow()
    assert len(big_leaf.ancestors()) == 4
    with django_assert_num_queries(small_count):
        fetch(big_root, big_leaf)


def test_visible_categories_query_count_constant(small_and_big, requester, django_assert_num_queries):
    _root, _leaf, grow = small_and_big
    catalogue_changed()
    small_count = count_queries(lambda: visible_categories(user=requester))
    grow()
    with django_assert_num_queries(small_count):
        tree = visible_categories(user=requester)
    assert len(tree.nodes) > 100


def test_breadcrumb_query_count_constant(small_and_big, django_assert_num_queries):
    _root, leaf, grow = small_and_big
    small_count = count_queries(lambda: breadcrumb(category=Category.objects.get(pk=leaf.pk)))
    _big_root, big_leaf = grow()
    with django_assert_num_queries(small_count):
        path = breadcrumb(category=Category.objects.get(pk=big_leaf.pk))
    assert len(path) == 5


def test_subtree_query_count_constant(small_and_big, django_assert_num_queries):
    root, _leaf, grow = small_and_big
    small_count = count_queries(lambda: subtree(category=root))
    big_root, _big_leaf = grow()
    with django_assert_num_queries(small_count):
        nodes = subtree(category=big_root)
    assert len(nodes) > 20


def test_tree_is_kept_between_requests_until_the_catalogue_changes(small_and_big, requester, client_for):
    root, leaf, _grow = small_and_big
    client = client_for(requester)
    client.get("/")
    catalogue_changed()
    cold = count_queries(lambda: client.get(f"/catalogue/{root.slug}/"))
    warm = count_queries(lambda: client.get(f"/catalogue/{root.slug}/"))
    assert cold - warm == 3  # the tree, its audience rows, its form fields
    leaf.name = "Nœud renommé"
    leaf.save(update_fields=["name"])
    response = client.get(f"/catalogue/{root.slug}/")
    assert "Nœud renommé" in response.content.decode()
    assert client.get(f"/catalogue/{root.slug}/").status_code == 200
    root.audience_institutions.set([Institution.objects.create(name="Ailleurs")])  # m2m_changed
    assert client.get(f"/catalogue/{root.slug}/").status_code == 404
