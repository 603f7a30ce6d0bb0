"""One ORM query compiled once per shape, then run again with each request's values.

Django builds and compiles a queryset on every evaluation: for the agent's ticket page (the visibility
rule, three joined tables, the bookmark annotation: ~120 columns) that was ~1.2 ms of CPU per view, five
times the query's own time in PostgreSQL (issue 22). The SQL of such a query depends only on its *shape*
(which branches the rule has, how many ids each ``IN`` holds), its parameters on the values.

``PreparedQuery.first(shape, params, build)`` (or ``all``) keeps, per thread, the compiled statement and what Django
needs to turn its rows into model instances (columns, converters, related populators: as
``ModelIterable`` does), and runs it with ``params``. ``build()`` gives the queryset itself: on the first
call for a shape it is compiled, and its parameters must equal ``params`` — otherwise the plan is not
kept and the queryset answers (always right, only slower), so a ``params`` written wrongly or a Django
that compiles differently costs time, never a wrong row. Tests assert the plan is used.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

INT64 = (-(2**63), 2**63 - 1)
PLANS_KEPT = 256  # per thread and query; a shape per combination of a user's roles


@dataclass(frozen=True)
class _Plan:
    sql: str
    db: str
    model: type[Model]
    init_list: list[str]
    start: int
    end: int
    converters: list[tuple[int, list[Callable], Any]]
    populators: list[Any]
    annotations: list[tuple[str, int]]


def _plan(queryset: QuerySet) -> tuple[_Plan | None, list[Any]]:
    """The queryset compiled (its plan, or None when it cannot be replayed) and its parameters."""
    db = queryset.db
    compiler = queryset.query.get_compiler(using=db)
    sql, params = compiler.as_sql()
    if compiler.has_extra_select or queryset._known_related_objects or queryset._prefetch_related_lookups:
        return None, list(params)
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    converters = compiler.get_converters([s[0] for s in select[: compiler.col_count]])
    plan = _Plan(
        sql=sql, db=db, model=klass_info["model"],
        init_list=[column[0].target.attname for column in select[start:end]], start=start, end=end,
        converters=[(pos, convs, expression) for pos, (convs, expression) in converters.items()],
        populators=get_related_populators(klass_info, select, db),
        annotations=list((compiler.annotation_col_map or {}).items()),
    )  # fmt: skip
    return plan, list(params)


class PreparedQuery:
    """A query of one model, replayed from its compiled SQL for each shape (see the module)."""

    def __init__(self, name: str):
        self.name = name
        self._local = threading.local()
        self.compiled = 0  # how many times a shape was compiled (tests)
        self.replayed = 0  # how many answers came from a kept plan (tests)

    def _plans(self) -> dict[Hashable, _Plan | None]:
        plans = getattr(self._local, "plans", None)
        if plans is None:
            plans = self._local.plans = {}
        return plans

    def first(self, shape: Hashable, params: Sequence[Any], build: Callable[[], QuerySet]) -> Model | None:
        """The first row of ``build()`` as a model instance, or None; ``params`` are its parameters in the
        order of its SQL. The queryset should hold at most one row (a unique key, or a slice)."""
        rows = self.all(shape, params, build, limit=1)
        return rows[0] if rows else None

    def all(
        self, shape: Hashable, params: Sequence[Any], build: Callable[[], QuerySet], *, limit: int | None = None
    ) -> list[Model]:
        """The rows of ``build()`` as model instances (at most ``limit``); ``params`` are its parameters in
        the order of its SQL."""
        plans = self._plans()
        key = (build.__qualname__, shape)
        plan = plans.get(key)
        if plan is not None and any(type(p) is int and not INT64[0] <= p <= INT64[1] for p in params):
            plan = None  # beyond a 64-bit column: Django's lookups know what that means, not the database driver
        if plan is None:
            queryset = build()
            try:
                plan, compiled = _plan(queryset)
            except EmptyResultSet:  # a condition that holds for no row (an id beyond the column's range…)
                return []
            self.compiled += 1
            if plan is None or [*compiled] != [*params]:
                return list(queryset[:limit] if limit is not None else queryset)
            if len(plans) >= PLANS_KEPT:
                plans.clear()
            plans[key] = plan
        self.replayed += 1
        return self._run(plan, list(params), limit)

    @staticmethod
    def _run(plan: _Plan, params: list[Any], limit: int | None) -> list[Model]:
        connection = connections[plan.db]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
        objects = []
        for row in rows:
            if plan.converters:
                row = list(row)
                for pos, convs, expression in plan.converters:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expression, connection)
                    row[pos] = value
            obj = plan.model.from_db(plan.db, plan.init_list, row[plan.start : plan.end])
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, pos in plan.annotations:
                setattr(obj, name, row[pos])
            objects.append(obj)
        return objects
