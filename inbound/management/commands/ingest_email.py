"""``manage.py ingest_email``: one RFC 822 message on standard input.

For an MTA pipe, e.g. Postfix master.cf::

    guichet unix - n n - - pipe
      flags=Rq user=guichet argv=/srv/guichet/.venv/bin/python /srv/guichet/manage.py ingest_email

Exit status 0 when the message was taken (filed, ignored or quarantined —
never bounced by the MTA), 75 (EX_TEMPFAIL) when it must be retried.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from inbound.sources import EX_OK, ingest_stream


class Command(BaseCommand):
    help = "Ingest one email message read from standard input (for an MTA pipe)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, help="read the message from this file instead of standard input (re-processing)"
        )
        parser.add_argument("--source", default="stdin", help="label recorded with the message (default: stdin)")

    def handle(self, *args, **options):
        if options["file"]:
            with options["file"].open("rb") as stream:
                status = ingest_stream(stream, source=options["source"])
        else:
            status = ingest_stream(sys.stdin.buffer, source=options["source"])
        if status != EX_OK:
            sys.exit(status)
