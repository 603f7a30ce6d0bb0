"""Create the PostgreSQL database of ``DATABASE_URL`` when it does not exist (``make run``).

SQLite needs nothing (the file is created on first use). For PostgreSQL the
command connects to the server's ``postgres`` database with the same
credentials and runs ``CREATE DATABASE``; when the server refuses (no
CREATEDB right) or cannot be reached, it stops with one line saying what to
do, never a traceback.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def _connect(params: dict, dbname: str):
    import psycopg

    return psycopg.connect(**{"connect_timeout": 5, **params, "dbname": dbname}, autocommit=True)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def ensure_postgres_database(alias: str = "default") -> str:
    """Create the database of ``alias`` if missing; return what was done."""
    import psycopg
    from psycopg import errors, sql

    connection = connections[alias]
    params = connection.get_connection_params()
    name = params.pop("dbname")
    params.pop("context", None)
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    where = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
    try:
        _connect(params, name).close()
        return f"PostgreSQL database {name} exists."
    except errors.InvalidCatalogName:
        pass  # the database does not exist: create it below
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc) or f'"{name}"' not in str(exc):
            raise CommandError(
                f"PostgreSQL at {where} does not answer ({_first_line(exc)}): start it or fix DATABASE_URL."
            ) from None
    try:
        with _connect(params, "postgres") as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        user = params.get("user") or "postgres"
        raise CommandError(
            f"PostgreSQL database {name} does not exist and {user} may not create it "
            f"({_first_line(exc)}): "
            f"ask an administrator to run: createdb -h {params.get('host') or 'localhost'} "
            f"-p {params.get('port') or 5432} -O {user} {name}"
        ) from None
    return f"Created the PostgreSQL database {name}."


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL when it does not exist."

    def handle(self, *args: object, **options: object) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            return
        self.stdout.write(ensure_postgres_database())
