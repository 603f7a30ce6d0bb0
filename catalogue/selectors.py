"""Reads of the catalogue: the tree a person may see, a node's path, a subtree.

The whole tree is fetched with one recursive-CTE query (django-tree-queries)
and the audience rows and form fields with two more; visibility is then
decided in Python, walking the depth-first list once. Every function here
therefore costs a constant number of queries, whatever the depth or the size
of the tree — none at all while the catalogue does not change: each process
keeps the whole tree between requests, under a version that the shared cache
holds and that any change to a category, its audience, its form or a service
replaces (``catalogue_changed``). A filing or a catalogue page used to build
the tree's hundred-odd model instances on every request.

Visibility rule (the only one): a node is visible to a person when it is
active, its own audience admits them (``Category.audience_allows``) and its
parent is visible. Administrators (``is_staff``) see every active node so
that they can check the catalogue they edit. Anonymous visitors have no
profile and no institution, so they see only the public part: nodes whose
audience is empty, under parents whose audience is empty.
"""

from __future__ import annotations

import time
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.db.models.base import ModelState
from django.http import Http404

from accounts import roles
from accounts.models import Membership, User
from catalogue.models import Category, CategoryKind, Lifecycle, Service

AnyUser = User | AnonymousUser


@dataclass
class CatalogueTree:
    """The nodes one person may see, in depth-first order (siblings by position, name).

    Each node carries ``visible_children`` (its visible children, in order)
    and ``visible_parent`` (``None`` for a root), so templates walk the tree
    without touching the database.
    """

    nodes: list[Category]
    by_slug: dict[str, Category] = field(init=False)

    def __post_init__(self) -> None:
        self.by_slug = {node.slug: node for node in self.nodes}

    @property
    def roots(self) -> list[Category]:
        return [node for node in self.nodes if node.visible_parent is None]

    def get(self, slug: str) -> Category | None:
        return self.by_slug.get(slug)

    def path_to(self, node: Category) -> list[Category]:
        """The node's ancestors from the root, then the node itself."""
        path = [node]
        while path[0].visible_parent is not None:
            path.insert(0, path[0].visible_parent)
        return path

    def search(self, query: str) -> list[Category]:
        """Nodes whose name or description contains every word of ``query``
        (case and accents ignored), in tree order."""
        words = fold(query).split()
        if not words:
            return []
        return [node for node in self.nodes if all(word in _search_text(node) for word in words)]


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents: "Hygiène" and "hygiene" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _search_text(node: Category) -> str:
    cached = getattr(node, "_search_text", None)
    if cached is None:
        cached = node._search_text = fold(f"{node.name} {node.description} {' '.join(node.domain_list)}")
    return cached


def _audience_of(user: AnyUser) -> tuple[str, frozenset[int]]:
    if not user.is_authenticated:
        return "", frozenset()
    memberships = list(Membership.objects.filter(user=user).select_related("institution").order_by("pk"))
    user.primary_membership = memberships[0] if memberships else None  # the cached property, without its query
    return user.profile, frozenset(m.institution_id for m in memberships)


# The version of the catalogue in the shared cache: a new random value on every change.
TREE_VERSION_KEY = "catalogue:tree-version"
# While the shared cache is unreachable each process counts its own versions
# (``helpdesk.cache``): a change made through another process is seen after at most this long.
TREE_MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True)
class _KeptTree:
    version: str
    read_at: float
    nodes: list[Category]


_kept: _KeptTree | None = None


