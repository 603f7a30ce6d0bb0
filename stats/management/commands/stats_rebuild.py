"""``manage.py stats_rebuild [--stale-only | --rollups-only]``: recompute the statistics facts
and their daily roll-ups.

After an import of tickets made outside the workflow, or a closure period
added or changed afterwards (delays in working days change with it).
``--rollups-only`` recounts the roll-ups from the facts (one set-based query).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from stats import facts, rollups


class Command(BaseCommand):
    help = "Recompute the statistics facts of every ticket (or only missing and stale ones), then the roll-ups."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--stale-only", action="store_true", help="missing and stale facts only")
        parser.add_argument("--rollups-only", action="store_true", help="the daily roll-ups only, from the facts")

    def handle(self, *args, stale_only: bool = False, rollups_only: bool = False, **options) -> None:
        started = time.monotonic()
        if rollups_only:
            rows = rollups.rebuild()
            self.stdout.write(f"{rows} roll-up rows rebuilt in {time.monotonic() - started:.1f} s")
            return
        done = facts.rebuild(stale_only=stale_only)
        self.stdout.write(f"{done} facts recomputed in {time.monotonic() - started:.1f} s")
