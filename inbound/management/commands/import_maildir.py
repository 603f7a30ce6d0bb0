"""``manage.py import_maildir <path>``: ingest every message of a Maildir.

Messages taken are moved to the ``.processed`` subfolder (Seen flag), so a
second run never imports them again; messages that could not be taken stay
and are reported, and the command exits 75 so a cron job notices.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from inbound.sources import EX_TEMPFAIL, MAILDIR_PROCESSED_FOLDER, import_maildir


class Command(BaseCommand):
    help = "Ingest every message of a Maildir directory, moving each one taken to a processed folder."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the Maildir (the directory holding new/, cur/ and tmp/)")
        parser.add_argument(
            "--processed-folder",
            default=MAILDIR_PROCESSED_FOLDER,
            help="Maildir++ subfolder receiving the messages taken (default: %(default)s)",
        )

    def handle(self, *args, **options):
        import mailbox

        try:
            report = import_maildir(options["path"], processed_folder=options["processed_folder"])
        except mailbox.NoSuchMailboxError as exc:
            raise CommandError(f"no Maildir at {exc}") from exc
        self.stdout.write(f"{report.processed} message(s) taken from {options['path']}.")
        for failure in report.failures:
            self.stderr.write(f"not taken: {failure}")
        if report.failures:
            sys.exit(EX_TEMPFAIL)
