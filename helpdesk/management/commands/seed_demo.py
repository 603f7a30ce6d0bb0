"""Fill the database with demo data and print the demo logins."""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from helpdesk.demo import SEEDERS, DemoContext


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent) and print the demo logins."

    def handle(self, *args: object, **options: object) -> None:
        ctx = DemoContext()
        with transaction.atomic():
            for module_name in SEEDERS:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Demo logins (password for all: {ctx.password}):"))
        width = max((len(login.role) for login in ctx.logins), default=0)
        for login in ctx.logins:
            note = f"  ({login.note})" if login.note else ""
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}{note}")
