"""``bulk_insert``: ``bulk_create`` for thousands of plain rows, through PostgreSQL's COPY.

A sweep writes ten thousand history events and ten thousand outbox mails.
``bulk_create`` prepares every value of every row through its field
(``get_db_prep_save``, a dozen calls per value) and builds one statement with
all of them: for the outbox's twenty columns that cost more than the mails'
rendering. Here the ids come first from the table's sequence (one query),
then the rows go through one ``COPY … FROM STDIN`` whose values psycopg
writes in C; only JSON values go through their field's encoder.

Used only for what ``bulk_create`` would do the same way: concrete columns
with Python-side values (no ``db_default``, no generated column, no
``auto_now``), on PostgreSQL, for batches large enough to be worth it.
Anything else is ``bulk_create``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models import NOT_PROVIDED

M = TypeVar("M", bound=models.Model)

MIN_ROWS = 50  # below this, one INSERT is as quick and bulk_create's plan is simpler


def _fast_path_columns(model: type[models.Model]) -> list[tuple[str, str, Callable[[Any], Any]]] | None:
    """(column, attname, to_db) of each column but the primary key; None if a column needs Django."""
    columns = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            if not isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
                return None
            continue
        if getattr(field, "generated", False) or getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            return None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return None
        if isinstance(field, models.JSONField):
            columns.append((field.column, field.attname, _json_dumper(field)))
        elif isinstance(
            field,
            models.CharField | models.TextField | models.IntegerField | models.BooleanField | models.DateTimeField
            | models.ForeignKey,
        ):  # fmt: skip
            text = isinstance(field, models.CharField | models.TextField)
            columns.append((field.column, field.attname, _text if text else _same))
        else:
            return None
    return columns


def _same(value: Any) -> Any:
    return value


def _text(value: Any) -> Any:
    return value if value is None or type(value) is str else str(value)  # a lazy translation, say


def _json_dumper(field: models.JSONField) -> Callable[[Any], Any]:
    encoder = field.encoder

    def dump(value: Any) -> Any:
        return None if value is None else json.dumps(value, cls=encoder)

    return dump


def bulk_insert(model: type[M], objs: Sequence[M], *, using: str = "default") -> list[M]:
    """Insert ``objs`` (unsaved instances) and set their primary keys; as ``bulk_create(objs)``."""
    connection = connections[using]
    columns = _fast_path_columns(model) if connection.vendor == "postgresql" else None
    if columns is None or len(objs) < MIN_ROWS:
        return model._default_manager.using(using).bulk_create(objs)
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    names = ", ".join(connection.ops.quote_name(name) for name in [pk_column, *(c[0] for c in columns)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), pk_column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for obj, pk in zip(objs, ids, strict=True):
                copy.write_row([pk, *(to_db(getattr(obj, attname)) for _column, attname, to_db in columns)])
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    return list(objs)