def _tree_version() -> str:
    version = cache.get(TREE_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(TREE_VERSION_KEY, version, timeout=None):
            version = cache.get(TREE_VERSION_KEY) or version
    return version


def catalogue_changed(**kwargs: object) -> None:
    """Receiver of the catalogue's save/delete signals: every process reads the tree again.

    Now, and again once the transaction commits — a process that read the
    tree meanwhile kept it under the intermediate version.
    """

    def bump() -> None:
        cache.set(TREE_VERSION_KEY, uuid.uuid4().hex, timeout=None)

    bump()
    transaction.on_commit(bump)


def _whole_tree() -> list[Category]:
    """Every node with tree fields, depth-first, audience institutions, form fields and
    lifecycle in force attached: copies of the process's kept tree, read again when the
    catalogue's version changed (three queries) or after ``TREE_MAX_AGE_SECONDS``."""
    return [_copy_node(node) for node in _kept_nodes()]


def _copy_node(node: Category) -> Category:
    """A shallow copy of a kept node, as ``copy.copy`` makes it (own attributes and own
    related-objects cache; the related objects and prefetched form fields shared), without
    going through the pickle protocol: 0.14 ms a tree instead of 0.85 (61 nodes), and
    a filing copies the tree on each of its requests."""
    new = Category.__new__(Category)
    attributes = node.__dict__.copy()
    state = attributes["_state"] = ModelState.__new__(ModelState)
    state.__dict__ = node._state.__dict__.copy()
    if "fields_cache" in state.__dict__:
        state.fields_cache = state.fields_cache.copy()
    state.__dict__.pop("related_managers_cache", None)  # as ModelState.__getstate__: rebuilt when used
    new.__dict__ = attributes
    return new


def _kept_nodes() -> list[Category]:
    """The process's kept tree itself: read it, never change it (copy with ``_copy_node``)."""
    global _kept
    version = _tree_version()  # before the read: a change committed during it bumps the version again
    kept = _kept
    if kept is None or kept.version != version or time.monotonic() - kept.read_at > TREE_MAX_AGE_SECONDS:
        kept = _kept = _KeptTree(version=version, read_at=time.monotonic(), nodes=_read_tree())
    return kept.nodes


def _read_tree() -> list[Category]:
    nodes = list(
        Category.objects.with_tree_fields()
        .select_related("service", "software")
        .prefetch_related("form_fields")
        .order_by("tree_ordering")
    )
    audience: dict[int, set[int]] = defaultdict(set)
    through = Category.audience_institutions.through
    for category_id, institution_id in through.objects.values_list("category_id", "institution_id"):
        audience[category_id].add(institution_id)
    by_pk: dict[int, Category] = {}
    for node in nodes:  # depth-first: a parent comes before its children
        node._audience_institution_ids = frozenset(audience.get(node.pk, ()))
        # ``Category.lifecycle_in_force``, worked out here without its query.
        parent = by_pk.get(node.parent_id) if node.parent_id is not None else None
        node._lifecycle_in_force = node.lifecycle or (parent._lifecycle_in_force if parent else Lifecycle.CORE)
        by_pk[node.pk] = node
    return nodes


@dataclass
class _ReadOnce:
    tree: list[Category] | None = None  # the kept nodes, read-only
    users: dict[int | None, CatalogueTree] = field(default_factory=dict)


# Inside ``catalogue_read_once()``: the whole tree, and the tree each person sees, read once.
_read_once: ContextVar[_ReadOnce | None] = ContextVar("catalogue_read_once", default=None)


@contextmanager
def catalogue_read_once() -> Iterator[None]:
    """Within the block, the catalogue is read once, and the tree each person
    sees is worked out once: a filing checks the audience in the page and
    again in the workflow door; a run of the mail pipeline files many
    messages. The block sees the catalogue as it was when first read, so it
    must stay short (a request, a mailbox poll)."""
    token = _read_once.set(_ReadOnce())
    try:
        yield
    finally:
        _read_once.reset(token)


def visible_categories(*, user: AnyUser) -> CatalogueTree:
    """The catalogue as ``user`` sees it: a hidden or inactive node hides its subtree."""
    memo = _read_once.get()
    if memo is None:
        return _visible_categories(user, _whole_tree())
    if user.pk not in memo.users:
        if memo.tree is None:
            memo.tree = _kept_nodes()
        # Copies: each person's tree sets its own visible_children / visible_parent.
        memo.users[user.pk] = _visible_categories(user, [_copy_node(node) for node in memo.tree])
    return memo.users[user.pk]


def _visible_categories(user: AnyUser, tree: list[Category]) -> CatalogueTree:
    profile, institution_ids = _audience_of(user)
    sees_everything = roles.is_admin(user)
    visible: dict[int, Category] = {}
    for node in tree:  # depth-first: a parent comes before its children
        node.visible_children = []
        node.visible_parent = None
        if node.parent_id is not None and node.parent_id not in visible:
            continue
        if not node.is_active:
            continue
        if not sees_everything and not node.audience_allows(profile=profile, institution_ids=institution_ids):
            continue
        node.visible_parent = visible.get(node.parent_id) if node.parent_id else None
        if node.visible_parent is not None:
            node.visible_parent.visible_children.append(node)
        visible[node.pk] = node
    return CatalogueTree(nodes=list(visible.values()))


def category_for_user_or_404(*, user: AnyUser, slug: str) -> Category:
    """The node ``slug`` if ``user`` may see it; otherwise 404, even by direct URL.

    The node comes with ``visible_children`` and ``visible_parent`` set.
    """
    node = visible_categories(user=user).get(slug)
    if node is None:
        raise Http404("No visible category matches the given slug.")
    return node


def restricting_category(*, user: AnyUser, slug: str) -> Category | None:
    """Why ``user`` may not see the active node ``slug``: the node itself or the
    ancestor whose audience keeps them out. ``None`` when the node does not
    exist, is inactive (or under an inactive one), or is visible after all.
    """
    nodes = _whole_tree()
    by_pk = {node.pk: node for node in nodes}
    target = next((node for node in nodes if node.slug == slug), None)
    if target is None:
        return None
    path = [target]
    while path[0].parent_id is not None:
        path.insert(0, by_pk[path[0].parent_id])
    if not all(node.is_active for node in path) or (user.is_authenticated and user.is_staff):
        return None
    profile, institution_ids = _audience_of(user)
    refusing = (node for node in path if not node.audience_allows(profile=profile, institution_ids=institution_ids))
    return next(refusing, None)


def breadcrumb(*, category: Category) -> list[Category]:
    """The category's ancestors from the root, then the category (one or two queries)."""
    if hasattr(category, "visible_children"):
        # Part of a tree fetched by ``visible_categories``: walk it, no query.
        path = [category]
        while path[0].visible_parent is not None:
            path.insert(0, path[0].visible_parent)
        return path
    return list(Category.objects.ancestors(category, include_self=True))


def subtree(*, category: Category, include_inactive: bool = False) -> list[Category]:
    """The category and its descendants, depth-first (one query).

    Unless ``include_inactive``, an inactive node is left out with everything
    below it, as on the requester pages.
    """
    nodes = list(Category.objects.descendants(category, include_self=True).order_by("tree_ordering"))
    if include_inactive:
        return nodes
    hidden: set[int] = set()
    kept = []
    for node in nodes:
        if not node.is_active or node.parent_id in hidden:
            hidden.add(node.pk)
            continue
        kept.append(node)
    return kept


def leaf_categories_for_service(*, service: Service, active_only: bool = False) -> list[Category]:
    """The leaves handled by ``service`` in tree order (one query)."""
    queryset = Category.objects.with_tree_fields().filter(kind=CategoryKind.LEAF, service=service)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return list(queryset.order_by("tree_ordering"))
