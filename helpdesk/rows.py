"""``fetch_one``: a hot single-row read written once, not compiled by the ORM on every call.

Compiling ``Ticket.objects.select_related("category").filter(reference=n).first()`` costs
Django about 0.7 ms of CPU, the database's answer a tenth of that; inbound mail reads a
sender and a ticket for every message (issue 22). The statement here is built once per
(model, condition, related) from the models' concrete fields, and the rows become instances
as the ORM makes them (``from_db``, the backend's and the fields' converters, the related
instance in the fields cache).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import connections, models

M = TypeVar("M", bound=models.Model)

# (alias, vendor, model, where, related) → (sql, [(model, attnames, converters, start, end, via)])
_prepared: dict[tuple[Any, ...], tuple[str, list[tuple[Any, ...]]]] = {}


def _part(connection: Any, model: type[models.Model], alias: str, start: int, via: str) -> tuple[str, tuple[Any, ...]]:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(f"{alias}.{quote(f.column)}" for f in fields)
    converting = []  # the values the backend or the field converts (SQLite's dates, JSON…)
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converting.append((start + index, column, found))
    return columns, (model, [f.attname for f in fields], converting, start, start + len(fields), via)


def _prepare(connection: Any, model: type[models.Model], where: str, related: tuple[str, ...]):
    quote = connection.ops.quote_name
    columns, part = _part(connection, model, "t", 0, "")
    selected, parts, joins = [columns], [part], []
    for number, name in enumerate(related):
        field = model._meta.get_field(name)
        target = field.related_model
        alias = f"r{number}"
        columns, part = _part(connection, target, alias, part[4], name)
        selected.append(columns)
        parts.append(part)
        kind = "LEFT OUTER JOIN" if field.null else "INNER JOIN"
        joins.append(
            f"{kind} {quote(target._meta.db_table)} {alias} "
            f"ON {alias}.{quote(field.target_field.column)} = t.{quote(field.column)}"
        )
    table = quote(model._meta.db_table)
    sql = f"SELECT {', '.join(selected)} FROM {table} t {' '.join(joins)} WHERE {where} LIMIT 1"  # noqa: S608 - ours
    return sql, parts


def fetch_one(
    model: type[M], where: str, params: list[Any], *, related: tuple[str, ...] = (), using: str = "default"
) -> M | None:
    """The first row of ``model`` (alias ``t`` in ``where``) matching ``where``, or None; each of
    the foreign keys named in ``related`` comes with its instance (as ``select_related``).
    ``where`` should single out one row (a unique column): no order is imposed."""
    connection = connections[using]
    key = (using, connection.vendor, model, where, related)
    prepared = _prepared.get(key)
    if prepared is None:
        prepared = _prepared[key] = _prepare(connection, model, where, related)
    sql, parts = prepared
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    instances = []
    for part_model, names, converting, start, end, via in parts:
        for index, column, converters in converting:
            for convert in converters:
                row[index] = convert(row[index], column, connection)
        values = row[start:end]
        related_instance = None if values[0] is None else part_model.from_db(using, names, values)
        instances.append((via, related_instance))
    first = instances[0][1]
    for via, instance in instances[1:]:
        first._state.fields_cache[via] = instance
    return first


# (alias, vendor, model) → (INSERT … RETURNING pk, [(field, attname, plain type, own pre_save)])
_inserts: dict[tuple[Any, ...], tuple[str, list[tuple[Any, ...]]]] = {}


def _plain_type(field: models.Field) -> type | None:
    """The Python type whose values ``field`` passes to the database unchanged (its
    ``get_db_prep_save`` returns a ``str`` as it is for a text column, an ``int`` for an integer
    one…): such a value skips the field's preparation. None: always prepared."""
    if isinstance(field, models.ForeignKey):
        return _plain_type(field.target_field)
    if isinstance(field, models.CharField | models.TextField) and not isinstance(field, models.JSONField):
        return str
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.IntegerField):  # (AutoField and the big and small ones among them)
        return int
    return None


def _insert_plan(field: models.Field) -> tuple[Any, ...]:
    own_pre_save = type(field).pre_save is not models.Field.pre_save or getattr(field, "auto_now", False)
    return field, field.attname, _plain_type(field), own_pre_save or getattr(field, "auto_now_add", False)


def _saved_the_orm_way(model: type[models.Model], connection: Any) -> bool:
    from django.db.models.signals import post_save, pre_save

    return bool(
        model._meta.parents
        or pre_save.has_listeners(model)
        or post_save.has_listeners(model)
        or not connection.features.can_return_columns_from_insert
    )


def _insert_statement(connection: Any, model: type[models.Model], rows: int) -> tuple[str, list[tuple[Any, ...]]]:
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    row = f"({', '.join(['%s'] * len(fields))})"
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608 - ours
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(meta.pk.column)}"
    )
    return sql, [_insert_plan(f) for f in fields]


def _values(obj: models.Model, plan: list[tuple[Any, ...]], connection: Any) -> list[Any]:
    obj._prepare_related_fields_for_save(operation_name="save")
    values = []
    for field, attname, plain, own_pre_save in plan:
        value = field.pre_save(obj, True) if own_pre_save else getattr(obj, attname)
        values.append(value if value is None or type(value) is plain else field.get_db_prep_save(value, connection))
    return values


def _inserted(obj: models.Model, pk: Any, using: str) -> None:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    note_state = getattr(obj, "_update_initial_state", None)  # django-fsm's ConcurrentTransitionMixin, as its save()
    if note_state is not None:
        note_state()


def insert_few(objs: list[M], *, using: str = "default") -> list[M]:
    """``bulk_create(objs)`` for a few new rows of one model (a filing's mails: the
    acknowledgement and one per agent) in one ``INSERT … VALUES (…), (…) RETURNING``, the
    statement written once per model and number of rows — ``bulk_create`` compiles every value
    of every row (issue 22). Values as ``insert_one`` gives them; the ORM's way in the same cases."""
    if not objs:
        return objs
    model = type(objs[0])
    connection = connections[using]
    orm_way = _saved_the_orm_way(model, connection) or not connection.features.can_return_rows_from_bulk_insert
    if orm_way or any(o.pk is not None for o in objs):
        return model._default_manager.using(using).bulk_create(objs)
    key = (using, connection.vendor, model, len(objs))
    prepared = _inserts.get(key)
    if prepared is None:
        prepared = _inserts[key] = _insert_statement(connection, model, len(objs))
    sql, plan = prepared
    values = [value for obj in objs for value in _values(obj, plan, connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):  # RETURNING gives the rows in the VALUES order (PostgreSQL)
        _inserted(obj, pk, using)
    return objs


def insert_one(obj: models.Model, *, using: str = "default") -> None:
    """``obj.save(force_insert=True)`` for a new row, the statement written once per model
    (Django compiles it for each row: for a twenty-column row that cost more than the
    database's work, issue 22). Each field still gives its value as on a save
    (``pre_save``: ``auto_now``, files committed; ``get_db_prep_save``). A model with a parent
    model, or with receivers of ``pre_save``/``post_save``, is saved the ORM's way — none of
    the rows the inbound pipeline writes has either."""
    model = type(obj)
    connection = connections[using]
    if obj.pk is not None or _saved_the_orm_way(model, connection):
        obj.save(force_insert=True, using=using)
        return
    key = (using, connection.vendor, model)
    prepared = _inserts.get(key)
    if prepared is None:
        prepared = _inserts[key] = _insert_statement(connection, model, 1)
    sql, plan = prepared
    values = _values(obj, plan, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        pk = cursor.fetchone()[0]
    _inserted(obj, pk, using)
