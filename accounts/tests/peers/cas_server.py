"""Run a real CAS server (django-cas-server) on 127.0.0.1 for tests and demos.

    python -m accounts.tests.peers.cas_server --port 9300 [--db /tmp/cas.sqlite3] [--users users.json]

It migrates its own SQLite database, accepts every service on 127.0.0.1,
localhost and the test client's ``testserver``, releases all attributes, and
serves ``http://127.0.0.1:PORT/cas/``. Users come from
:mod:`accounts.tests.peers.cas_directory`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

SERVICE_PATTERN = r"^https?://(127\.0\.0\.1|localhost|testserver)(:[0-9]+)?/"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9300)
    parser.add_argument("--db", default=str(Path.cwd() / "var" / "cas-server.sqlite3"))
    parser.add_argument("--users", default="", help="JSON directory (default: the demo directory)")
    args = parser.parse_args(argv)

    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "accounts.tests.peers.cas_server_settings"
    os.environ["GUICHET_CAS_DB"] = args.db
    if args.users:
        os.environ["GUICHET_CAS_USERS"] = args.users

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    from cas_server.models import ReplaceAttributName, ServicePattern

    pattern, _ = ServicePattern.objects.update_or_create(
        name="guichet", defaults={"pattern": SERVICE_PATTERN, "pos": 0, "single_log_out": False}
    )
    ReplaceAttributName.objects.get_or_create(name="*", replace="", service_pattern=pattern)
    sys.stderr.write(f"CAS server: http://127.0.0.1:{args.port}/cas/login\n")
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    main()
