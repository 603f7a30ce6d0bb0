"""``manage.py stats_rebuild [--stale-only]``: recompute the statistics facts.

After an import of tickets made outside the workflow, or a closure period
added or changed afterwards (delays in working days change with it).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from stats import facts


class Command(BaseCommand):
    help = "Recompute the statistics facts of every ticket (or only missing and stale ones)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--stale-only", action="store_true", help="missing and stale facts only")

    def handle(self, *args, stale_only: bool = False, **options) -> None:
        started = time.monotonic()
        done = facts.rebuild(stale_only=stale_only)
        self.stdout.write(f"{done} facts recomputed in {time.monotonic() - started:.1f} s")
