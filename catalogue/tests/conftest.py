"""Helpers for the catalogue tests: small trees built in one call."""

from __future__ import annotations

import pytest

from catalogue.models import Category, CategoryKind, Service


@pytest.fixture
def node(db):
    """``node(slug, parent=None, **fields)``: a group, or a leaf when a service is given."""

    def make(slug: str, parent: Category | None = None, **fields) -> Category:
        fields.setdefault("name", slug.replace("-", " ").capitalize())
        fields.setdefault("kind", CategoryKind.LEAF if fields.get("service") else CategoryKind.GROUP)
        institutions = fields.pop("institutions", ())
        category = Category.objects.create(slug=slug, parent=parent, **fields)
        category.audience_institutions.set(institutions)
        return category

    return make


def build_levels(sizes: list[int], *, service: Service, prefix: str = "n") -> list[list[Category]]:
    """A tree with ``sizes[i]`` nodes at depth ``i`` (parents taken round-robin);
    the last level is made of leaves handled by ``service``."""
    levels: list[list[Category]] = []
    for depth, size in enumerate(sizes):
        parents = levels[-1] if levels else [None]
        is_leaf = depth == len(sizes) - 1
        nodes = [
            Category(
                slug=f"{prefix}{depth}-{i}",
                name=f"Nœud {depth}.{i}",
                description=f"Description du nœud {depth}.{i}",
                parent=parents[i % len(parents)],
                position=i,
                kind=CategoryKind.LEAF if is_leaf else CategoryKind.GROUP,
                service=service if is_leaf else None,
                # Every third node has an audience, so that filtering has work to do.
                audience_profiles=["student", "staff"] if i % 3 == 2 else [],
            )
            for i in range(size)
        ]
        levels.append(Category.objects.bulk_create(nodes))
    return levels
