"""Shared pieces of the demo data: each app seeds its part in ``<app>/demo.py``.

A seeder is a function ``seed(ctx: DemoContext) -> None``. It must be
idempotent (``update_or_create`` on natural keys) so that ``seed_demo`` can be
run again after every upgrade. Seeders run in the order of ``SEEDERS`` and
share the context, where earlier ones leave what later ones need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

SEEDERS = ["accounts.demo", "catalogue.demo", "tickets.demo", "knowledge.demo"]


@dataclass
class DemoLogin:
    role: str
    email: str
    note: str = ""


@dataclass
class DemoContext:
    password: str = field(default_factory=lambda: settings.GUICHET_DEMO_PASSWORD)
    logins: list[DemoLogin] = field(default_factory=list)
    # Objects created by earlier seeders, by a short name ("user:agent", …).
    objects: dict[str, Any] = field(default_factory=dict)

    def add_login(self, role: str, email: str, note: str = "") -> None:
        if all(login.email != email for login in self.logins):
            self.logins.append(DemoLogin(role, email, note))


def demo_user(ctx: DemoContext, *, key: str, email: str, first_name: str, last_name: str, **extra: Any):
    """Create or refresh a demo user whose password is the demo password."""
    user, _created = get_user_model().objects.update_or_create(
        email=email.lower(), defaults={"first_name": first_name, "last_name": last_name, **extra}
    )
    if not user.check_password(ctx.password):
        user.set_password(ctx.password)
        user.save(update_fields=["password"])
    verify_email(user)
    ctx.objects[key] = user
    return user


def verify_email(user) -> None:
    """Mark the user's address as verified for allauth (demo accounts only)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
