"""Builders of the demo catalogue: services, validated nodes and request forms."""

from __future__ import annotations

from typing import Any

from catalogue.models import (
    Category,
    CategoryKind,
    FormField,
    InboundAddress,
    Service,
    ServiceMembership,
    ServiceRole,
)
from helpdesk.demo import DemoContext


def build_service(ctx: DemoContext, slug: str, name: str, *, agents=(), managers=(), **fields: Any) -> Service:
    service, _ = Service.objects.update_or_create(slug=slug, defaults={"name": name, **fields})
    for user in agents:
        ServiceMembership.objects.update_or_create(service=service, user=user, defaults={"role": ServiceRole.AGENT})
    for user in managers:
        ServiceMembership.objects.update_or_create(service=service, user=user, defaults={"role": ServiceRole.MANAGER})
    ctx.objects[f"service:{slug}"] = service
    return service


def build_node(
    ctx: DemoContext,
    slug: str,
    name: str,
    *,
    parent: Category | None,
    position: int,
    institutions=(),
    form: list[dict[str, Any]] | None = None,
    inbound: tuple[str, ...] = (),
    **fields: Any,
) -> Category:
    """Create or refresh one node (by slug), validated like the admin would."""
    category = Category.objects.filter(slug=slug).first() or Category(slug=slug)
    values = {
        "name": name,
        "parent": parent,
        "position": position,
        "kind": CategoryKind.LEAF if "service" in fields else CategoryKind.GROUP,
        **fields,
    }
    for attr, value in values.items():
        setattr(category, attr, value)
    category.full_clean()
    category.save()
    category.audience_institutions.set(institutions)
    if form is not None:
        build_form(category, form)
    for email in inbound:
        InboundAddress.objects.update_or_create(email=email, defaults={"category": category})
    ctx.objects[f"category:{slug}"] = category
    return category


def build_form(category: Category, specs: list[dict[str, Any]]) -> None:
    keys = []
    for position, spec in enumerate(specs, start=1):
        spec = dict(spec)
        field = FormField.objects.filter(category=category, key=spec["key"]).first() or FormField(
            category=category, key=spec["key"]
        )
        for attr, value in {"position": position * 10, **spec}.items():
            setattr(field, attr, value)
        field.full_clean()
        field.save()
        keys.append(field.key)
    category.form_fields.exclude(key__in=keys).delete()


# --- Services -------------------------------------------------------------------
