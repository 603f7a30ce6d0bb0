"""The catalogue rows the agent's ticket page names — the ticket's category (with its lifecycle in force and
its form's fields), service and software — kept per process under the catalogue's version.

Joined to the ticket on every view, these three tables made the page's one ticket query a seven-table
join: about a millisecond of PostgreSQL planning and as much of Django compiling ~40 more columns, for rows
that change a few times a year; and the lifecycle in force cost one more query for the whole category tree
(issue 22). The catalogue's version (``catalogue.selectors``) changes with any category, form field,
service or software saved or deleted, in every process; this keeps its own copy under the same version,
read again (three queries) when it moves or after ``TREE_MAX_AGE_SECONDS`` (Redis unreachable).
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass

from catalogue import selectors as catalogue
from catalogue.models import Category, Lifecycle, Service, Software
from tickets.models import Ticket


@dataclass(frozen=True)
class _Kept:
    version: str
    read_at: float
    categories: dict[int, Category]
    services: dict[int, Service]
    softwares: dict[int, Software]


_kept: _Kept | None = None
_lock = threading.Lock()


def _lifecycle_in_force(category: Category, categories: dict[int, Category]) -> str:
    """``Category.lifecycle_in_force`` worked out on the rows read: the node's, else the nearest up the tree."""
    node, seen = category, set()
    while not node.lifecycle and node.parent_id in categories and node.pk not in seen:  # acyclic, but bounded
        seen.add(node.pk)
        node = categories[node.parent_id]
    return node.lifecycle or Lifecycle.CORE


def _read(version: str) -> _Kept:
    categories = {c.pk: c for c in Category.objects.prefetch_related("form_fields")}
    for category in categories.values():
        category._lifecycle_in_force = _lifecycle_in_force(category, categories)
    services = {s.pk: s for s in Service.objects.all()}
    softwares = {s.pk: s for s in Software.objects.all()}
    for category in categories.values():  # as ``select_related("service", "software")`` leaves them
        category.service = services[category.service_id] if category.service_id else None
        category.software = softwares.get(category.software_id) if category.software_id else None
    return _Kept(version, time.monotonic(), categories, services, softwares)


def kept() -> _Kept:
    global _kept
    version = catalogue._tree_version()  # before the read: a change committed during it bumps it again
    current = _kept
    if (
        current is None
        or current.version != version
        or time.monotonic() - current.read_at > catalogue.TREE_MAX_AGE_SECONDS
    ):
        with _lock:
            current = _kept = _read(version)
    return current


def attach(ticket: Ticket) -> None:
    """Give ``ticket`` (read without them) copies of its category, service and software from the kept rows.
    A row not kept yet (created since the version was read) is left to the ordinary lazy read."""
    rows = kept()
    ticket.catalogue_version = rows.version  # what the page's kept fragments that name these rows depend on
    if (category := rows.categories.get(ticket.category_id)) is not None:
        ticket.category = copy.copy(category)
    if (service := rows.services.get(ticket.service_id)) is not None:
        ticket.service = copy.copy(service)
    if ticket.software_id is not None and (software := rows.softwares.get(ticket.software_id)) is not None:
        ticket.software = copy.copy(software)
